/**
 * Autocomplete for MLflow's run search syntax: the word under the cursor is completed to an
 * entity prefix (`metrics.`, `params.`, `tags.`, `attributes.`) or, after one, to a known key.
 */
import { quoteKey } from './runsViewState.js';

export interface KnownKeys {
  metrics: readonly string[];
  params: readonly string[];
  tags: readonly string[];
}

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** The text that replaces the word under the cursor. */
  insert: string;
}

export interface SuggestContext {
  /** Start and end of the word being completed in the text. */
  start: number;
  end: number;
  suggestions: Suggestion[];
}

const ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'start_time', 'end_time', 'artifact_uri', 'lifecycle_stage'];
const ENTITY_ALIASES: Record<string, keyof KnownKeys | 'attributes'> = {
  metric: 'metrics', metrics: 'metrics', m: 'metrics',
  param: 'params', params: 'params', parameter: 'params', parameters: 'params', p: 'params',
  tag: 'tags', tags: 'tags', t: 'tags',
  attribute: 'attributes', attributes: 'attributes', attr: 'attributes', run: 'attributes',
};
const PREFIXES = ['metrics.', 'params.', 'tags.', 'attributes.'];
const MAX_SUGGESTIONS = 12;

/** The word that ends at the cursor: letters, digits, `_ . - /` and a backquoted part. */
function wordAt(text: string, cursor: number): { start: number; word: string } {
  let start = cursor;
  let inQuote = (text.slice(0, cursor).match(/`/g) ?? []).length % 2 === 1;
  while (start > 0) {
    const ch = text[start - 1] as string;
    if (ch === '`') {
      inQuote = !inQuote;
      start--;
      continue;
    }
    if (!inQuote && !/[A-Za-z0-9_.\-/]/.test(ch)) break;
    start--;
  }
  return { start, word: text.slice(start, cursor) };
}

export function suggest(text: string, cursor: number, keys: KnownKeys): SuggestContext | undefined {
  const { start, word } = wordAt(text, cursor);
  if (word === '') return undefined;
  let end = cursor;
  while (end < text.length && /[A-Za-z0-9_`]/.test(text[end] as string)) end++;
  const dot = word.indexOf('.');
  if (dot < 0) {
    const lower = word.toLowerCase();
    const suggestions = PREFIXES.filter((p) => p.startsWith(lower) && p !== lower).map((p) => ({ label: p, insert: p }));
    return suggestions.length ? { start, end, suggestions } : undefined;
  }
  const entity = ENTITY_ALIASES[word.slice(0, dot).toLowerCase()];
  if (!entity) return undefined;
  const partial = word.slice(dot + 1).replace(/`/g, '').toLowerCase();
  const pool = entity === 'attributes' ? ATTRIBUTES : keys[entity];
  const matches = pool.filter((k) => k.toLowerCase().includes(partial) && k.toLowerCase() !== partial);
  matches.sort((a, b) => Number(!a.toLowerCase().startsWith(partial)) - Number(!b.toLowerCase().startsWith(partial)) || a.localeCompare(b));
  const prefix = word.slice(0, dot + 1);
  const suggestions = matches.slice(0, MAX_SUGGESTIONS).map((k) => ({ label: `${prefix}${k}`, insert: `${prefix}${quoteKey(k)}` }));
  return suggestions.length ? { start, end, suggestions } : undefined;
}

/** The text after choosing a suggestion, and where the cursor goes. */
export function applySuggestion(text: string, ctx: SuggestContext, choice: Suggestion): { text: string; cursor: number } {
  const next = text.slice(0, ctx.start) + choice.insert + text.slice(ctx.end);
  return { text: next, cursor: ctx.start + choice.insert.length };
}
