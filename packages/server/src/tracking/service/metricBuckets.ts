/**
 * The UI's downsampled metric reads (not an MLflow endpoint): checks the request, that the run
 * exists, and asks the store for equal-width step buckets.
 *
 * Answers are kept in a small per-process cache, valid while the run's history version is the
 * same (see `MetricBucketStore.historyVersion`): reading it costs a few µs on SQLite and a few ms
 * elsewhere, where bucketing 100,000 points costs ~50 ms, and a chart is usually looked at more
 * than once. Every replica checks the version in the database, so none serves a history that
 * changed.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DownsampledMetric } from '@darwin-mlflow/contract';
import { pyInt } from '../../http/decode.js';
import type { MetricBucketStore, StepRange } from '../store/metricBuckets.js';
import type { RunService } from './runs.js';

export const MAX_BUCKETS = 5000;
const DEFAULT_BUCKETS = 1000;

export interface DownsampleQuery {
  runId: string | undefined;
  metricKey: string | undefined;
  buckets: string | undefined;
  startStep: string | undefined;
  endStep: string | undefined;
}

/** About 15 MB of cached answers (a 500-bucket answer is ~100 bytes a bucket in memory). */
const CACHE_BUCKETS = 150_000;

interface CachedAnswer {
  version: string;
  result: DownsampledMetric;
}

export class MetricBucketService {
  /** Insertion-ordered: a hit is moved to the end, the oldest entries go first. */
  private readonly cache = new Map<string, CachedAnswer>();
  private cachedBuckets = 0;

  constructor(
    private readonly store: MetricBucketStore,
    private readonly runs: Pick<RunService, 'getRun'>,
  ) {}

  async downsample(q: DownsampleQuery): Promise<DownsampledMetric> {
    if (!q.runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
    if (!q.metricKey) throw MlflowError.invalidParameter("Missing value for required parameter 'metric_key'.");
    const buckets = q.buckets === undefined ? DEFAULT_BUCKETS : integer('buckets', q.buckets);
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw MlflowError.invalidParameter(`buckets must be between 1 and ${MAX_BUCKETS}. Received ${q.buckets}.`);
    }
    const range = stepRange(q.startStep, q.endStep);
    await this.runs.getRun(q.runId);
    const cacheKey = JSON.stringify([q.runId, q.metricKey, buckets, range?.start.toString(), range?.end.toString()]);
    // read before the history: an answer is never filed under a version newer than its data
    const { version, runPoints } = await this.store.historyVersion(q.runId);
    const hit = this.cache.get(cacheKey);
    if (hit?.version === version) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, hit);
      return hit.result;
    }
    const result = await this.store.downsample(q.runId, q.metricKey, range, buckets, runPoints);
    this.remember(cacheKey, { version, result });
    return result;
  }

  private remember(key: string, entry: CachedAnswer): void {
    const old = this.cache.get(key);
    if (old) {
      this.cache.delete(key);
      this.cachedBuckets -= weight(old);
    }
    this.cache.set(key, entry);
    this.cachedBuckets += weight(entry);
    for (const [k, v] of this.cache) {
      if (this.cachedBuckets <= CACHE_BUCKETS) break;
      this.cache.delete(k);
      this.cachedBuckets -= weight(v);
    }
  }
}

/** An entry's share of the budget: its buckets, plus one for the entry itself. */
const weight = (entry: CachedAnswer) => entry.result.buckets.length + 1;

function integer(name: string, raw: string): number {
  const v = pyInt(raw);
  if (v === undefined) throw MlflowError.invalidParameter(`Invalid value '${raw}' for parameter '${name}' supplied: it must be an integer.`);
  return Number(v);
}

function stepRange(start: string | undefined, end: string | undefined): StepRange | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw MlflowError.invalidParameter('If either start_step or end_step is given, both must be given.');
  const s = pyInt(start);
  const e = pyInt(end);
  if (s === undefined) throw MlflowError.invalidParameter(`Invalid value '${start}' for parameter 'start_step' supplied: it must be an integer.`);
  if (e === undefined) throw MlflowError.invalidParameter(`Invalid value '${end}' for parameter 'end_step' supplied: it must be an integer.`);
  if (s > e) throw MlflowError.invalidParameter(`end_step must not be less than start_step. Found start_step=${start} and end_step=${end}.`);
  return { start: BigInt(s), end: BigInt(e) };
}
