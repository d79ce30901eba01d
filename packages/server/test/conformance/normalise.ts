/**
 * Brings a recorded response and ours to a form where equal means "same behaviour":
 * - ours is rewritten in the recorded server's terms (ids, run names, `{TMP}`, `{ELSEWHERE}`);
 * - search results differing only in the order of ties are aligned (ordering.ts);
 * - timestamps the server generated are masked (creation/update times always; start_time,
 *   end_time and metric timestamps unless the value was sent by the client, or is 0);
 * - arrays MLflow returns in database row order are sorted;
 * - error messages are compared only on the part MLflow writes: the database driver's text it
 *   appends (`Error: (sqlite3.IntegrityError) ... [SQL: ...]`) is cut, and our message only has
 *   to start with MLflow's part.
 */
import { IdMapper, UNORDERED_KEYS } from './idMapper.js';
import { alignResultOrder } from './ordering.js';

type Json = unknown;
type Obj = Record<string, Json>;

const GENERATED_TIMES: ReadonlySet<string> = new Set([
  'creation_time',
  'last_update_time',
  'creation_timestamp',
  'last_updated_timestamp',
]);
const CLIENT_TIMES: ReadonlySet<string> = new Set(['start_time', 'end_time', 'timestamp']);
export const TIME_MASK = '<server time>';

/** Where MLflow's own message ends and the database driver's text begins. */
const DRIVER_TEXT = /\s*(?:\((?:sqlite3|psycopg2|pymysql|MySQLdb|mysql\.connector)\.|\[SQL:|\(Background on this error)/;

export interface NormaliseContext {
  readonly mapper: IdMapper;
  /** Times the client sent (start_time, end_time, timestamp) so far in this session. */
  readonly clientTimes: ReadonlySet<number>;
  /** The request's order_by, for search results. */
  readonly orderBy: readonly string[] | undefined;
}

export function normalisePair(recorded: Json, ours: Json, ctx: NormaliseContext): { recorded: Json; ours: Json } {
  let mine = toRecordedSpace(ours, ctx.mapper);
  mine = alignResultOrder(recorded, mine, ctx.orderBy);
  const pair = alignErrorMessages(recorded, mine);
  return { recorded: canonical(pair.recorded, ctx.clientTimes), ours: canonical(pair.ours, ctx.clientTimes) };
}

/** Our response with our ids, names and folders replaced by the recorded ones. */
export function toRecordedSpace(value: Json, mapper: IdMapper): Json {
  if (typeof value === 'string') return mapper.stringToRecorded(value);
  if (Array.isArray(value)) return value.map((v) => toRecordedSpace(v, mapper));
  if (!isObj(value)) return value;
  const modelName = typeof value.name === 'string' ? value.name : undefined;
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'experiment_id' && typeof v === 'string') out[key] = mapper.toRecorded('experiment', v);
    else if (key === 'next_page_token' && typeof v === 'string') out[key] = mapper.toRecorded('pageToken', v);
    else if ((key === 'user_id' || (key === 'id' && 'username' in value)) && typeof v === 'number') out[key] = Number(mapper.toRecorded('user', String(v)));
    else if (key === 'version' && typeof v === 'string' && modelName !== undefined) out[key] = mapper.toRecorded(`version:${modelName}`, v);
    else if (key === 'aliases' && modelName !== undefined && Array.isArray(v)) out[key] = v.map((a) => aliasToRecorded(a, modelName, mapper));
    else out[key] = toRecordedSpace(v, mapper);
  }
  return out;
}

/** Registered-model aliases point at versions of the model that holds them. */
function aliasToRecorded(alias: Json, modelName: string, mapper: IdMapper): Json {
  if (!isObj(alias) || typeof alias.version !== 'string') return toRecordedSpace(alias, mapper);
  return { ...alias, version: mapper.toRecorded(`version:${modelName}`, alias.version) };
}

function alignErrorMessages(recorded: Json, ours: Json): { recorded: Json; ours: Json } {
  if (!isErrorBody(recorded) || !isErrorBody(ours)) return { recorded, ours };
  const cut = DRIVER_TEXT.exec(recorded.message);
  if (!cut) return { recorded, ours };
  const mlflowPart = recorded.message.slice(0, cut.index);
  const oursMatches = ours.message.startsWith(mlflowPart.trimEnd());
  return {
    recorded: { ...recorded, message: mlflowPart.trimEnd() },
    ours: oursMatches ? { ...ours, message: mlflowPart.trimEnd() } : ours,
  };
}

function isErrorBody(v: Json): v is Obj & { error_code: string; message: string } {
  return isObj(v) && typeof v.error_code === 'string' && typeof v.message === 'string';
}

/** Masks generated times and sorts unordered arrays; the result is compared with deep equality. */
export function canonical(value: Json, clientTimes: ReadonlySet<number>, key?: string): Json {
  if (key !== undefined && isTime(value)) {
    if (GENERATED_TIMES.has(key)) return TIME_MASK;
    if (CLIENT_TIMES.has(key) && !clientTimes.has(Number(value))) return TIME_MASK;
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, clientTimes));
    if (key === undefined || !UNORDERED_KEYS.has(key)) return items;
    return key === 'metrics' && items.every((m) => isObj(m) && typeof m.run_id === 'string') ? byRunId(items as Obj[]) : sortByJson(items);
  }
  if (!isObj(value)) return value;
  if (value.key === LOGGED_MODELS_TAG && typeof value.value === 'string') return { ...value, value: loggedModels(value.value) };
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) out[k] = canonical(v, clientTimes, k);
  return out;
}

/** Run tag holding JSON of the models logged to the run. */
const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
/** Model fields the server generates when it records a model itself (promptlab runs). */
const GENERATED_MODEL_FIELDS = ['utc_time_created', 'model_uuid'];

/** The tag's JSON with generated model fields masked; key order and spacing kept as written. */
function loggedModels(text: string): string {
  let models: Json;
  try {
    models = JSON.parse(text);
  } catch {
    return text;
  }
  if (!Array.isArray(models)) return text;
  return stableJson(models.map((m) => (isObj(m) ? { ...m, ...Object.fromEntries(GENERATED_MODEL_FIELDS.filter((f) => f in m).map((f) => [f, TIME_MASK])) } : m)));
}

/** Bulk metric histories are ordered by run id (random) and then by step/time (meaningful). */
function byRunId(items: Obj[]): Obj[] {
  return items
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.run_id as string).localeCompare(b.m.run_id as string) || a.i - b.i)
    .map(({ m }) => m);
}

function sortByJson(items: Json[]): Json[] {
  return items
    .map((v) => ({ v, k: stableJson(v) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map(({ v }) => v);
}

export function stableJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function isTime(v: Json): boolean {
  return typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
}

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
