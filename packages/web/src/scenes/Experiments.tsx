/**
 * The experiments list: server-side search by name, one page at a time (page tokens), create,
 * rename, delete and restore, "show deleted", and several selected to see their runs together.
 */
import type { Experiment } from '@darwin-mlflow/contract';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ViewType } from '../api/tracking';
import { ErrorState, Loading } from '../components/Status';
import { useExperimentMutations, useExperimentPage } from '../hooks/useExperiments';
import { formatTime } from '../lib/format';

export function ExperimentsScene() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const viewType: ViewType = params.get('deleted') === '1' ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
  // the checkbox follows the click at once; the URL (and the query) follow in the router's transition
  const [showDeleted, setShowDeleted] = useState(viewType === 'DELETED_ONLY');
  useEffect(() => setShowDeleted(viewType === 'DELETED_ONLY'), [viewType]);
  const [typed, setTyped] = useState(search);
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const page = useExperimentPage(search, viewType, tokens[tokens.length - 1]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const navigate = useNavigate();

  useEffect(() => setTokens([undefined]), [search, viewType]);
  useEffect(() => {
    // the search goes to the server a moment after typing stops
    const timer = setTimeout(() => {
      if (typed !== search) setParams((p) => (typed ? p.set('q', typed) : p.delete('q'), p), { replace: true });
    }, 250);
    return () => clearTimeout(timer);
  }, [typed, search, setParams]);

  const experiments = page.data?.experiments ?? [];
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? (s.delete(id), new Set(s)) : new Set(s.add(id))));
  const compare = () => navigate(`/compare-experiments/s?experiments=${encodeURIComponent(JSON.stringify([...selected].sort()))}`);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Experiments</h1>
        <CreateExperiment />
      </div>
      <div className="toolbar">
        <label className="grow">
          <span className="sr-only">Search experiments by name</span>
          <input type="search" placeholder="Search experiments by name" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={showDeleted}
            onChange={(e) => {
              const on = e.target.checked;
              setShowDeleted(on);
              setParams((p) => (on ? p.set('deleted', '1') : p.delete('deleted'), p), { replace: true });
            }}
          />
          Show deleted
        </label>
        <button type="button" disabled={selected.size === 0} onClick={compare}>
          Show runs of {selected.size || ''} selected
        </button>
      </div>
      {page.isPending ? (
        <Loading />
      ) : page.isError ? (
        <ErrorState error={page.error} retry={() => void page.refetch()} />
      ) : experiments.length === 0 ? (
        <p className="empty">{search ? `No experiment name contains “${search}”.` : viewType === 'DELETED_ONLY' ? 'No deleted experiments.' : 'No experiments yet.'}</p>
      ) : (
        <table className="grid experiments">
          <thead>
            <tr>
              <th scope="col" className="narrow">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Created</th>
              <th scope="col">Last updated</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <ExperimentRow key={e.experiment_id} experiment={e} selected={selected.has(e.experiment_id)} onToggle={() => toggle(e.experiment_id)} />
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button type="button" disabled={tokens.length < 2} onClick={() => setTokens((t) => t.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {tokens.length}</span>
        <button type="button" disabled={!page.data?.next_page_token} onClick={() => setTokens((t) => [...t, page.data?.next_page_token])}>
          Next page
        </button>
      </div>
    </section>
  );
}

function CreateExperiment() {
  const [name, setName] = useState('');
  const { create } = useExperimentMutations();
  const navigate = useNavigate();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (r) => {
        setName('');
        navigate(`/experiments/${r.experiment_id}`);
      },
    });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        <span className="sr-only">New experiment name</span>
        <input placeholder="New experiment name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
        Create experiment
      </button>
      {create.isError && (
        <p className="field-error" role="alert">
          {create.error.message}
        </p>
      )}
    </form>
  );
}

function ExperimentRow({ experiment, selected, onToggle }: { experiment: Experiment; selected: boolean; onToggle: () => void }) {
  const { rename, remove, restore } = useExperimentMutations();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(experiment.name);
  const deleted = experiment.lifecycle_stage === 'deleted';
  const error = rename.error ?? remove.error ?? restore.error;
  const save = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate({ id: experiment.experiment_id, name: name.trim() }, { onSuccess: () => setEditing(false) });
  };
  return (
    <tr className={deleted ? 'deleted' : ''}>
      <td>
        <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select ${experiment.name}`} />
      </td>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={save}>
            <label>
              <span className="sr-only">New name for {experiment.name}</span>
              <input value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
            </label>
            <button type="submit" className="primary" disabled={rename.isPending}>
              Save
            </button>
            <button type="button" onClick={() => (setEditing(false), setName(experiment.name))}>
              Cancel
            </button>
          </form>
        ) : (
          <Link to={`/experiments/${experiment.experiment_id}`}>{experiment.name}</Link>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        )}
      </td>
      <td className="mono">{experiment.experiment_id}</td>
      <td>{formatTime(experiment.creation_time)}</td>
      <td>{formatTime(experiment.last_update_time)}</td>
      <td className="actions">
        {deleted ? (
          <button type="button" onClick={() => restore.mutate(experiment.experiment_id)} disabled={restore.isPending}>
            Restore
          </button>
        ) : (
          <>
            <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${experiment.name}`}>
              Rename
            </button>
            <button
              type="button"
              className="danger"
              aria-label={`Delete ${experiment.name}`}
              disabled={remove.isPending}
              onClick={() => window.confirm(`Delete experiment “${experiment.name}”? It can be restored later.`) && remove.mutate(experiment.experiment_id)}
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
