/** Chooses the metric, param and tag columns of the runs table (a disclosure with checkboxes). */
import { useState } from 'react';
import type { KeySets } from '../lib/runRows';
import { columnId } from '../lib/runsViewState';
import type { ColumnKind, DataColumn } from '../lib/runsViewState';

const KINDS: { kind: ColumnKind; label: string }[] = [
  { kind: 'metrics', label: 'Metrics' },
  { kind: 'params', label: 'Parameters' },
  { kind: 'tags', label: 'Tags' },
];

export function ColumnPicker({ keys, columns, onChange }: { keys: KeySets; columns: DataColumn[]; onChange: (c: DataColumn[]) => void }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const chosen = new Set(columns.map(columnId));
  const toggle = (c: DataColumn) => onChange(chosen.has(columnId(c)) ? columns.filter((x) => columnId(x) !== columnId(c)) : [...columns, c]);
  return (
    <div className="popover-wrap">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({columns.length})
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Choose columns" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <label>
            <span className="sr-only">Search columns</span>
            <input type="search" placeholder="Search keys" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus />
          </label>
          <div className="picker-actions">
            <button type="button" className="link" onClick={() => onChange([])}>
              None
            </button>
            <button type="button" className="link" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
          {KINDS.map(({ kind, label }) => {
            const list = keys[kind].filter((k) => k.toLowerCase().includes(search.toLowerCase()));
            if (list.length === 0) return null;
            return (
              <fieldset key={kind}>
                <legend>{label}</legend>
                {list.map((key) => (
                  <label key={key} className="check">
                    <input type="checkbox" checked={chosen.has(`${kind}:${key}`)} onChange={() => toggle({ kind, key })} />
                    <span className="mono">{key}</span>
                  </label>
                ))}
              </fieldset>
            );
          })}
        </div>
      )}
    </div>
  );
}
