/** Tags as a table, editable in place; `mlflow.*` system tags are hidden unless asked for. */
import { useState } from 'react';
import type { FormEvent } from 'react';

interface Props {
  tags: readonly { key: string; value?: string }[];
  onSet: (key: string, value: string) => void;
  onDelete?: (key: string) => void;
  error?: string;
}

export function TagList({ tags, onSet, onDelete, error }: Props) {
  const [showSystem, setShowSystem] = useState(false);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const shown = tags.filter((t) => showSystem || !t.key.startsWith('mlflow.'));
  const add = (e: FormEvent) => {
    e.preventDefault();
    onSet(key.trim(), value);
    setKey('');
    setValue('');
  };
  return (
    <div className="tags">
      <table className="grid compact">
        <caption className="sr-only">Tags</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Value</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No tags.
              </td>
            </tr>
          )}
          {shown.map((t) => (
            <tr key={t.key}>
              <td className="mono">{t.key}</td>
              <td>
                {editing === t.key ? (
                  <form
                    className="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      onSet(t.key, draft);
                      setEditing(null);
                    }}
                  >
                    <label>
                      <span className="sr-only">Value of {t.key}</span>
                      <input value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
                    </label>
                    <button type="submit" className="primary">
                      Save
                    </button>
                    <button type="button" onClick={() => setEditing(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <span className="tag-value">{t.value}</span>
                )}
              </td>
              <td className="actions">
                {editing !== t.key && (
                  <button type="button" className="link" aria-label={`Edit tag ${t.key}`} onClick={() => (setEditing(t.key), setDraft(t.value ?? ''))}>
                    Edit
                  </button>
                )}
                {onDelete && (
                  <button type="button" className="link danger" aria-label={`Delete tag ${t.key}`} onClick={() => onDelete(t.key)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={add}>
        <label>
          <span className="sr-only">New tag key</span>
          <input placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} required />
        </label>
        <label>
          <span className="sr-only">New tag value</span>
          <input placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit">Add tag</button>
        <label className="check">
          <input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.target.checked)} /> Show system tags
        </label>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
