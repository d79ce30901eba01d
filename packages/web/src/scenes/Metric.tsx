/** MLflow's metric page (`#/metric/<key>?runs=[...]&x_axis=...`): one metric over several runs. */
import { useParams, useSearchParams } from 'react-router';
import MetricCharts from '../components/MetricCharts';
import type { ChartRun } from '../components/MetricCharts';
import { ErrorState } from '../components/Status';
import { useRunsById } from '../hooks/useRun';
import { metricPageTarget } from '../lib/mlflowRoutes';
import type { XAxis } from '../lib/series';

const X_AXES: Record<string, XAxis> = { step: 'step', wall: 'time', time: 'time', relative: 'relative' };

export default function MetricScene() {
  const { '*': splat = '' } = useParams();
  const [params] = useSearchParams();
  const { runIds, keys } = metricPageTarget(params, splat);
  const runs = useRunsById(runIds);
  if (runIds.length === 0 || keys.length === 0) return <ErrorState error={new Error('The link names no runs or no metric.')} />;
  const failed = runs.find((r) => r.isError);
  if (failed) return <ErrorState error={failed.error} />;
  // the charts ask for their series straight away; names, states and start times follow
  const chartRuns: ChartRun[] = runIds.map((runId, i) => {
    const info = runs[i]?.data?.info;
    return { runId, name: info?.run_name || undefined, status: info?.status, startTime: info ? Number(info.start_time) : undefined };
  });
  const smoothing = Number(params.get('line_smoothness') ?? 0);
  return (
    <section className="page">
      <h1>
        Metric <span className="mono">{keys.join(', ')}</span>
      </h1>
      <MetricCharts
        runs={chartRuns}
        metricKeys={keys}
        initial={{
          xAxis: X_AXES[params.get('x_axis') ?? 'step'] ?? 'step',
          logScale: params.get('y_axis_scale') === 'log',
          // MLflow's slider goes from 1 to 100
          smoothing: Number.isFinite(smoothing) && smoothing > 1 ? Math.min(0.99, smoothing / 100) : 0,
        }}
      />
    </section>
  );
}
