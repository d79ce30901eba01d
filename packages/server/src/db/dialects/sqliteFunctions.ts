/**
 * SQL functions this server adds to its SQLite connections: `regexp` (./sqliteRegexp.ts) and
 * the one below.
 *
 * `darwin_step_buckets(lo, width, buckets, capacity, step, timestamp, value)`: an aggregate that
 * folds a metric's points, in any order, into at most `buckets` equal-width step buckets (bucket
 * `floor((step - lo) / width)`). SQLite's own GROUP BY sorts every point first, and the first
 * and last value of each bucket then need another pass: on a 100,000-point history ~160 ms,
 * against ~60 ms for this fold, and the step range needed a pass of its own before either.
 *  - Given `lo` and `width` it folds as the rows come, in memory for the buckets alone.
 *  - Given NULL for both it keeps the points (room for `capacity` of them is made at once, more
 *    if more come) and finds the step range itself, so one pass does all; the caller uses this
 *    for histories small enough to hold (24 bytes a point).
 * The result is a BLOB of doubles (see `decodeStepBuckets`): the first and last step and the
 * point count, then BUCKET_FIELDS figures per non-empty bucket in bucket order: count, min, max,
 * first step, last step, min and max timestamp, and the values of the first and last point, with
 * points ordered by (step, timestamp, value) as the SQL path orders them. NULL when a step or
 * timestamp is beyond ±2^53, where doubles are no longer exact, or the step range is wider than
 * 2^52: the caller then asks SQL.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { registerRegexp } from './sqliteRegexp.js';

export const BUCKET_FIELDS = 9;
const HEADER = 3;

// per bucket: 0 count, 1 min, 2 max, 3 first step, 4 last step, 5 min timestamp, 6 max timestamp,
// 7 first value, 8 last value, 9 first point's timestamp, 10 last point's timestamp
const SLOTS = BUCKET_FIELDS + 2;

interface Fold {
  lo: number;
  width: number;
  /** SLOTS figures for each of the buckets; a count of 0 marks an empty one */
  slots: Float64Array;
  points: number;
  exact: boolean;
  /** collecting: step, timestamp and value of each point, for a fold once the range is known */
  kept?: { buckets: number; data: Float64Array };
}

const exact = (n: number) => Math.abs(n) <= Number.MAX_SAFE_INTEGER;
/** Step ranges up to this wide are bucketed exactly in doubles. */
export const EXACT_SPAN = 2 ** 52;

function start(lo: number | null, width: number | null, buckets: number, capacity: number): Fold {
  if (lo === null || width === null) {
    return { lo: 0, width: 1, slots: new Float64Array(0), points: 0, exact: true, kept: { buckets, data: new Float64Array(3 * capacity) } };
  }
  return { lo, width, slots: new Float64Array(buckets * SLOTS), points: 0, exact: exact(lo) && exact(width) };
}

function step(fold: Fold | null, lo: number | null, width: number | null, buckets: number, capacity: number, s: number, t: number, v: number): Fold {
  const f = fold ?? start(lo, width, buckets, capacity);
  if (f.kept) {
    const at = 3 * f.points;
    // points logged since the caller counted: grow
    if (at >= f.kept.data.length) {
      const grown = new Float64Array(Math.max(3 * 1024, 2 * f.kept.data.length));
      grown.set(f.kept.data);
      f.kept.data = grown;
    }
    f.kept.data[at] = s;
    f.kept.data[at + 1] = t;
    f.kept.data[at + 2] = v;
    f.points++;
  } else {
    add(f, s, t, v);
  }
  return f;
}

function add(f: Fold, s: number, t: number, v: number): void {
  f.points++;
  if (!exact(s) || !exact(t)) f.exact = false;
  const o = Math.floor((s - f.lo) / f.width) * SLOTS;
  const b = f.slots;
  if (o < 0 || o >= b.length) throw new RangeError(`darwin_step_buckets: step ${s} is outside the buckets`);
  if (b[o] === 0) {
    b[o] = 1;
    b[o + 1] = b[o + 2] = b[o + 7] = b[o + 8] = v;
    b[o + 3] = b[o + 4] = s;
    b[o + 5] = b[o + 6] = b[o + 9] = b[o + 10] = t;
    return;
  }
  b[o]! += 1;
  if (v < b[o + 1]!) b[o + 1] = v;
  if (v > b[o + 2]!) b[o + 2] = v;
  if (t < b[o + 5]!) b[o + 5] = t;
  if (t > b[o + 6]!) b[o + 6] = t;
  if (before(s, t, v, b[o + 3]!, b[o + 9]!, b[o + 7]!)) {
    b[o + 3] = s;
    b[o + 9] = t;
    b[o + 7] = v;
  }
  if (before(b[o + 4]!, b[o + 10]!, b[o + 8]!, s, t, v)) {
    b[o + 4] = s;
    b[o + 10] = t;
    b[o + 8] = v;
  }
}

/** (step, timestamp, value) ordering, as `ORDER BY step, timestamp, value`. */
function before(s1: number, t1: number, v1: number, s2: number, t2: number, v2: number): boolean {
  return s1 !== s2 ? s1 < s2 : t1 !== t2 ? t1 < t2 : v1 < v2;
}

/** Folds the kept points once their step range is known. */
function foldKept(f: Fold): Fold {
  const { buckets, data } = f.kept!;
  const n = f.points;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < 3 * n; i += 3) {
    if (data[i]! < lo) lo = data[i]!;
    if (data[i]! > hi) hi = data[i]!;
  }
  const folded = start(lo, Math.ceil((hi - lo + 1) / buckets), buckets, 0);
  // beyond 2^52 the division by the width may round across a bucket edge
  if (!(hi - lo < EXACT_SPAN)) folded.exact = false;
  if (folded.exact) for (let i = 0; i < 3 * n; i += 3) add(folded, data[i]!, data[i + 1]!, data[i + 2]!);
  return folded;
}

function result(fold: Fold | null): Buffer | null {
  if (fold === null) return Buffer.from(new Float64Array(HEADER).buffer);
  const f = fold.kept ? foldKept(fold) : fold;
  if (!f.exact) return null;
  const b = f.slots;
  const full: number[] = [];
  for (let o = 0; o < b.length; o += SLOTS) if (b[o] !== 0) full.push(o);
  const out = new Float64Array(HEADER + full.length * BUCKET_FIELDS);
  out[0] = full.length ? b[full[0]! + 3]! : 0;
  out[1] = full.length ? b[full.at(-1)! + 4]! : 0;
  out[2] = f.points;
  full.forEach((o, i) => out.set(b.subarray(o, o + BUCKET_FIELDS), HEADER + i * BUCKET_FIELDS));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function registerStepBuckets(raw: BetterSqlite3.Database): void {
  raw.aggregate<Fold | null>('darwin_step_buckets', {
    start: null,
    // the typings allow one argument after the accumulator; SQLite passes all seven
    step: step as unknown as (fold: Fold | null) => Fold,
    result,
    deterministic: true,
    safeIntegers: false,
  });
}

export function registerSqliteFunctions(raw: BetterSqlite3.Database): void {
  registerRegexp(raw);
  registerStepBuckets(raw);
}

/**
 * `darwin_step_buckets` as CommonJS source defining `registerStepBuckets(db)`, for the threads
 * that fold on connections of their own (./sqliteReaders.ts): the same functions as above, as
 * the compiler emitted them (they use nothing but each other and these constants).
 */
export function stepBucketsSource(): string {
  return [
    `const BUCKET_FIELDS = ${BUCKET_FIELDS}, HEADER = ${HEADER}, SLOTS = ${SLOTS}, EXACT_SPAN = ${EXACT_SPAN};`,
    `const exact = ${exact.toString()};`,
    ...[start, step, add, before, foldKept, result, registerStepBuckets].map((fn) => fn.toString()),
  ].join('\n');
}

export interface StepBuckets {
  firstStep: number;
  lastStep: number;
  points: number;
  /** BUCKET_FIELDS figures per bucket */
  buckets: Float64Array[];
}

/** A `darwin_step_buckets` BLOB; null for its NULL. */
export function decodeStepBuckets(blob: Uint8Array | null): StepBuckets | null {
  if (blob === null) return null;
  const all = new Float64Array(new Uint8Array(blob).buffer);
  const buckets: Float64Array[] = [];
  for (let i = HEADER; i < all.length; i += BUCKET_FIELDS) buckets.push(all.subarray(i, i + BUCKET_FIELDS));
  return { firstStep: all[0]!, lastStep: all[1]!, points: all[2]!, buckets };
}
