/**
 * The artifact tree of a run (directories listed when opened) and a preview of the chosen
 * file. The chosen path is in the URL, as MLflow's `…/artifacts/<path>` routes have it.
 */
import type { FileInfo } from '@darwin-mlflow/contract';
import { useEffect, useState } from 'react';
import { useArtifactList } from '../hooks/useArtifacts';
import { ArtifactPreview } from './ArtifactPreview';
import { ErrorState, Loading } from './Status';

interface Props {
  runId: string;
  artifactUri: string | undefined;
  path: string;
  onSelect: (path: string) => void;
}

export function ArtifactBrowser({ runId, artifactUri, path, onSelect }: Props) {
  const root = useArtifactList(runId, '');
  if (root.isPending) return <Loading label="Loading artifacts…" />;
  if (root.isError) return <ErrorState error={root.error} retry={() => void root.refetch()} />;
  const files = root.data.files ?? [];
  if (files.length === 0) return <p className="empty">This run has no artifacts.</p>;
  return (
    <div className="artifacts">
      <nav className="artifact-tree" aria-label="Artifacts">
        <ul role="tree" aria-label="Artifact files">
          {files.map((f) => (
            <TreeNode key={f.path} runId={runId} file={f} selected={path} onSelect={onSelect} depth={0} />
          ))}
        </ul>
      </nav>
      <div className="artifact-view">
        {path ? <ArtifactPreview runId={runId} artifactUri={artifactUri} path={path} isDir={isDirectory(path, files)} /> : <p className="muted">Choose a file to preview it.</p>}
      </div>
    </div>
  );
}

function isDirectory(path: string, top: FileInfo[]): boolean | undefined {
  return top.find((f) => f.path === path)?.is_dir;
}

/** Drawn, not an emoji: emoji glyphs are missing from many fonts (they render as empty boxes). */
function EntryIcon({ folder }: { folder: boolean }) {
  return (
    <svg className="tree-icon" aria-hidden="true" width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.3">
      {folder ? <path d="M1.5 3.5h5l1.5 1.5h6.5v8h-13z" /> : <path d="M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3" />}
    </svg>
  );
}

function TreeNode({ runId, file, selected, onSelect, depth }: { runId: string; file: FileInfo; selected: string; onSelect: (p: string) => void; depth: number }) {
  const inside = file.is_dir && selected.startsWith(`${file.path}/`);
  const [open, setOpen] = useState(() => file.is_dir && (selected === file.path || inside));
  // a link to a file inside a closed folder (an MLflow artifact link, the back button) opens it
  useEffect(() => {
    if (inside) setOpen(true);
  }, [inside]);
  const children = useArtifactList(runId, file.path, file.is_dir && open);
  const name = file.path.split('/').pop();
  const click = () => {
    if (file.is_dir) setOpen(!open);
    onSelect(file.path);
  };
  return (
    <li role="treeitem" aria-expanded={file.is_dir ? open : undefined} aria-selected={selected === file.path}>
      <button type="button" className={`tree-item${selected === file.path ? ' active' : ''}`} style={{ paddingLeft: 8 + depth * 14 }} onClick={click}>
        <span aria-hidden="true" className="tree-caret">{file.is_dir ? (open ? '▾' : '▸') : ''}</span>
        <EntryIcon folder={file.is_dir} /> {name}
      </button>
      {file.is_dir && open && (
        <ul role="group">
          {children.isPending && <li className="muted">Loading…</li>}
          {children.isError && <li className="field-error">{children.error.message}</li>}
          {children.data?.files?.map((c) => (
            <TreeNode key={c.path} runId={runId} file={c} selected={selected} onSelect={onSelect} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}
