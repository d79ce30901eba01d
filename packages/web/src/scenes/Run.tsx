/**
 * A run (`#/experiments/:id/runs/:runId`, with MLflow's `/artifactPath/<path>` and
 * `/artifacts/<path>` sub-routes): overview, charts and artifacts as tabs.
 */
import { Link, useNavigate, useParams } from 'react-router';
import { ArtifactBrowser } from '../components/ArtifactBrowser';
// in this route's module (loaded on demand) rather than behind Suspense: see router.tsx
import MetricCharts, { chartRun } from '../components/MetricCharts';
import { RunOverview } from '../components/RunOverview';
import { ErrorState, Loading } from '../components/Status';
import { useRun } from '../hooks/useRun';
import { runPageSplat } from '../lib/mlflowRoutes';

export default function RunScene() {
  const { experimentId = '', runId = '', '*': splat = '' } = useParams();
  const { tab, artifactPath } = runPageSplat(splat);
  const run = useRun(runId);
  const navigate = useNavigate();
  const base = `/experiments/${experimentId}/runs/${runId}`;
  if (run.isPending) return <Loading label="Loading run…" />;
  if (run.isError) return <ErrorState error={run.error} retry={() => void run.refetch()} />;
  const info = run.data.info;
  if (info.experiment_id !== experimentId) {
    return <ErrorState error={new Error(`Run ${runId} is not in experiment ${experimentId}; it belongs to experiment ${info.experiment_id}.`)} />;
  }
  const metricKeys = (run.data.data?.metrics ?? []).map((m) => m.key).sort();
  const tabs = [
    { id: 'overview', label: 'Overview', to: base },
    { id: 'charts', label: `Charts (${metricKeys.length})`, to: `${base}/charts` },
    { id: 'artifacts', label: 'Artifacts', to: `${base}/artifacts` },
  ];
  return (
    <section className="page run-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/experiments">Experiments</Link> › <Link to={`/experiments/${experimentId}`}>Experiment {experimentId}</Link> ›
      </nav>
      <h1>
        {info.run_name || info.run_id} <span className={`badge ${info.status.toLowerCase()}`}>{info.status}</span>
        {info.lifecycle_stage === 'deleted' && <span className="badge killed">deleted</span>}
      </h1>
      <div role="tablist" className="tabs" aria-label="Run sections">
        {tabs.map((t) => (
          <Link key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : ''} to={t.to} replace>
            {t.label}
          </Link>
        ))}
      </div>
      <div role="tabpanel" aria-label={tabs.find((t) => t.id === tab)?.label}>
        {tab === 'overview' && <RunOverview run={run.data} />}
        {tab === 'charts' &&
          (metricKeys.length === 0 ? (
            <p className="empty">This run has logged no metrics.</p>
          ) : (
            <MetricCharts runs={[chartRun(run.data)]} metricKeys={metricKeys} />
          ))}
        {tab === 'artifacts' && (
          <ArtifactBrowser
            runId={runId}
            artifactUri={info.artifact_uri}
            path={artifactPath}
            onSelect={(p) => navigate(`${base}/artifacts/${p.split('/').map(encodeURIComponent).join('/')}`, { replace: true })}
          />
        )}
      </div>
    </section>
  );
}
