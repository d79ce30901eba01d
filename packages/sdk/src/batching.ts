/**
 * Background batching of one run's metrics, params and tags into `log-batch` requests.
 *
 * - Each request respects MLflow's limits: at most 1000 metrics, 100 params, 100 tags, 1000
 *   entities in all, and a JSON body under 1 MB (`MAX_BATCH_LOG_REQUEST_SIZE` of the Python client).
 * - One request is in flight per run, so values reach the server in the order they were logged.
 * - Back-pressure: `add` resolves at once while fewer than `maxPending` entities wait, and only
 *   once the queue drained below half of that otherwise. A loop that awaits it never blocks on
 *   HTTP in the common case and never grows memory past the bound.
 * - Nothing accepted is dropped silently: a batch that fails (after the transport's retries) is
 *   kept as a `FlushError` that the next `add`, `flush()` or `endRun` rejects with.
 */
import { LIMITS } from '@darwin-mlflow/contract';
import { FlushError, MlflowError } from './errors.js';
import type { LogBatchRequest, MetricPoint, Runs } from './resources/tracking.js';

export interface BatchingOptions {
  /** How long a partial batch may wait before it is sent; default 250 ms. */
  flushIntervalMs?: number;
  /** Entities queued before `add` makes the caller wait; default 100,000. */
  maxPending?: number;
  /** Largest JSON body of one request; default 1,000,000 bytes. */
  maxBodyBytes?: number;
}

interface KeyValue {
  key: string;
  value: string;
}

type Entry<T> = { item: T; bytes: number };

/** Bytes of the envelope around the lists: `{"run_id":"…","metrics":[],"params":[],"tags":[]}`. */
const ENVELOPE_BYTES = 128;

export class BatchLogger {
  private readonly metrics: Entry<Required<MetricPoint>>[] = [];
  private readonly params: Entry<KeyValue>[] = [];
  private readonly tags: Entry<KeyValue>[] = [];
  private readonly flushIntervalMs: number;
  private readonly maxPending: number;
  private readonly maxBodyBytes: number;
  private timer: NodeJS.Timeout | undefined;
  private worker: Promise<void> | undefined;
  private failure: FlushError | undefined;
  private drained: (() => void)[] = [];
  /** Entities sent successfully, and in how many requests (for tests and benchmarks). */
  sent = 0;
  requests = 0;

  constructor(private readonly runs: Runs, readonly runId: string, options: BatchingOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxPending = options.maxPending ?? 100_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
    LIVE_LOGGERS.add(this);
  }

  get pending(): number {
    return this.metrics.length + this.params.length + this.tags.length;
  }

  addMetric(point: MetricPoint): Promise<void> {
    const item = { key: point.key, value: point.value, timestamp: point.timestamp ?? Date.now(), step: point.step ?? 0 };
    return this.add(this.metrics, item);
  }

  addParam(key: string, value: string): Promise<void> {
    return this.add(this.params, { key, value });
  }

  addTag(key: string, value: string): Promise<void> {
    return this.add(this.tags, { key, value });
  }

  /** Sends everything queued so far; rejects with the first failure since the last flush. */
  async flush(): Promise<void> {
    await this.settle();
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Sends everything queued so far; a failure stays recorded for the next call to report. */
  async settle(): Promise<void> {
    this.clearTimer();
    while (this.pending > 0 || this.worker !== undefined) {
      this.startWorker();
      await this.worker;
    }
  }

  /** Flushes and stops watching this logger at exit. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      LIVE_LOGGERS.delete(this);
    }
  }

  /** A failure not yet reported by `flush`, if any (read at exit). */
  takeFailure(): FlushError | undefined {
    const f = this.failure;
    this.failure = undefined;
    return f;
  }

  private add<T>(queue: Entry<T>[], item: T): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.takeFailure());
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (bytes + ENVELOPE_BYTES > this.maxBodyBytes) {
      return Promise.reject(new MlflowError(`One entity of ${bytes} bytes does not fit in a ${this.maxBodyBytes}-byte log-batch body.`, 'INVALID_PARAMETER_VALUE', 0));
    }
    queue.push({ item, bytes });
    const full = this.pending >= this.maxPending;
    // A full batch, or a full queue, goes now; a partial one waits for the interval.
    if (full || this.metrics.length >= LIMITS.MAX_METRICS_PER_BATCH || this.params.length >= LIMITS.MAX_PARAMS_TAGS_PER_BATCH || this.tags.length >= LIMITS.MAX_PARAMS_TAGS_PER_BATCH) {
      this.startWorker();
    } else {
      this.armTimer();
    }
    if (!full) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.worker !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWorker();
    }, this.flushIntervalMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startWorker(): void {
    this.clearTimer();
    if (this.worker !== undefined) return;
    this.worker = this.drain().finally(() => {
      this.worker = undefined;
      if (this.pending > 0) this.armTimer();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending > 0) {
      const batch = this.nextBatch();
      const count = batch.metrics.length + batch.params.length + batch.tags.length;
      try {
        await this.runs.logBatch(this.runId, batch);
        this.sent += count;
        this.requests++;
      } catch (err) {
        this.recordFailure(err, count);
      }
      this.wakeWaiters();
    }
  }

  private recordFailure(err: unknown, count: number): void {
    if (this.failure !== undefined) {
      this.failure.lost += count;
      return;
    }
    const reason = err instanceof Error ? err.message : String(err);
    this.failure = new FlushError(`log-batch for run ${this.runId} failed, ${count} logged values were not stored: ${reason}`, err instanceof MlflowError ? err.code : 'INTERNAL_ERROR', err instanceof MlflowError ? err.status : 0, undefined, { cause: err });
    this.failure.lost = count;
  }

  private wakeWaiters(): void {
    if (this.pending > this.maxPending / 2) return;
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }

  /** Params, then tags, then metrics, within every limit. */
  private nextBatch(): Required<LogBatchRequest> {
    let bytes = ENVELOPE_BYTES;
    let entities = 0;
    const take = <T>(queue: Entry<T>[], max: number): T[] => {
      let n = 0;
      while (n < queue.length && n < max && entities < LIMITS.MAX_ENTITIES_PER_BATCH) {
        const size = (queue[n] as Entry<T>).bytes;
        if (bytes + size > this.maxBodyBytes) break;
        bytes += size;
        entities++;
        n++;
      }
      return queue.splice(0, n).map((e) => e.item);
    };
    const params = take(this.params, LIMITS.MAX_PARAMS_TAGS_PER_BATCH);
    const tags = take(this.tags, LIMITS.MAX_PARAMS_TAGS_PER_BATCH);
    const metrics = take(this.metrics, LIMITS.MAX_METRICS_PER_BATCH);
    return { params, tags, metrics };
  }
}

/** Loggers with data or failures that the exit hooks must take care of. */
export const LIVE_LOGGERS = new Set<BatchLogger>();
