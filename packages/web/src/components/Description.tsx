/** A markdown description kept in the `mlflow.note.content` tag, shown and edited in place. */
import { useState } from 'react';
import { Markdown } from './Markdown';

export const NOTE_TAG = 'mlflow.note.content';

export function Description({ value, onSave, saving, error }: { value: string | undefined; onSave: (v: string) => void; saving: boolean; error?: string }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value ?? '');
  if (editing) {
    return (
      <div className="description">
        <label>
          <span className="sr-only">Description (markdown)</span>
          <textarea value={text} rows={6} onChange={(e) => setText(e.target.value)} autoFocus />
        </label>
        <div className="row-actions">
          <button type="button" className="primary" disabled={saving} onClick={() => (onSave(text), setEditing(false))}>
            Save description
          </button>
          <button type="button" onClick={() => (setEditing(false), setText(value ?? ''))}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="description">
      {value ? <Markdown source={value} /> : <p className="muted">No description.</p>}
      <button type="button" className="link" onClick={() => (setText(value ?? ''), setEditing(true))}>
        {value ? 'Edit description' : 'Add a description'}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
