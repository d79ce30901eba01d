/**
 * Every piece of the runs table's state, to and from the URL's query string, so a reload or a
 * shared link reproduces the view. Defaults are left out of the URL.
 */

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export type RunStatusFilter = '' | 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type CreatedWithin = '' | '1h' | '24h' | '7d' | '30d';
export type ColumnKind = 'metrics' | 'params' | 'tags';

/** A chosen data column, e.g. `{kind: 'metrics', key: 'val loss'}`; in the URL `metrics:val loss`. */
export interface DataColumn {
  kind: ColumnKind;
  key: string;
}

/** A sort: `attributes.start_time`, or a data column. */
export interface SortSpec {
  kind: ColumnKind | 'attributes';
  key: string;
  asc: boolean;
}

export interface RunsViewState {
  filter: string;
  sort: SortSpec;
  /** The chosen data columns; null until the user picks (then the table shows a default set). */
  columns: DataColumn[] | null;
  /** Parent runs whose children are shown. */
  expanded: string[];
  viewType: ViewType;
  status: RunStatusFilter;
  createdWithin: CreatedWithin;
}

export const DEFAULT_SORT: SortSpec = { kind: 'attributes', key: 'start_time', asc: false };

export const DEFAULT_VIEW: RunsViewState = {
  filter: '',
  sort: DEFAULT_SORT,
  columns: null,
  expanded: [],
  viewType: 'ACTIVE_ONLY',
  status: '',
  createdWithin: '',
};

const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
const STATUSES: readonly RunStatusFilter[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const WITHIN: readonly CreatedWithin[] = ['1h', '24h', '7d', '30d'];
const KINDS: readonly ColumnKind[] = ['metrics', 'params', 'tags'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function columnId(column: DataColumn): string {
  return `${column.kind}:${column.key}`;
}

export function parseColumnId(id: string): DataColumn | undefined {
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const kind = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (!(KINDS as readonly string[]).includes(kind) || key === '') return undefined;
  return { kind: kind as ColumnKind, key };
}

function parseSort(value: string | null): SortSpec {
  if (!value) return DEFAULT_SORT;
  const asc = !value.startsWith('-');
  const body = asc ? value : value.slice(1);
  if (body.startsWith('attributes:')) {
    const key = body.slice('attributes:'.length);
    return key ? { kind: 'attributes', key, asc } : DEFAULT_SORT;
  }
  const column = parseColumnId(body);
  return column ? { ...column, asc } : DEFAULT_SORT;
}

function sortToString(sort: SortSpec): string {
  return `${sort.asc ? '' : '-'}${sort.kind}:${sort.key}`;
}

export function parseRunsViewState(params: URLSearchParams): RunsViewState {
  const ids = params.getAll('col');
  const columns: DataColumn[] = [];
  for (const id of ids) {
    const column = parseColumnId(id);
    if (column && !columns.some((c) => columnId(c) === columnId(column))) columns.push(column);
  }
  return {
    filter: params.get('filter') ?? '',
    sort: parseSort(params.get('sort')),
    columns: ids.length ? columns : null,
    expanded: [...new Set(params.getAll('expand').filter(Boolean))],
    viewType: oneOf(params.get('lifecycle'), VIEW_TYPES, 'ACTIVE_ONLY'),
    status: oneOf(params.get('status'), STATUSES, ''),
    createdWithin: oneOf(params.get('created'), WITHIN, ''),
  };
}

export function serializeRunsViewState(state: RunsViewState, into: URLSearchParams = new URLSearchParams()): URLSearchParams {
  for (const key of ['filter', 'sort', 'col', 'expand', 'lifecycle', 'status', 'created']) into.delete(key);
  if (state.filter) into.set('filter', state.filter);
  const sort = sortToString(state.sort);
  if (sort !== sortToString(DEFAULT_SORT)) into.set('sort', sort);
  if (state.columns) {
    // an explicit empty choice is kept as one empty `col`, so it is not read back as "default"
    if (state.columns.length === 0) into.append('col', '');
    for (const column of state.columns) into.append('col', columnId(column));
  }
  for (const id of state.expanded) into.append('expand', id);
  if (state.viewType !== 'ACTIVE_ONLY') into.set('lifecycle', state.viewType);
  if (state.status) into.set('status', state.status);
  if (state.createdWithin) into.set('created', state.createdWithin);
  return into;
}

/** A key as MLflow's search grammar takes it: backquoted unless it is a plain identifier. */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** The `order_by` entry MLflow's runs/search takes for this sort. */
export function orderByClause(sort: SortSpec): string {
  return `${sort.kind}.${quoteKey(sort.key)} ${sort.asc ? 'ASC' : 'DESC'}`;
}

const WITHIN_MS: Record<Exclude<CreatedWithin, ''>, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/**
 * The filter sent to the server: what the user typed, and the status and time-created choices,
 * joined with AND. `now` is rounded to the minute by the caller so the query key stays stable.
 */
export function composeFilter(state: RunsViewState, now: number): string {
  const parts: string[] = [];
  if (state.filter.trim()) parts.push(state.filter.trim());
  if (state.status) parts.push(`attributes.status = '${state.status}'`);
  if (state.createdWithin) parts.push(`attributes.start_time >= ${now - WITHIN_MS[state.createdWithin]}`);
  return parts.join(' and ');
}
