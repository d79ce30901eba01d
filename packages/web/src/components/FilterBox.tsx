/**
 * The runs filter: MLflow's search syntax, completed as you type (entity prefixes and the
 * metric, param and tag keys of the loaded runs), applied with Enter. The server's message for
 * a bad filter is shown under the box as it said it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { applySuggestion, suggest } from '../lib/filterSuggest';
import type { KnownKeys, SuggestContext } from '../lib/filterSuggest';

interface Props {
  value: string;
  keys: KnownKeys;
  error?: string;
  onApply: (filter: string) => void;
}

export function FilterBox({ value, keys, error, onApply }: Props) {
  const [text, setText] = useState(value);
  const [ctx, setCtx] = useState<SuggestContext | undefined>();
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const errorId = useId();
  useEffect(() => setText(value), [value]);

  const update = (next: string, cursor: number) => {
    setText(next);
    setCtx(suggest(next, cursor, keys));
    setActive(0);
  };
  const choose = (index: number) => {
    const choice = ctx?.suggestions[index];
    if (!ctx || !choice) return;
    const next = applySuggestion(text, ctx, choice);
    setText(next.text);
    setCtx(suggest(next.text, next.cursor, keys));
    requestAnimationFrame(() => input.current?.setSelectionRange(next.cursor, next.cursor));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = ctx?.suggestions.length ?? 0;
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      setActive((a) => (a + 1) % count);
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      setActive((a) => (a - 1 + count) % count);
    } else if ((event.key === 'Tab' || event.key === 'Enter') && count) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onApply(text.trim());
    } else if (event.key === 'Escape') {
      setCtx(undefined);
    }
  };
  const open = !!ctx && ctx.suggestions.length > 0;
  return (
    <div className="filterbox">
      <label htmlFor={`${listId}-input`} className="sr-only">
        Filter runs (MLflow search syntax)
      </label>
      <div className="filterbox-row">
        <input
          id={`${listId}-input`}
          ref={input}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          aria-invalid={!!error}
          aria-describedby={error ? errorId : undefined}
          className="mono"
          placeholder="metrics.rmse < 1 and params.model = 'tree'"
          value={text}
          spellCheck={false}
          onChange={(e) => update(e.target.value, e.target.selectionStart ?? e.target.value.length)}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setCtx(undefined), 150)}
        />
        <button type="button" onClick={() => onApply(text.trim())}>
          Apply
        </button>
        {value && (
          <button type="button" onClick={() => (setText(''), onApply(''))}>
            Clear
          </button>
        )}
      </div>
      {open && (
        <ul id={listId} role="listbox" className="suggestions" aria-label="Suggestions">
          {ctx.suggestions.map((s, i) => (
            <li
              key={s.label}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active mono' : 'mono'}
              onMouseDown={(e) => (e.preventDefault(), choose(i))}
            >
              {s.label}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
