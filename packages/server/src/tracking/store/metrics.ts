/** SQL for metric points and the per-run "latest metric" summary. */
import type { Int64 } from '@darwin-mlflow/contract';
import { sql } from 'kysely';
import { MAX_DOUBLE } from '@darwin-mlflow/contract';
import type { DialectName } from '../../db/backendUri.js';
import type { Database, Db } from '../../db/database.js';
import { toBool } from '../../db/ints.js';
import { int64Column, int64Of, selectArrays } from '../../db/arrayRows.js';
import type { BoolCell, Int64Cell } from '../../db/arrayRows.js';
import { bulkInsert, insertStatement } from '../../db/upsert.js';
import type { Metric } from '../entities.js';
import { metricHistoryWireJson, metricWireJson } from './wireJsonSql.js';
import { largeRead } from './largeReads.js';
import type { JsonList } from '../../http/json.js';

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
  /** MLflow 3.x: the logged model (and dataset) the point is about; also kept in logged_model_metrics. */
  model?: { model_id: string; dataset_name: string | null; dataset_digest: string | null };
}

/** MLflow's storage form: NaN -> 0 with is_nan; +/-inf -> +/- the largest double. */
export function toStoredMetric(p: MetricPoint): Metric {
  if (Number.isNaN(p.value)) return { key: p.key, value: 0, timestamp: p.timestamp, step: p.step, is_nan: true };
  const value = p.value === Infinity ? MAX_DOUBLE : p.value === -Infinity ? -MAX_DOUBLE : p.value;
  return { key: p.key, value, timestamp: p.timestamp, step: p.step, is_nan: false };
}

/** True if a is strictly more recent than b by (step, timestamp, value), as MLflow compares. */
export function isNewer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

const METRIC_COLUMNS = [
  ['run_uuid', 'text'],
  ['key', 'text'],
  ['value', 'float8'],
  ['timestamp', 'int8'],
  ['step', 'int8'],
  ['is_nan', 'bool'],
] as const;

const insertMetrics = insertStatement('metrics', METRIC_COLUMNS, {
  kind: 'ignore',
  keyColumns: ['key', 'timestamp', 'step', 'run_uuid', 'value', 'is_nan'],
});

/**
 * latest_metrics takes a point only if it is strictly newer than the stored one by (step,
 * timestamp, value), decided by the database in the same statement. MySQL evaluates the
 * assignments left to right, each seeing the columns already assigned: in the order is_nan,
 * value, timestamp, step the condition still decides as it would on the old row (once value is
 * assigned, a true condition can only turn false where the remaining columns are already equal).
 */
const upsertLatestMetrics = insertStatement('latest_metrics', METRIC_COLUMNS, {
  kind: 'custom',
  clause(dialect) {
    if (dialect === 'mysql') {
      const newer = '(VALUES(`step`), VALUES(`timestamp`), VALUES(`value`)) > (`step`, COALESCE(`timestamp`, 0), `value`)';
      const set = ['is_nan', 'value', 'timestamp', 'step'].map((c) => `\`${c}\` = IF(${newer}, VALUES(\`${c}\`), \`${c}\`)`);
      return `ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
    }
    const set = ['value', 'timestamp', 'step', 'is_nan'].map((c) => `"${c}" = excluded."${c}"`);
    return (
      `ON CONFLICT ("key", "run_uuid") DO UPDATE SET ${set.join(', ')} ` +
      `WHERE (excluded."step", excluded."timestamp", excluded."value") > ` +
      `("latest_metrics"."step", COALESCE("latest_metrics"."timestamp", 0), "latest_metrics"."value")`
    );
  },
});

function metricRow(dialect: DialectName, runId: string, m: Metric): unknown[] {
  return [runId, m.key, m.value, m.timestamp, m.step, dialect === 'postgres' ? m.is_nan : Number(m.is_nan)];
}

/**
 * Logs metric points to a run whose row the caller has locked: duplicates (same key, value,
 * timestamp, step) are skipped by the primary key, the first one staying (as MLflow keeps the
 * first), and latest_metrics moves forward only for strictly newer points.
 */
export async function logMetrics(tx: Db, dialect: DialectName, runId: string, points: readonly MetricPoint[]): Promise<void> {
  if (points.length === 0) return;
  const metrics = points.map(toStoredMetric);
  await bulkInsert(tx, dialect, insertMetrics, metrics.map((m) => metricRow(dialect, runId, m)));
  await updateLatestMetrics(tx, dialect, runId, metrics);
}

/** One conditional upsert of each key's newest point of the batch (the first one on ties). */
async function updateLatestMetrics(tx: Db, dialect: DialectName, runId: string, metrics: readonly Metric[]): Promise<void> {
  const newest = new Map<string, Metric>();
  for (const m of metrics) {
    const current = newest.get(m.key);
    if (!current || isNewer(m, current)) newest.set(m.key, m);
  }
  const rows: unknown[][] = [];
  for (const m of newest.values()) rows.push(metricRow(dialect, runId, m));
  await bulkInsert(tx, dialect, upsertLatestMetrics, rows);
}

// ---------------------------------------------------------------------------------------------
// Reads, as array rows (db/arrayRows.ts): no object and no bigint per point

/** A point of one metric's history, for the presenter. */
export type MetricPointCells = readonly [value: number, timestamp: Int64Cell, step: Int64Cell, is_nan: BoolCell];

/** value, timestamp, step, is_nan of `metrics`, the select list of MetricPointCells. */
function pointColumns(dialect: DialectName) {
  return [
    sql.ref('value').as('value'),
    int64Column(dialect, sql.ref('timestamp')).as('timestamp'),
    int64Column(dialect, sql.ref('step')).as('step'),
    sql.ref('is_nan').as('is_nan'),
  ];
}

function toMetric(key: string, [value, timestamp, step, isNan]: MetricPointCells): Metric {
  return { key, value, timestamp: int64Of(timestamp), step: int64Of(step), is_nan: toBool(isNan) };
}

/** One metric's history: rows for the presenter, or (SQLite) the wire JSON array already written. */
export type MetricHistory<J = string> = { points: MetricPointCells[]; json?: undefined } | { json: J; points?: undefined };

/**
 * Every point of one metric of one run (MLflow applies no ordering), read whole: the reply
 * get-history gave before streaming, kept as the reference the streaming tests compare with.
 */
export async function getMetricHistory(db: Db, dialect: DialectName, runId: string, key: string): Promise<MetricHistory> {
  if (dialect === 'sqlite') {
    const query = db.selectFrom('metrics as m').select(metricHistoryWireJson().as('j')).where('m.run_uuid', '=', runId).where('m.key', '=', key);
    const [row] = await selectArrays<[string | null]>(db, query);
    return { json: row?.[0] ?? '[]' };
  }
  const query = db.selectFrom('metrics').select(pointColumns(dialect)).where('run_uuid', '=', runId).where('key', '=', key);
  return { points: await largeRead(db, dialect, () => selectArrays<MetricPointCells>(db, query)) };
}

/**
 * Rows per chunk of a streamed history: ~1.4 MB of reply, one round trip per chunk; a history
 * of up to this many points (the bench's 10,000) is one read, as before streaming.
 */
const HISTORY_CHUNK_ROWS = 20_000;

/**
 * A history up to this many points (~7 MB of JSON) is read whole, as before streaming: on the
 * bench's metric_history_10k streaming measured up to 2.5× the CPU per request (SQLite iterating
 * rows instead of group_concat, mysql2's row stream, a cursor's round trips), and the text is
 * the same (docs/streaming.md).
 */
const WHOLE_HISTORY_POINTS = 100_000;

/**
 * Every point of one metric of one run, streamed from a cursor (docs/streaming.md): the same
 * statement as getMetricHistory (no ordering, so the same order), chunk by chunk. SQLite writes
 * each point's wire JSON (the text its group_concat joins); elsewhere rows for the presenter.
 */
export async function* streamMetricHistory(database: Database, runId: string, key: string): AsyncGenerator<MetricHistory<string[] | JsonList>> {
  const db = database.db;
  if (database.dialect === 'sqlite') {
    // up to WHOLE_HISTORY_POINTS, group_concat writes the whole array in one statement,
    // faster than rows can be iterated; a longer history is streamed instead
    const first = db
      .selectFrom('metrics as m')
      .select(metricWireJson().as('j'))
      .where('m.run_uuid', '=', runId)
      .where('m.key', '=', key)
      .limit(WHOLE_HISTORY_POINTS + 1)
      .as('p');
    // on a reader thread (db/dialects/sqliteReaders.ts): the points' text back as bytes
    const [[text, points] = [null, 0]] = await database.readArrays<[Uint8Array | null, number]>(
      db.selectFrom(first).select([sql<Uint8Array | null>`CAST(group_concat(p.j, ',') AS BLOB)`.as('t'), sql<number>`count(*)`.as('n')]),
    );
    if (points <= WHOLE_HISTORY_POINTS) {
      if (text !== null) yield { json: { text, count: points } };
      return;
    }
    const query = db.selectFrom('metrics as m').select(metricWireJson().as('j')).where('m.run_uuid', '=', runId).where('m.key', '=', key);
    for await (const rows of database.streamArrays<[string]>(query, HISTORY_CHUNK_ROWS)) yield { json: rows.map(([j]) => j) };
    return;
  }
  // MySQL/PostgreSQL: a count first (the statement itself is left as it was, so is its plan and
  // row order); up to WHOLE_HISTORY_POINTS the points are read whole as before streaming, which
  // costs less CPU per request than mysql2's row stream or a cursor (metric_history_10k)
  const [[points] = [0]] = await database.read((rdb) =>
    selectArrays<[number | string]>(rdb, rdb.selectFrom('metrics').select(sql<number>`count(*)`.as('n')).where('run_uuid', '=', runId).where('key', '=', key)),
  );
  if (Number(points) <= WHOLE_HISTORY_POINTS) {
    const history = await database.read((rdb) => getMetricHistory(rdb, database.dialect, runId, key));
    if (history.points && history.points.length > 0) yield history;
    return;
  }
  const query = db.selectFrom('metrics').select(pointColumns(database.dialect)).where('run_uuid', '=', runId).where('key', '=', key);
  for await (const chunk of database.streamArrays<MetricPointCells>(query, HISTORY_CHUNK_ROWS)) yield { points: chunk };
}

// Bulk reads for the UI's charts (get-history-bulk and get-history-bulk-interval)

/** A metric point with the run it belongs to (MLflow's MetricWithRunId). */
export interface RunMetric extends Metric {
  run_id: string;
}

/** What sampling needs: the distinct steps of a metric across runs, and each run's step range. */
export interface MetricStepLayout {
  /** Distinct steps, ascending. */
  steps: Int64[];
  /** Smallest and largest step of each run that has the metric. */
  runBounds: { run_id: string; min: Int64; max: Int64 }[];
}

function compareSteps(a: Int64, b: Int64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The distinct steps are streamed in ascending order into a plain array of numbers: a metric
 * logged at 1,000,000 steps costs ~8 MB that way, against ~100 MB as one array row per step.
 */
export async function getMetricStepLayout(database: Database, runIds: readonly string[], key: string): Promise<MetricStepLayout> {
  if (runIds.length === 0) return { steps: [], runBounds: [] };
  const dialect = database.dialect;
  const db = database.db;
  const steps: Int64[] = [];
  const distinct = db
    .selectFrom('metrics')
    .select(int64Column(dialect, sql.ref('step')).as('step'))
    .distinct()
    .where('key', '=', key)
    .where('run_uuid', 'in', [...runIds])
    .orderBy('step');
  for await (const rows of database.streamArrays<[Int64Cell]>(distinct, STEP_CHUNK_ROWS)) for (const [step] of rows) steps.push(int64Of(step));
  const boundRows = await database.read((rdb) =>
    selectArrays<[string, Int64Cell, Int64Cell]>(
      rdb,
      rdb
        .selectFrom('metrics')
        .select((eb) => ['run_uuid', int64Column(dialect, eb.fn.min('step')).as('min_step'), int64Column(dialect, eb.fn.max('step')).as('max_step')])
        .where('key', '=', key)
        .where('run_uuid', 'in', [...runIds])
        .groupBy('run_uuid'),
    ),
  );
  return {
    // ordered by the database already (the sort then only checks); sorted again for int64
    // values beyond 2^53, which arrive as digits
    steps: steps.sort(compareSteps),
    runBounds: boundRows.map(([runId, min, max]) => ({ run_id: runId, min: int64Of(min), max: int64Of(max) })),
  };
}

const STEP_CHUNK_ROWS = 10_000;

/**
 * The points of one run's metric at the given steps, ordered by step, timestamp, value (as
 * MLflow's get_metric_history_bulk_interval_from_steps), at most `limit`. `is_nan` only breaks
 * exact ties so the order is deterministic.
 */
export async function getMetricHistoryAtSteps(
  db: Db,
  dialect: DialectName,
  runId: string,
  key: string,
  steps: readonly Int64[],
  limit: number,
): Promise<Metric[]> {
  if (steps.length === 0 || limit <= 0) return [];
  const rows = await selectArrays<MetricPointCells>(
    db,
    db
      .selectFrom('metrics')
      .select(pointColumns(dialect))
      .where('key', '=', key)
      .where('run_uuid', '=', runId)
      .where('step', 'in', [...steps])
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .orderBy('is_nan')
      .limit(limit),
  );
  return rows.map((r) => toMetric(key, r));
}

/**
 * Every point of a metric across runs, ordered by run id, timestamp, step, value (MLflow's
 * get_metric_history_bulk), at most `limit` in total.
 */
export async function getMetricHistoryBulk(db: Db, dialect: DialectName, runIds: readonly string[], key: string, limit: number): Promise<RunMetric[]> {
  if (runIds.length === 0 || limit <= 0) return [];
  const rows = await selectArrays<[string, ...MetricPointCells]>(
    db,
    db
      .selectFrom('metrics')
      .select(['run_uuid', ...pointColumns(dialect)])
      .where('key', '=', key)
      .where('run_uuid', 'in', [...runIds])
      .orderBy('run_uuid')
      .orderBy('timestamp')
      .orderBy('step')
      .orderBy('value')
      .orderBy('is_nan')
      .limit(limit),
  );
  return rows.map(([runId, ...point]) => ({ ...toMetric(key, point), run_id: runId }));
}

/** Read access to metric histories across runs, for the metric service. */
export class MetricHistoryStore {
  constructor(private readonly database: Database) {}

  stepLayout(runIds: readonly string[], key: string): Promise<MetricStepLayout> {
    return getMetricStepLayout(this.database, runIds, key);
  }

  historyAtSteps(runId: string, key: string, steps: readonly Int64[], limit: number): Promise<Metric[]> {
    return this.database.read((db) => getMetricHistoryAtSteps(db, this.database.dialect, runId, key, steps, limit));
  }

  historyBulk(runIds: readonly string[], key: string, limit: number): Promise<RunMetric[]> {
    return this.database.read((db) => getMetricHistoryBulk(db, this.database.dialect, runIds, key, limit));
  }
}
