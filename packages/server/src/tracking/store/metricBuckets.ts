/**
 * Downsampled metric histories for the UI's charts: the step range of one run's metric cut into
 * equal-width buckets, each with its point count, min, max, first and last value and its step
 * and time bounds. NaN points are left out (a chart cannot draw them). On SQLite one pass of
 * `darwin_step_buckets` (../../db/dialects/sqliteFunctions.ts) folds the points; elsewhere, or
 * for steps or timestamps beyond ±2^53, the database groups them and a second statement reads
 * the first and last points of each bucket.
 */
import type { DownsampledMetric } from '@darwin-mlflow/contract';
import { sql } from 'kysely';
import type { Compilable } from 'kysely';
import type { DialectName } from '../../db/backendUri.js';
import type { Database, Db } from '../../db/database.js';
import { int64Column, int64Of, selectArrays } from '../../db/arrayRows.js';
import type { Int64Cell } from '../../db/arrayRows.js';
import { largeRead } from './largeReads.js';
import { EXACT_SPAN, decodeStepBuckets } from '../../db/dialects/sqliteFunctions.js';

export interface StepRange {
  start: bigint;
  end: bigint;
}

/**
 * `(step - start) / width` as integer division in each dialect (MySQL's `/` is decimal, and a
 * string operand would make the difference a double).
 */
function bucketOf(dialect: DialectName, start: bigint, width: bigint) {
  const offset = dialect === 'mysql' ? sql`(${sql.ref('step')} - CAST(${String(start)} AS SIGNED))` : sql`(${sql.ref('step')} - ${String(start)})`;
  return dialect === 'mysql' ? sql<Int64Cell>`${offset} DIV ${String(width)}` : sql<Int64Cell>`${offset} / ${sql.lit(Number(width))}`;
}

const NOT_NAN = sql<boolean>`NOT ${sql.ref('is_nan')}`;

/**
 * `key = ?`, except that SQLite is kept off the primary key: it leads with `key`, so without
 * statistics SQLite walks every run's points of that key (2,000,000 rows for a 100,000-point
 * run among 2,000,000 points) instead of the run's own through `index_metrics_run_uuid`.
 */
function keyIs(dialect: DialectName, key: string) {
  return dialect === 'sqlite' ? sql<boolean>`+${sql.ref('key')} = ${key}` : sql<boolean>`${sql.ref('key')} = ${key}`;
}
const num = (cell: Int64Cell | bigint) => Number(int64Of(cell));

async function bounds(db: Db, dialect: DialectName, runId: string, key: string, range: StepRange | undefined) {
  let query = db
    .selectFrom('metrics')
    .select((eb) => [
      int64Column(dialect, eb.fn.min('step')).as('lo'),
      int64Column(dialect, eb.fn.max('step')).as('hi'),
      eb.fn.countAll().as('n'),
    ])
    .where('run_uuid', '=', runId)
    .where(keyIs(dialect, key))
    .where(NOT_NAN);
  if (range) query = query.where('step', '>=', String(range.start) as never).where('step', '<=', String(range.end) as never);
  const [row] = await selectArrays<[Int64Cell | null, Int64Cell | null, number | string]>(db, query);
  return { lo: row?.[0] ?? null, hi: row?.[1] ?? null, count: Number(row?.[2] ?? 0) };
}

/**
 * SQLite histories up to this many points (of all the run's keys) are held whole to be folded:
 * 24 bytes a point, so at most 24 MB, one statement at a time on SQLite's one connection. On the
 * bench database one pass holding 1,000,000 points took 340-370 ms, the range pass and a folding
 * pass 525-590 ms, the three SQL statements 850-1000 ms.
 */
const HOLD_POINTS = 1_000_000;
const NO_POINTS: DownsampledMetric = { start_step: null, end_step: null, total_count: 0, buckets: [] };

/**
 * `runPoints`: at least the run's point count over all keys (so at least this key's), if known.
 * `fold` runs a `darwin_step_buckets` SELECT (SQLite only), e.g. on a fold thread.
 */
export async function downsampleMetric(
  db: Db,
  dialect: DialectName,
  runId: string,
  key: string,
  range: StepRange | undefined,
  buckets: number,
  runPoints?: number,
  fold: Fold = (query) => selectArrays(db, query),
): Promise<DownsampledMetric> {
  if (dialect === 'sqlite' && runPoints !== undefined && runPoints <= HOLD_POINTS) {
    const folded = await foldedBuckets(db, fold, runId, key, range, buckets, { capacity: runPoints });
    if (folded) return folded;
  }
  const b = await bounds(db, dialect, runId, key, range);
  if (b.lo === null || b.hi === null || b.count === 0) return NO_POINTS;
  const lo = BigInt(b.lo);
  const hi = BigInt(b.hi);
  const span = hi - lo + 1n;
  const width = (span + BigInt(buckets) - 1n) / BigInt(buckets);
  if (dialect === 'sqlite' && lo >= -MAX_EXACT && hi <= MAX_EXACT && hi - lo < BigInt(EXACT_SPAN)) {
    const folded = await foldedBuckets(db, fold, runId, key, { start: lo, end: hi }, Number((hi - lo) / width) + 1, { lo, width });
    if (folded) return folded;
  }
  const bucket = bucketOf(dialect, lo, width);
  const grouped = await selectArrays<[Int64Cell, number | string, number, number, Int64Cell, Int64Cell, Int64Cell, Int64Cell]>(
    db,
    db
      .selectFrom('metrics')
      .select((eb) => [
        bucket.as('b'),
        eb.fn.countAll().as('n'),
        eb.fn.min('value').as('mn'),
        eb.fn.max('value').as('mx'),
        int64Column(dialect, eb.fn.min('step')).as('s0'),
        int64Column(dialect, eb.fn.max('step')).as('s1'),
        int64Column(dialect, eb.fn.min('timestamp')).as('t0'),
        int64Column(dialect, eb.fn.max('timestamp')).as('t1'),
      ])
      .where('run_uuid', '=', runId)
      .where(keyIs(dialect, key))
      .where(NOT_NAN)
      .where('step', '>=', String(lo) as never)
      .where('step', '<=', String(hi) as never)
      .groupBy(sql`1`)
      .orderBy(sql`1`),
  );
  const edgeSteps = [...new Set(grouped.flatMap((r) => [String(r[4]), String(r[5])]))];
  const edges = await edgePoints(db, dialect, runId, key, edgeSteps);
  return {
    start_step: num(b.lo),
    end_step: num(b.hi),
    total_count: b.count,
    buckets: grouped.map(([, n, mn, mx, s0, s1, t0, t1]) => ({
      start_step: num(s0),
      end_step: num(s1),
      start_timestamp: num(t0),
      end_timestamp: num(t1),
      count: Number(n),
      min: Number(mn),
      max: Number(mx),
      first: edges.get(String(s0))?.first ?? Number(mn),
      last: edges.get(String(s1))?.last ?? Number(mx),
    })),
  };
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Runs a one-row aggregate SELECT, giving its rows as arrays. */
type Fold = (query: Compilable<unknown>) => Promise<readonly (readonly unknown[])[]>;

/**
 * SQLite: the answer in one pass of `darwin_step_buckets`, either with the bucket origin and
 * width known, or holding the points to find the range first. Null where a step or timestamp is
 * beyond ±2^53 (the SQL path then answers).
 */
async function foldedBuckets(
  db: Db,
  fold: Fold,
  runId: string,
  key: string,
  range: StepRange | undefined,
  buckets: number,
  how: { lo: bigint; width: bigint } | { capacity: number },
): Promise<DownsampledMetric | null> {
  const [lo, width, capacity] = 'lo' in how ? [Number(how.lo), Number(how.width), 0] : [null, null, how.capacity];
  let query = db
    .selectFrom('metrics')
    .select(sql<Uint8Array | null>`darwin_step_buckets(${lo}, ${width}, ${buckets}, ${capacity}, ${sql.ref('step')}, ${sql.ref('timestamp')}, ${sql.ref('value')})`.as('b'))
    .where('run_uuid', '=', runId)
    .where(keyIs('sqlite', key))
    .where(NOT_NAN);
  if (range) query = query.where('step', '>=', String(range.start) as never).where('step', '<=', String(range.end) as never);
  const [row] = (await fold(query)) as [Uint8Array | null][];
  const folded = decodeStepBuckets(row?.[0] ?? null);
  if (folded === null) return null;
  if (folded.points === 0) return NO_POINTS;
  return { start_step: folded.firstStep, end_step: folded.lastStep, total_count: folded.points, buckets: folded.buckets.map((f) => ({
    start_step: f[3]!,
    end_step: f[4]!,
    start_timestamp: f[5]!,
    end_timestamp: f[6]!,
    count: f[0]!,
    min: f[1]!,
    max: f[2]!,
    first: f[7]!,
    last: f[8]!,
  })) };
}

/** For each step, the value of its earliest and latest point (by timestamp, then value). */
async function edgePoints(db: Db, dialect: DialectName, runId: string, key: string, steps: string[]): Promise<Map<string, { first: number; last: number }>> {
  const out = new Map<string, { first: number; last: number }>();
  const CHUNK = 2000;
  for (let i = 0; i < steps.length; i += CHUNK) {
    const rows = await selectArrays<[Int64Cell, number]>(
      db,
      db
        .selectFrom('metrics')
        .select([int64Column(dialect, sql.ref('step')).as('step'), sql.ref('value').as('value')])
        .where('run_uuid', '=', runId)
        .where(keyIs(dialect, key))
        .where(NOT_NAN)
        .where('step', 'in', steps.slice(i, i + CHUNK) as never[])
        .orderBy('step')
        .orderBy('timestamp')
        .orderBy('value'),
    );
    for (const [step, value] of rows) {
      const k = String(step);
      const seen = out.get(k);
      if (seen) seen.last = Number(value);
      else out.set(k, { first: Number(value), last: Number(value) });
    }
  }
  return out;
}

export class MetricBucketStore {
  constructor(private readonly database: Database) {}

  /**
   * What changes whenever the run's history does, and an upper bound of its point count over all
   * keys (`runPoints` of `downsample`). Points are only ever inserted (never updated, and deleted
   * only with their run), so:
   *  - SQLite: the run's smallest and largest rowid, found at the ends of its entries in
   *    `index_metrics_run_uuid` (a few µs): a new row's rowid is above every row's in the table
   *    (a VACUUM, which may number the rows anew, moves both ends). Its rowids span at least as
   *    many rows as it has; beyond HOLD_POINTS they are counted.
   *  - Elsewhere: the count of its index entries.
   */
  async historyVersion(runId: string): Promise<{ version: string; runPoints: number }> {
    const count = () =>
      this.database.read(async (db) => {
        const [row] = await selectArrays<[number | string]>(db, db.selectFrom('metrics').select((eb) => eb.fn.countAll().as('n')).where('run_uuid', '=', runId));
        return Number(row?.[0] ?? 0);
      });
    if (this.database.dialect !== 'sqlite') {
      const n = await count();
      return { version: String(n), runPoints: n };
    }
    const [[lo, hi] = [null, null]] = await this.database.read((db) =>
      selectArrays<[number | null, number | null]>(
        db,
        db.selectNoFrom([
          sql<number | null>`(SELECT min(rowid) FROM metrics WHERE run_uuid = ${runId})`.as('lo'),
          sql<number | null>`(SELECT max(rowid) FROM metrics WHERE run_uuid = ${runId})`.as('hi'),
        ]),
      ),
    );
    if (lo === null || hi === null) return { version: '0', runPoints: 0 };
    const span = hi - lo + 1;
    return { version: `${lo}:${hi}`, runPoints: span <= HOLD_POINTS ? span : await count() };
  }

  /** `runPoints`: an upper bound of the run's point count (`historyVersion`), if the caller has it. */
  downsample(runId: string, key: string, range: StepRange | undefined, buckets: number, runPoints?: number): Promise<DownsampledMetric> {
    const { dialect } = this.database;
    const fold: Fold = (query) => this.database.foldArrays(query);
    return this.database.read((db) => largeRead(db, dialect, () => downsampleMetric(db, dialect, runId, key, range, buckets, runPoints, fold)));
  }
}
