/**
 * Metric histories for the UI's charts: the bulk read of get-history-bulk and the sampled read of
 * get-history-bulk-interval, with MLflow 2.12.2's rules, messages and sampling (spec §2.1b).
 */
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import type { Int64 } from '@darwin-mlflow/contract';
import { compareInt64, toInt64 } from '../../db/ints.js';
import { pyInt } from '../../http/decode.js';
import type { MetricHistoryStore, MetricStepLayout, RunMetric } from '../store/metrics.js';

/** Per-run cap on sampled points (MLflow's MAX_RESULTS_GET_METRIC_HISTORY). */
const MAX_POINTS_PER_RUN = LIMITS.MAX_RESULTS_GET_METRIC_HISTORY;

export interface BulkIntervalQuery {
  runIds: readonly string[];
  metricKey: string;
  /** Raw `start_step` / `end_step` / `max_results` of the query string, as MLflow reads them. */
  startStep: string | undefined;
  endStep: string | undefined;
  maxResults: string | undefined;
}

export interface BulkQuery {
  /** Every `run_id` of the query string, in order. */
  runIds: readonly string[];
  metricKey: string | undefined;
  maxResults: string | undefined;
}

export class MetricService {
  constructor(private readonly store: MetricHistoryStore) {}

  /**
   * MLflow's get_metric_history_bulk_interval_handler: samples steps across all runs, then
   * yields, for each requested run in request order, its points at those steps ordered by
   * step, timestamp, value (at most 25000 per run); a run id given twice is answered twice.
   * The checks and the sampling come first, then one run's points at a time, so a reply over
   * 100 runs holds one run's points in memory rather than all of them (docs/streaming.md).
   */
  async *streamMetricHistoryBulkInterval(q: BulkIntervalQuery): AsyncGenerator<RunMetric[]> {
    const range = stepRange(q.startStep, q.endStep);
    const maxResults = q.maxResults === undefined ? LIMITS.MAX_RESULTS_PER_RUN_GET_METRIC_HISTORY_BULK_INTERVAL : Number(intArg('max_results', q.maxResults));
    const layout = await this.store.stepLayout([...new Set(q.runIds)], q.metricKey);
    const steps = stepsToFetch(layout, range, maxResults);
    // a run given more than once is read once; only those runs' points are kept between reads
    const repeated = repeatedIds(q.runIds);
    const kept = new Map<string, RunMetric[]>();
    for (const runId of q.runIds) {
      let points = kept.get(runId);
      if (!points) {
        points = (await this.store.historyAtSteps(runId, q.metricKey, steps, MAX_POINTS_PER_RUN)).map((m) => ({ ...m, run_id: runId }));
        if (repeated.has(runId)) kept.set(runId, points);
      }
      yield points;
    }
  }

  /**
   * MLflow's get_metric_history_bulk_handler: every point of the metric across 1–100 runs,
   * ordered by run id, timestamp, step, value, at most max_results (default and cap 25000).
   */
  async getMetricHistoryBulk(q: BulkQuery): Promise<RunMetric[]> {
    const limit = LIMITS.MAX_RESULTS_GET_METRIC_HISTORY;
    const maxRuns = LIMITS.MAX_RUNS_GET_METRIC_HISTORY_BULK;
    if (q.runIds.length === 0) {
      throw MlflowError.invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    }
    if (q.runIds.length > maxRuns) {
      throw MlflowError.invalidParameter(
        `GetMetricHistoryBulk request cannot specify more than ${maxRuns} run_ids. Received ${q.runIds.length} run_ids.`,
      );
    }
    if (q.metricKey === undefined) {
      throw MlflowError.invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    }
    // MLflow: int(max_results) -- a non-integer is an HTML 500 there, a negative one slices the
    // result oddly (SQLite) or fails in SQL (PostgreSQL/MySQL); both are a 400 here.
    const requested = q.maxResults === undefined ? BigInt(limit) : pyInt(q.maxResults);
    if (requested === undefined || requested < 0n) {
      throw MlflowError.invalidParameter(
        `GetMetricHistoryBulk request max_results must be a non-negative integer. Received '${q.maxResults}'.`,
      );
    }
    const maxResults = requested > BigInt(limit) ? limit : Number(requested);
    return this.store.historyBulk([...new Set(q.runIds)], q.metricKey, maxResults);
  }
}

function repeatedIds(ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return repeated;
}

interface StepRange {
  start: Int64;
  end: Int64;
}

/** start_step and end_step: both or neither, start <= end (MLflow's checks and messages). */
function stepRange(startRaw: string | undefined, endRaw: string | undefined): StepRange | undefined {
  if (startRaw !== undefined && endRaw !== undefined) {
    const start = intArg('start_step', startRaw);
    const end = intArg('end_step', endRaw);
    if (start > end) {
      throw MlflowError.invalidParameter(
        `end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`,
      );
    }
    return { start, end };
  }
  if (startRaw !== undefined || endRaw !== undefined) {
    throw MlflowError.invalidParameter('If either start step or end step are specified, both must be specified.');
  }
  return undefined;
}

/** Python int() of a query value (the request schema has already checked it is int-like). */
function intArg(name: string, raw: string): Int64 {
  const v = pyInt(raw);
  if (v === undefined) {
    throw MlflowError.invalidParameter(`Invalid value '${raw}' for parameter '${name}' supplied: it must be an integer.`);
  }
  return toInt64(v);
}

/**
 * The steps to return (MLflow's `_get_sampled_steps`): without a range, [0, largest step] (so
 * negative steps are left out); the sampled steps in range, plus every run's smallest and
 * largest step when they lie in range, so each run's line starts and ends where its data does.
 */
export function stepsToFetch(layout: MetricStepLayout, range: StepRange | undefined, maxResults: number): Int64[] {
  const all = layout.steps;
  const last = all[all.length - 1];
  const { start, end } = range ?? { start: 0, end: last ?? 0 };
  const chosen = new Set<Int64>(sampleSteps(all, start, end, maxResults));
  for (const { min, max } of layout.runBounds) {
    if (start <= min && min <= end) chosen.add(min);
    if (start <= max && max <= end) chosen.add(max);
  }
  return [...chosen].sort(compareInt64);
}

/**
 * MLflow's `_get_sampled_steps_from_steps` over ascending distinct steps, reproduced exactly:
 * all steps in [start, end] when there are at most maxResults of them; otherwise the steps at
 * index start_idx + int(i * (count / maxResults)) for i < maxResults, then the last step in
 * range. The float arithmetic matches Python's (both IEEE doubles).
 *
 * Deliberate difference: MLflow keeps a sampled index only if it is below `count` (the number
 * of steps in range) instead of below the end of the range, so a range that does not start at
 * the first logged step loses samples (steps 0..99, range 50..99, 10 results -> only step 99).
 * We keep every sampled index inside the range.
 */
export function sampleSteps(all: readonly Int64[], start: Int64, end: Int64, maxResults: number): Int64[] {
  const startIdx = bisectLeft(all, start);
  const endIdx = bisectRight(all, end);
  if (endIdx - startIdx <= maxResults) return all.slice(startIdx, Math.max(startIdx, endIdx));
  const count = endIdx - startIdx;
  const interval = count / maxResults;
  const sampled: Int64[] = [];
  for (let i = 0; i < maxResults; i++) {
    const idx = startIdx + Math.trunc(i * interval);
    if (idx < endIdx) sampled.push(all[idx] as Int64);
  }
  sampled.push(all[endIdx - 1] as Int64);
  return [...new Set(sampled)];
}

function bisectLeft(a: readonly Int64[], x: Int64): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as Int64) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bisectRight(a: readonly Int64[], x: Int64): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < (a[mid] as Int64)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
