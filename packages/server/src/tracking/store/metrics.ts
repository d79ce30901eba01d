/** SQL for metric points and the per-run "latest metric" summary. */
import type { Int64 } from '@darwin-mlflow/contract';
import { MAX_DOUBLE } from '@darwin-mlflow/contract';
import type { DialectName } from '../../db/backendUri.js';
import type { Database, Db } from '../../db/database.js';
import { toBool, toInt64 } from '../../db/ints.js';
import { insertIgnore, upsert } from '../../db/upsert.js';
import type { Metric } from '../entities.js';

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
}

/** MLflow's storage form: NaN -> 0 with is_nan; +/-inf -> +/- the largest double. */
export function toStoredMetric(p: MetricPoint): Metric {
  if (Number.isNaN(p.value)) return { key: p.key, value: 0, timestamp: p.timestamp, step: p.step, is_nan: true };
  const value = p.value === Infinity ? MAX_DOUBLE : p.value === -Infinity ? -MAX_DOUBLE : p.value;
  return { key: p.key, value, timestamp: p.timestamp, step: p.step, is_nan: false };
}

function identity(m: Metric): string {
  return `${m.key}\u0000${m.value}\u0000${m.timestamp}\u0000${m.step}\u0000${m.is_nan}`;
}

/** True if a is strictly more recent than b by (step, timestamp, value), as MLflow compares. */
export function isNewer(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * Logs metric points to a run whose row the caller has locked: duplicates (same key, value,
 * timestamp, step) are skipped, and latest_metrics moves forward only for strictly newer points.
 */
export async function logMetrics(tx: Db, dialect: DialectName, runId: string, points: readonly MetricPoint[]): Promise<void> {
  if (points.length === 0) return;
  const unique = new Map<string, Metric>();
  for (const p of points) {
    const m = toStoredMetric(p);
    unique.set(identity(m), m);
  }
  const metrics = [...unique.values()];
  await insertIgnore(
    tx,
    dialect,
    'metrics',
    metrics.map((m) => ({ run_uuid: runId, key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, is_nan: dialect === 'postgres' ? m.is_nan : Number(m.is_nan) })),
    ['key', 'timestamp', 'step', 'run_uuid', 'value', 'is_nan'],
  );
  await updateLatestMetrics(tx, dialect, runId, metrics);
}

async function updateLatestMetrics(tx: Db, dialect: DialectName, runId: string, metrics: readonly Metric[]): Promise<void> {
  const newest = new Map<string, Metric>();
  for (const m of metrics) {
    const current = newest.get(m.key);
    if (!current || isNewer(m, current)) newest.set(m.key, m);
  }
  const keys = [...newest.keys()];
  const stored = new Map<string, Metric>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await tx
      .selectFrom('latest_metrics')
      .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      stored.set(r.key, { key: r.key, value: r.value, timestamp: r.timestamp === null ? 0 : toInt64(r.timestamp), step: toInt64(r.step), is_nan: toBool(r.is_nan) });
    }
  }
  const changed = [...newest.values()].filter((m) => {
    const old = stored.get(m.key);
    return old === undefined || isNewer(m, old);
  });
  if (changed.length === 0) return;
  await upsert(
    tx,
    dialect,
    'latest_metrics',
    changed.map((m) => ({ run_uuid: runId, key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, is_nan: dialect === 'postgres' ? m.is_nan : Number(m.is_nan) })),
    ['key', 'run_uuid'],
    ['value', 'timestamp', 'step', 'is_nan'],
  );
}

type MetricRow = { key: string; value: number; timestamp: number | bigint | string; step: number | bigint | string; is_nan: boolean | number | bigint };

export function toMetric(r: MetricRow): Metric {
  return { key: r.key, value: r.value, timestamp: toInt64(r.timestamp), step: toInt64(r.step), is_nan: toBool(r.is_nan) };
}

/** Every point of one metric of one run (MLflow applies no ordering). */
export async function getMetricHistory(db: Db, runId: string, key: string): Promise<Metric[]> {
  const rows = await db
    .selectFrom('metrics')
    .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
    .where('run_uuid', '=', runId)
    .where('key', '=', key)
    .execute();
  return rows.map(toMetric);
}

// ---------------------------------------------------------------------------------------------
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

export async function getMetricStepLayout(db: Db, runIds: readonly string[], key: string): Promise<MetricStepLayout> {
  if (runIds.length === 0) return { steps: [], runBounds: [] };
  const stepRows = await db
    .selectFrom('metrics')
    .select('step')
    .distinct()
    .where('key', '=', key)
    .where('run_uuid', 'in', [...runIds])
    .execute();
  const boundRows = await db
    .selectFrom('metrics')
    .select((eb) => ['run_uuid', eb.fn.min('step').as('min_step'), eb.fn.max('step').as('max_step')])
    .where('key', '=', key)
    .where('run_uuid', 'in', [...runIds])
    .groupBy('run_uuid')
    .execute();
  return {
    steps: stepRows.map((r) => toInt64(r.step)).sort(compareSteps),
    runBounds: boundRows.map((r) => ({ run_id: r.run_uuid, min: toInt64(r.min_step), max: toInt64(r.max_step) })),
  };
}

/**
 * The points of one run's metric at the given steps, ordered by step, timestamp, value (as
 * MLflow's get_metric_history_bulk_interval_from_steps), at most `limit`. `is_nan` only breaks
 * exact ties so the order is deterministic.
 */
export async function getMetricHistoryAtSteps(
  db: Db,
  runId: string,
  key: string,
  steps: readonly Int64[],
  limit: number,
): Promise<Metric[]> {
  if (steps.length === 0 || limit <= 0) return [];
  const rows = await db
    .selectFrom('metrics')
    .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
    .where('key', '=', key)
    .where('run_uuid', '=', runId)
    .where('step', 'in', [...steps])
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy('value')
    .orderBy('is_nan')
    .limit(limit)
    .execute();
  return rows.map(toMetric);
}

/**
 * Every point of a metric across runs, ordered by run id, timestamp, step, value (MLflow's
 * get_metric_history_bulk), at most `limit` in total.
 */
export async function getMetricHistoryBulk(db: Db, runIds: readonly string[], key: string, limit: number): Promise<RunMetric[]> {
  if (runIds.length === 0 || limit <= 0) return [];
  const rows = await db
    .selectFrom('metrics')
    .select(['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan'])
    .where('key', '=', key)
    .where('run_uuid', 'in', [...runIds])
    .orderBy('run_uuid')
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy('value')
    .orderBy('is_nan')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toMetric(r), run_id: r.run_uuid }));
}

/** Read access to metric histories across runs, for the metric service. */
export class MetricHistoryStore {
  constructor(private readonly database: Database) {}

  stepLayout(runIds: readonly string[], key: string): Promise<MetricStepLayout> {
    return this.database.read((db) => getMetricStepLayout(db, runIds, key));
  }

  historyAtSteps(runId: string, key: string, steps: readonly Int64[], limit: number): Promise<Metric[]> {
    return this.database.read((db) => getMetricHistoryAtSteps(db, runId, key, steps, limit));
  }

  historyBulk(runIds: readonly string[], key: string, limit: number): Promise<RunMetric[]> {
    return this.database.read((db) => getMetricHistoryBulk(db, runIds, key, limit));
  }
}
