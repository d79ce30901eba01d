/**
 * Equal-width step buckets folded from a run's points in one pass over them, in any order: per
 * bucket the count, min, max, step and time bounds, and the first and last value, where first is
 * the point with the smallest (step, timestamp, value) and last the one with the largest, as the
 * SQL path orders them (metricBuckets.ts: the earliest point of the bucket's first step, by
 * timestamp then value, and the latest of its last step).
 *
 * SQLite reads rows in-process, so folding them in JavaScript as they come costs one scan of the
 * run's points where the SQL path costs three (bounds, grouped buckets, first and last points).
 * Steps and timestamps are JavaScript numbers here: a point beyond 2^53 sends the caller back to
 * the SQL path, which keeps them exact.
 */
import type { DownsampledMetric, MetricBucket } from '@darwin-mlflow/contract';

const SAFE = 2 ** 53;

/** Whether a cell read as a JavaScript number is an exact integer step or timestamp. */
export const exactInteger = (v: number) => Number.isInteger(v) && Math.abs(v) < SAFE;

/** `buckets` equal step ranges of width ceil((hi - lo + 1) / buckets) starting at `lo`. */
export class BucketFold {
  readonly width: number;
  private readonly n: Uint32Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly s0: Float64Array;
  private readonly s1: Float64Array;
  private readonly t0: Float64Array;
  private readonly t1: Float64Array;
  private readonly first: Float64Array;
  private readonly firstTs: Float64Array;
  private readonly last: Float64Array;
  private readonly lastTs: Float64Array;

  constructor(
    private readonly lo: number,
    hi: number,
    buckets: number,
  ) {
    const span = BigInt(hi) - BigInt(lo) + 1n;
    const width = (span + BigInt(buckets) - 1n) / BigInt(buckets);
    this.width = Number(width);
    const count = Number((span + width - 1n) / width);
    this.n = new Uint32Array(count);
    this.min = new Float64Array(count);
    this.max = new Float64Array(count);
    this.s0 = new Float64Array(count);
    this.s1 = new Float64Array(count);
    this.t0 = new Float64Array(count);
    this.t1 = new Float64Array(count);
    this.first = new Float64Array(count);
    this.firstTs = new Float64Array(count);
    this.last = new Float64Array(count);
    this.lastTs = new Float64Array(count);
  }

  /** Adds one point; its step must lie in [lo, hi]. */
  add(step: number, ts: number, value: number): void {
    const offset = step - this.lo;
    let b = Math.floor(offset / this.width);
    // a float quotient can round up across a bucket edge; integer products are exact here
    if (b * this.width > offset) b--;
    const seen = this.n[b] as number;
    this.n[b] = seen + 1;
    if (seen === 0) {
      this.min[b] = this.max[b] = this.first[b] = this.last[b] = value;
      this.s0[b] = this.s1[b] = step;
      this.t0[b] = this.t1[b] = this.firstTs[b] = this.lastTs[b] = ts;
      return;
    }
    if (value < (this.min[b] as number)) this.min[b] = value;
    if (value > (this.max[b] as number)) this.max[b] = value;
    if (ts < (this.t0[b] as number)) this.t0[b] = ts;
    if (ts > (this.t1[b] as number)) this.t1[b] = ts;
    const s0 = this.s0[b] as number;
    if (step < s0 || (step === s0 && (ts < (this.firstTs[b] as number) || (ts === this.firstTs[b] && value < (this.first[b] as number))))) {
      this.s0[b] = step;
      this.firstTs[b] = ts;
      this.first[b] = value;
    }
    const s1 = this.s1[b] as number;
    if (step > s1 || (step === s1 && (ts > (this.lastTs[b] as number) || (ts === this.lastTs[b] && value > (this.last[b] as number))))) {
      this.s1[b] = step;
      this.lastTs[b] = ts;
      this.last[b] = value;
    }
  }

  /** The non-empty buckets in step order. */
  buckets(): MetricBucket[] {
    const out: MetricBucket[] = [];
    for (let b = 0; b < this.n.length; b++) {
      const count = this.n[b] as number;
      if (count === 0) continue;
      out.push({
        start_step: this.s0[b] as number,
        end_step: this.s1[b] as number,
        start_timestamp: this.t0[b] as number,
        end_timestamp: this.t1[b] as number,
        count,
        min: this.min[b] as number,
        max: this.max[b] as number,
        first: this.first[b] as number,
        last: this.last[b] as number,
      });
    }
    return out;
  }
}

/** A growable column of numbers (points are held as three of these, 24 bytes a point). */
class Column {
  data = new Float64Array(4096);
  push(i: number, v: number): void {
    if (i === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
  }
}

/**
 * Collects one metric's points from a scan (step, timestamp, value; NaN already left out) and
 * buckets them. Up to `holdLimit` points are held, so one scan does it all; past that only the
 * bounds are kept and `result()` asks for a second scan, folded without holding anything.
 */
export class PointCollector {
  private count = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private exact = true;
  private holding = true;
  private readonly steps = new Column();
  private readonly times = new Column();
  private readonly values = new Column();

  constructor(private readonly holdLimit: number) {}

  /** For the scan's rows: `[step, timestamp, value]` cells as the driver returns them. */
  readonly add = (row: readonly unknown[]): void => {
    const step = row[0] as number;
    const ts = row[1] as number;
    if (typeof step !== 'number' || typeof ts !== 'number' || !exactInteger(step) || !exactInteger(ts)) this.exact = false;
    if (!this.exact) return;
    if (step < this.lo) this.lo = step;
    if (step > this.hi) this.hi = step;
    const i = this.count++;
    if (!this.holding) return;
    if (i === this.holdLimit) {
      this.holding = false;
      for (const c of [this.steps, this.times, this.values]) c.data = new Float64Array(0);
      return;
    }
    this.steps.push(i, step);
    this.times.push(i, ts);
    this.values.push(i, Number(row[2]));
  };

  /**
   * The answer; undefined when a step or timestamp was not an exact JavaScript number (the
   * caller then takes the SQL path). `rescan` is called only when more points came than were
   * held: it must run the same scan again, handing each row to the function it is given.
   */
  async result(buckets: number, rescan: (add: (row: readonly unknown[]) => void) => Promise<void>): Promise<DownsampledMetric | undefined> {
    if (!this.exact) return undefined;
    if (this.count === 0) return { start_step: null, end_step: null, total_count: 0, buckets: [] };
    if (this.hi - this.lo >= SAFE) return undefined;
    const fold = new BucketFold(this.lo, this.hi, buckets);
    if (this.holding) {
      const [s, t, v] = [this.steps.data, this.times.data, this.values.data];
      for (let i = 0; i < this.count; i++) fold.add(s[i] as number, t[i] as number, v[i] as number);
    } else {
      // the same rows again; a point logged between the two scans makes the counts differ
      let seen = 0;
      await rescan((row) => {
        const step = row[0] as number;
        if (step < this.lo || step > this.hi) return;
        seen++;
        fold.add(step, row[1] as number, Number(row[2]));
      });
      if (seen !== this.count) return undefined;
    }
    return { start_step: this.lo, end_step: this.hi, total_count: this.count, buckets: fold.buckets() };
  }
}
