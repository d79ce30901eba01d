/** A run's facts: status, times, user, source, git commit, parent and children, description, params, metrics, tags, datasets, models. */
import type { Run } from '@darwin-mlflow/contract';
import { useState } from 'react';
import { Link } from 'react-router';
import { PARENT_TAG, useChildRuns, useRunModelVersions, useRunTagMutations } from '../hooks/useRun';
import { useMetricSummaries } from '../hooks/useMetricHistory';
import { formatDuration, formatNumber, formatTime, tagValue } from '../lib/format';
import { toNumber } from '../lib/series';
import { CopyUri } from './CopyUri';
import { Description, NOTE_TAG } from './Description';
import { HeaderRow, SearchField } from './TableParts';
import { TagList } from './TagList';

export function RunOverview({ run }: { run: Run }) {
  const info = run.info;
  const tags = run.data?.tags ?? [];
  const { setTag, deleteTag } = useRunTagMutations(info.run_id);
  const parent = tagValue(tags, PARENT_TAG);
  const children = useChildRuns(info.experiment_id, info.run_id);
  const commit = tagValue(tags, 'mlflow.source.git.commit');
  const facts: [string, React.ReactNode][] = [
    ['Run ID', <span className="mono">{info.run_id}</span>],
    ['Status', info.status],
    ['Started', formatTime(info.start_time)],
    ['Ended', formatTime(info.end_time)],
    ['Duration', info.status === 'RUNNING' ? 'running' : formatDuration(info.start_time, info.end_time)],
    ['User', tagValue(tags, 'mlflow.user') ?? info.user_id],
    ['Source', [tagValue(tags, 'mlflow.source.type'), tagValue(tags, 'mlflow.source.name')].filter(Boolean).join(' · ') || '—'],
    ['Git commit', commit ? <span className="mono">{commit.slice(0, 12)}</span> : '—'],
    ['Artifact URI', <span className="mono">{info.artifact_uri}</span>],
    ['Parent run', parent ? <Link to={`/experiments/${info.experiment_id}/runs/${parent}`}>{parent}</Link> : '—'],
  ];
  const models = loggedModels(tagValue(tags, 'mlflow.log-model.history'));
  return (
    <div className="overview">
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {children.data?.runs?.length ? (
        <section>
          <h2>Child runs</h2>
          <ul>
            {children.data.runs.map((c) => (
              <li key={c.info.run_id}>
                <Link to={`/experiments/${c.info.experiment_id}/runs/${c.info.run_id}`}>{c.info.run_name || c.info.run_id}</Link> <span className="muted">{c.info.status}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h2>Description</h2>
        <Description value={tagValue(tags, NOTE_TAG)} saving={setTag.isPending} error={setTag.error?.message} onSave={(value) => setTag.mutate({ key: NOTE_TAG, value })} />
      </section>
      <div className="two-col">
        <ParamsTable params={run.data?.params ?? []} />
        <MetricsTable run={run} />
      </div>
      <section>
        <h2>Tags</h2>
        <TagList tags={tags} onSet={(key, value) => setTag.mutate({ key, value })} onDelete={(key) => deleteTag.mutate(key)} error={(setTag.error ?? deleteTag.error)?.message} />
      </section>
      {(run.inputs?.dataset_inputs?.length ?? 0) > 0 && (
        <section>
          <h2>Datasets</h2>
          <table className="grid compact">
            <HeaderRow columns={['Name', 'Digest', 'Source type', 'Context']} />
            <tbody>
              {run.inputs?.dataset_inputs?.map((d) => (
                <tr key={`${d.dataset.name}-${d.dataset.digest}`}>
                  <td>{d.dataset.name}</td>
                  <td className="mono">{d.dataset.digest}</td>
                  <td>{d.dataset.source_type}</td>
                  <td>{tagValue(d.tags, 'mlflow.data.context') ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {models.length > 0 && (
        <section>
          <h2>Logged models</h2>
          <ul>
            {models.map((m) => (
              <li key={m.artifact_path}>
                <Link to={`/experiments/${info.experiment_id}/runs/${info.run_id}/artifacts/${m.artifact_path}`}>{m.artifact_path}</Link>{' '}
                <span className="muted">{m.flavors.join(', ')}</span> <code className="mono">{`${info.artifact_uri}/${m.artifact_path}`}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      <RegisteredVersions run={run} />
    </div>
  );
}

/** Versions in the model registry whose source run is this one, with their `models:/` URIs. */
function RegisteredVersions({ run }: { run: Run }) {
  const versions = useRunModelVersions(run.info.run_id);
  if (versions.isPending || (versions.isSuccess && versions.data.length === 0)) return null;
  const root = run.info.artifact_uri ?? '';
  return (
    <section>
      <h2>Registered model versions</h2>
      {versions.isError ? (
        <p className="field-error" role="alert">
          {versions.error.message}
        </p>
      ) : (
        <table className="grid compact">
          <HeaderRow columns={['Model', 'Version', 'Status', 'Stage', 'Source', 'URI']} />
          <tbody>
            {versions.data.map((v) => {
              const inRun = root && v.source?.startsWith(`${root}/`) ? v.source.slice(root.length + 1) : undefined;
              return (
                <tr key={`${v.name}/${v.version}`}>
                  <td>{v.name}</td>
                  <td className="num">{v.version}</td>
                  <td>{v.status ?? ''}</td>
                  <td>{v.current_stage ?? ''}</td>
                  <td className="wrap">
                    {inRun ? <Link to={`/experiments/${run.info.experiment_id}/runs/${run.info.run_id}/artifacts/${inRun}`}>{inRun}</Link> : <span className="mono">{v.source}</span>}
                  </td>
                  <td>
                    <CopyUri uri={`models:/${v.name}/${v.version}`} testId="model-version-uri" />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** MLflow's `mlflow.log-model.history` tag: a JSON list of {artifact_path, flavors: {...}}. */
function loggedModels(json: string | undefined): { artifact_path: string; flavors: string[] }[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as { artifact_path?: string; flavors?: Record<string, unknown> }[];
    const seen = new Map<string, string[]>();
    for (const m of parsed) if (m.artifact_path) seen.set(m.artifact_path, Object.keys(m.flavors ?? {}));
    return [...seen].map(([artifact_path, flavors]) => ({ artifact_path, flavors }));
  } catch {
    return [];
  }
}

function ParamsTable({ params }: { params: { key: string; value?: string }[] }) {
  const [search, setSearch] = useState('');
  const shown = params.filter((p) => `${p.key} ${p.value}`.toLowerCase().includes(search.toLowerCase())).sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section>
      <h2>Parameters ({params.length})</h2>
      <SearchField label="Search parameters" value={search} onChange={setSearch} />
      <table className="grid compact">
        <HeaderRow columns={['Parameter', 'Value']} />
        <tbody>
          {shown.map((p) => (
            <tr key={p.key}>
              <td className="mono">{p.key}</td>
              <td className="wrap">{p.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function MetricsTable({ run }: { run: Run }) {
  const [search, setSearch] = useState('');
  const metrics = (run.data?.metrics ?? []).slice().sort((a, b) => a.key.localeCompare(b.key));
  const shown = metrics.filter((m) => m.key.toLowerCase().includes(search.toLowerCase()));
  const summaries = useMetricSummaries(run.info.run_id, shown.map((m) => m.key), run.info.status === 'RUNNING');
  return (
    <section>
      <h2>Metrics ({metrics.length})</h2>
      <SearchField label="Search metrics" value={search} onChange={setSearch} />
      <table className="grid compact">
        <HeaderRow columns={['Metric', 'Latest', 'Min', 'Max', 'Step']} />
        <tbody>
          {shown.map((m) => {
            const s = summaries.get(m.key);
            return (
              <tr key={m.key}>
                <td className="mono">
                  <Link to={`/metric/${encodeURIComponent(m.key)}?runs=${encodeURIComponent(JSON.stringify([run.info.run_id]))}&experiments=${encodeURIComponent(JSON.stringify([run.info.experiment_id]))}`}>
                    {m.key}
                  </Link>
                </td>
                <td className="num">{formatNumber(toNumber(m.value))}</td>
                <td className="num">{s ? formatNumber(s.min) : '…'}</td>
                <td className="num">{s ? formatNumber(s.max) : '…'}</td>
                <td className="num">{String(m.step)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
