/**
 * Metric line charts: one chart per metric, one line per run; x by step, wall time or relative
 * time; smoothing; log scale; drag to zoom, which asks the server for that step range at full
 * resolution. RUNNING runs are polled and their lines grow until the run ends.
 */
import type { Run } from '@darwin-mlflow/contract';
import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { CHART_BUCKETS, useDownsampledSeries } from '../hooks/useMetricHistory';
import { alignSeries, bucketsToSeries, smooth } from '../lib/series';
import type { XAxis } from '../lib/series';
import { ErrorState } from './Status';
import { UPlotChart } from './UPlotChart';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#65a30d', '#7c3aed', '#ca8a04'];

/** A run as a chart needs it; only the id is known before the run itself has been fetched. */
export interface ChartRun {
  runId: string;
  name?: string;
  status?: string;
  startTime?: number;
}

export function chartRun(run: Run): ChartRun {
  return { runId: run.info.run_id, name: run.info.run_name || undefined, status: run.info.status, startTime: Number(run.info.start_time) };
}

export interface ChartSettings {
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}

export default function MetricCharts({ runs, metricKeys, initial }: { runs: ChartRun[]; metricKeys: string[]; initial?: Partial<ChartSettings> }) {
  const [settings, setSettings] = useState<ChartSettings>({ xAxis: 'step', smoothing: 0, logScale: false, ...initial });
  const [search, setSearch] = useState('');
  const keys = metricKeys.filter((k) => k.toLowerCase().includes(search.toLowerCase()));
  return (
    <div className="charts">
      <div className="toolbar">
        <label>
          X axis{' '}
          <select value={settings.xAxis} onChange={(e) => setSettings({ ...settings, xAxis: e.target.value as XAxis })}>
            <option value="step">Step</option>
            <option value="time">Wall time</option>
            <option value="relative">Relative time</option>
          </select>
        </label>
        <label>
          Smoothing{' '}
          <input type="range" min={0} max={0.99} step={0.01} value={settings.smoothing} onChange={(e) => setSettings({ ...settings, smoothing: Number(e.target.value) })} />{' '}
          <span className="mono">{settings.smoothing.toFixed(2)}</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={settings.logScale} onChange={(e) => setSettings({ ...settings, logScale: e.target.checked })} /> Log scale
        </label>
        {metricKeys.length > 4 && (
          <label>
            <span className="sr-only">Search metrics</span>
            <input type="search" placeholder="Search metrics" value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
        )}
      </div>
      <div className="chart-grid">
        {keys.map((key) => (
          <MetricChart key={key} metricKey={key} runs={runs} settings={settings} />
        ))}
      </div>
    </div>
  );
}

export function MetricChart({ metricKey, runs, settings }: { metricKey: string; runs: ChartRun[]; settings: ChartSettings }) {
  const [zoom, setZoom] = useState<{ start: number; end: number } | undefined>();
  const requestKey = runs.map((r) => `${r.runId}:${r.status ?? ''}`).join(',');
  const requests = useMemo(
    () => requestKey.split(',').map((entry) => ({ runId: entry.split(':')[0] as string, key: metricKey, live: entry.endsWith(':RUNNING') })),
    [requestKey, metricKey],
  );
  // start times only move the lines on the relative-time axis: elsewhere the runs arriving
  // after their series leave the data as it is
  const startTimes = settings.xAxis === 'relative' ? runs.map((r) => r.startTime ?? 0).join(',') : '';
  const results = useDownsampledSeries(requests, CHART_BUCKETS, settings.xAxis === 'step' ? zoom : undefined);
  const error = results.find((r) => r.isError)?.error;
  const loading = results.some((r) => r.isPending);
  const dataKey = results.map((r) => r.dataUpdatedAt).join(',');
  const points = results.reduce((n, r) => n + (r.data?.total_count ?? 0), 0);

  const data = useMemo<uPlot.AlignedData>(() => {
    const starts = startTimes.split(',').map(Number);
    const series = results.map((r, i) => {
      const s = bucketsToSeries(r.data?.buckets ?? [], settings.xAxis, starts[i] ?? 0);
      return { x: s.x, y: smooth(s.y, settings.smoothing) };
    });
    return alignSeries(series) as unknown as uPlot.AlignedData;
  }, [dataKey, settings.xAxis, settings.smoothing, startTimes]);

  // the chart is rebuilt only when its series change, not when a run's data is refetched nor
  // when a run's name arrives: the legend's labels are elements whose text follows the names
  const runCount = runs.length;
  const legendLabels = useMemo(() => Array.from({ length: runCount }, () => document.createElement('span')), [runCount]);
  const labels = runs.map((r) => r.name ?? r.runId.slice(0, 8));
  useEffect(() => {
    legendLabels.forEach((el, i) => (el.textContent = labels[i] ?? ''));
  });
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: { x: { time: settings.xAxis === 'time' }, y: { distr: settings.logScale ? 3 : 1 } },
      series: [
        { label: settings.xAxis === 'step' ? 'step' : settings.xAxis === 'time' ? 'time' : 'seconds' },
        ...legendLabels.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true })),
      ],
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 60 }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 4) return;
            const start = u.posToVal(u.select.left, 'x');
            const end = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            if (settings.xAxis === 'step') setZoom({ start, end });
            else u.setScale('x', { min: start, max: end });
          },
        ],
      },
    }),
    [settings.xAxis, settings.logScale, legendLabels],
  );

  return (
    <figure className="chart card" data-metric={metricKey}>
      <figcaption>
        <span className="mono">{metricKey}</span>
        <span className="muted">
          {loading ? ' loading…' : ` ${points.toLocaleString()} ${points === 1 ? 'point' : 'points'}`}
          {requests.some((r) => r.live) && <span className="badge running"> live</span>}
        </span>
        {zoom && (
          <button type="button" className="link" onClick={() => setZoom(undefined)}>
            Reset zoom
          </button>
        )}
      </figcaption>
      {error ? <ErrorState error={error} /> : <UPlotChart options={options} data={data} height={220} label={`Chart of ${metricKey}`} />}
    </figure>
  );
}
