/**
 * Metric series for charts: x values by step, wall time or relative time; MLflow's
 * exponential smoothing; and min/max bucketing so a chart never draws more than about two
 * points per pixel and still shows every spike (the first, min, max and last of each bucket).
 */
import type { MetricBucket } from '@darwin-mlflow/contract';

export type XAxis = 'step' | 'time' | 'relative';

export interface MetricPoint {
  step: number;
  timestamp: number;
  value: number;
}

export interface Series {
  x: Float64Array;
  y: Float64Array;
}

export function toNumber(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return Number(value);
}

/** Points sorted by the chosen x; wall time and relative time in seconds. */
export function toSeries(points: readonly MetricPoint[], axis: XAxis): Series {
  const sorted = [...points].sort((a, b) => (axis === 'step' ? a.step - b.step || a.timestamp - b.timestamp : a.timestamp - b.timestamp));
  const start = sorted.length ? Math.min(...sorted.slice(0, 1).map((p) => p.timestamp)) : 0;
  const x = new Float64Array(sorted.length);
  const y = new Float64Array(sorted.length);
  sorted.forEach((p, i) => {
    x[i] = axis === 'step' ? p.step : axis === 'time' ? p.timestamp / 1000 : (p.timestamp - start) / 1000;
    y[i] = p.value;
  });
  return { x, y };
}

/**
 * MLflow's smoothing: an exponential moving average with debiasing (as TensorBoard), weight
 * in [0, 1). Non-finite values pass through unchanged and do not poison the average.
 */
export function smooth(y: Float64Array, weight: number): Float64Array {
  if (weight <= 0) return y;
  const out = new Float64Array(y.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = last / (1 - weight ** count);
  }
  return out;
}

/**
 * Keeps at most four points per bucket (first, min, max, last, in x order) over `buckets`
 * equal-width x ranges. Series already short enough come back unchanged.
 */
export function bucketMinMax(series: Series, buckets: number): Series {
  const n = series.x.length;
  if (n <= buckets * 4 || n === 0) return series;
  const x0 = series.x[0] as number;
  const x1 = series.x[n - 1] as number;
  const width = (x1 - x0) / buckets || 1;
  const xs: number[] = [];
  const ys: number[] = [];
  let i = 0;
  while (i < n) {
    const bucket = Math.min(buckets - 1, Math.floor(((series.x[i] as number) - x0) / width));
    let j = i;
    let minI = i;
    let maxI = i;
    while (j < n && Math.min(buckets - 1, Math.floor(((series.x[j] as number) - x0) / width)) === bucket) {
      if ((series.y[j] as number) < (series.y[minI] as number)) minI = j;
      if ((series.y[j] as number) > (series.y[maxI] as number)) maxI = j;
      j++;
    }
    for (const k of [...new Set([i, minI, maxI, j - 1])].sort((a, b) => a - b)) {
      xs.push(series.x[k] as number);
      ys.push(series.y[k] as number);
    }
    i = j;
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/**
 * uPlot's aligned data for several series with different x values: the union of x values, and
 * each series' y at those x (null where it has no point; uPlot bridges those gaps).
 */
export function alignSeries(series: readonly Series[]): [Float64Array, ...(number | null)[][]] {
  const xs = new Set<number>();
  for (const s of series) for (const v of s.x) xs.add(v);
  const x = Float64Array.from([...xs].sort((a, b) => a - b));
  const index = new Map<number, number>();
  x.forEach((v, i) => index.set(v, i));
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(x.length).fill(null);
    s.x.forEach((v, i) => {
      const yv = s.y[i] as number;
      column[index.get(v) as number] = Number.isFinite(yv) ? yv : null;
    });
    return column;
  });
  return [x, ...ys];
}

/**
 * Buckets as chart points: first at the bucket's start, min and max at a third and two thirds
 * of it (in the order that draws the shorter path), last at its end. A bucket of one step
 * keeps its first value and its most extreme one.
 */
export function bucketsToSeries(buckets: readonly MetricBucket[], axis: XAxis, startTime: number): Series {
  const xs: number[] = [];
  const ys: number[] = [];
  const at = (step: number, ts: number) => (axis === 'step' ? step : axis === 'time' ? ts / 1000 : (ts - startTime) / 1000);
  for (const b of buckets) {
    const x0 = at(b.start_step, b.start_timestamp);
    const x1 = at(b.end_step, b.end_timestamp);
    if (b.count === 1 || x0 >= x1) {
      const extreme = Math.abs(b.max - b.first) >= Math.abs(b.min - b.first) ? b.max : b.min;
      xs.push(x0);
      ys.push(b.count === 1 ? b.first : extreme);
      continue;
    }
    const third = (x1 - x0) / 3;
    const [lo, hi] = b.first <= b.last ? [b.min, b.max] : [b.max, b.min];
    xs.push(x0, x0 + third, x0 + 2 * third, x1);
    ys.push(b.first, lo, hi, b.last);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}
