/**
 * The runs of one experiment (`#/experiments/:id`) or several (`#/compare-experiments/s?
 * experiments=[...]`, as MLflow links them): filter, sort, columns, nested runs, bulk actions
 * and CSV export, with every choice in the URL.
 */
import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { ColumnPicker } from '../components/ColumnPicker';
import { ExperimentHeader } from '../components/ExperimentHeader';
import { FilterBox } from '../components/FilterBox';
import { RunsTable } from '../components/RunsTable';
import { ErrorState, Loading } from '../components/Status';
import { useRunBulkActions, useRunsSearch } from '../hooks/useRuns';
import { downloadBlob, exportRunsCsv } from '../lib/exportCsv';
import { jsonList, legacyRunsParams } from '../lib/mlflowRoutes';
import { buildTree, collectKeys, defaultColumns } from '../lib/runRows';
import { composeFilter, orderByClause, parseRunsViewState, serializeRunsViewState } from '../lib/runsViewState';
import type { RunsViewState } from '../lib/runsViewState';

export function RunsScene() {
  const { experimentId } = useParams();
  const [rawParams, setParams] = useSearchParams();
  const params = useMemo(() => legacyRunsParams(rawParams), [rawParams]);
  const experimentIds = useMemo(() => (experimentId ? [experimentId] : jsonList(params.get('experiments'))), [experimentId, params]);
  const view = useMemo(() => parseRunsViewState(params), [params]);
  const setView = useCallback(
    (patch: Partial<RunsViewState>) => setParams((p) => serializeRunsViewState({ ...parseRunsViewState(legacyRunsParams(p)), ...patch }, legacyRunsParams(p)), { replace: true }),
    [setParams],
  );
  // the time-created filter is relative to now, rounded to the minute so the query key holds still
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const filter = composeFilter(view, now);
  const orderBy = orderByClause(view.sort);
  const search = useRunsSearch(experimentIds, filter, orderBy, view.viewType);
  const runs = useMemo(() => search.data?.pages.flatMap((p) => p.runs ?? []) ?? [], [search.data]);
  const keys = useMemo(() => collectKeys(search.data?.pages.map((p) => p.runs ?? []) ?? []), [search.data]);
  const columns = useMemo(() => view.columns ?? defaultColumns(keys), [view.columns, keys]);
  const tree = useMemo(() => buildTree(runs), [runs]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = search;
  const nearEnd = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  if (experimentIds.length === 0) return <ErrorState error={new Error('No experiment given in the link.')} />;
  const filterError = search.error instanceof ApiError && search.error.status === 400 ? search.error.message : undefined;

  return (
    <section className="page runs-page">
      {experimentIds.length === 1 ? <ExperimentHeader experimentId={experimentIds[0] as string} /> : <h1>Runs of experiments {experimentIds.join(', ')}</h1>}
      <FilterBox value={view.filter} keys={keys} error={filterError} onApply={(f) => setView({ filter: f })} />
      <div className="toolbar">
        <label>
          State{' '}
          <select value={view.viewType} onChange={(e) => setView({ viewType: e.target.value as RunsViewState['viewType'] })}>
            <option value="ACTIVE_ONLY">Active</option>
            <option value="DELETED_ONLY">Deleted</option>
            <option value="ALL">All</option>
          </select>
        </label>
        <label>
          Status{' '}
          <select value={view.status} onChange={(e) => setView({ status: e.target.value as RunsViewState['status'] })}>
            <option value="">Any</option>
            {['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Created{' '}
          <select value={view.createdWithin} onChange={(e) => setView({ createdWithin: e.target.value as RunsViewState['createdWithin'] })}>
            <option value="">Any time</option>
            <option value="1h">Last hour</option>
            <option value="24h">Last 24 hours</option>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
          </select>
        </label>
        <ColumnPicker keys={keys} columns={columns} onChange={(c) => setView({ columns: c })} />
        <ExportButton experimentIds={experimentIds} filter={filter} orderBy={orderBy} view={view} columns={columns} />
        <span className="grow" />
        <span className="muted" role="status">
          {search.isSuccess && `${runs.length}${hasNextPage ? '+' : ''} runs`}
        </span>
      </div>
      <SelectionBar selected={selected} runs={runs} onClear={() => setSelected(new Set())} viewType={view.viewType} />
      {search.isPending ? (
        <Loading label="Loading runs…" />
      ) : search.isError && !filterError ? (
        <ErrorState error={search.error} retry={() => void search.refetch()} />
      ) : filterError ? null : runs.length === 0 ? (
        <p className="empty">{filter ? 'No runs match this filter.' : 'No runs in this experiment yet.'}</p>
      ) : (
        <RunsTable
          rows={tree}
          columns={columns}
          sort={view.sort}
          onSort={(sort) => setView({ sort })}
          expanded={view.expanded}
          onExpanded={(expanded) => setView({ expanded })}
          selected={selected}
          onSelected={setSelected}
          showExperiment={experimentIds.length > 1}
          hasMore={!!hasNextPage}
          loadingMore={isFetchingNextPage}
          onNearEnd={nearEnd}
        />
      )}
    </section>
  );
}

function SelectionBar({ selected, runs, onClear, viewType }: { selected: Set<string>; runs: { info: { run_id: string; experiment_id: string } }[]; onClear: () => void; viewType: string }) {
  const navigate = useNavigate();
  const actions = useRunBulkActions();
  const [tagKey, setTagKey] = useState('');
  const [tagValue, setTagValue] = useState('');
  if (selected.size === 0) return null;
  const ids = [...selected];
  const experiments = [...new Set(runs.filter((r) => selected.has(r.info.run_id)).map((r) => r.info.experiment_id))];
  const error = actions.remove.error ?? actions.restore.error ?? actions.tag.error;
  return (
    <div className="selection-bar" role="region" aria-label="Selected runs">
      <strong>{selected.size} selected</strong>
      <button
        type="button"
        disabled={selected.size < 2}
        onClick={() => navigate(`/compare-runs?runs=${encodeURIComponent(JSON.stringify(ids))}&experiments=${encodeURIComponent(JSON.stringify(experiments))}`)}
      >
        Compare
      </button>
      {viewType !== 'ACTIVE_ONLY' && (
        <button type="button" onClick={() => actions.restore.mutate(ids, { onSuccess: onClear })}>
          Restore
        </button>
      )}
      {viewType !== 'DELETED_ONLY' && (
        <button type="button" className="danger" onClick={() => window.confirm(`Delete ${ids.length} runs?`) && actions.remove.mutate(ids, { onSuccess: onClear })}>
          Delete
        </button>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          actions.tag.mutate({ ids, key: tagKey, value: tagValue }, { onSuccess: () => (setTagKey(''), setTagValue('')) });
        }}
      >
        <label>
          <span className="sr-only">Tag key</span>
          <input placeholder="tag key" value={tagKey} onChange={(e) => setTagKey(e.target.value)} required />
        </label>
        <label>
          <span className="sr-only">Tag value</span>
          <input placeholder="value" value={tagValue} onChange={(e) => setTagValue(e.target.value)} />
        </label>
        <button type="submit">Add tag</button>
      </form>
      <button type="button" className="link" onClick={onClear}>
        Clear selection
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error.message}
        </p>
      )}
    </div>
  );
}

function ExportButton(props: { experimentIds: string[]; filter: string; orderBy: string; view: RunsViewState; columns: RunsViewState['columns'] & object }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const run = async () => {
    setError(undefined);
    setProgress(0);
    try {
      const blob = await exportRunsCsv(
        { experimentIds: props.experimentIds, filter: props.filter, orderBy: [props.orderBy], viewType: props.view.viewType, columns: props.columns },
        setProgress,
      );
      downloadBlob(blob, `runs-${props.experimentIds.join('-')}.csv`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setProgress(null);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void run()} disabled={progress !== null}>
        {progress === null ? 'Export CSV' : `Exporting… ${progress}`}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
