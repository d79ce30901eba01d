/**
 * The benchmark search over 2500 runs: right answer (checked against a plain re-implementation
 * of MLflow's semantics) and fast enough, on every database.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { compileRunSearch, parseRunSearch } from '../../src/search/index.js';
import { testDialects } from '../support/databases.js';
import { bool, insertExperiment, useSearchDatabase } from './searchDb.js';
import type { SearchDb } from './searchDb.js';

const RUNS = 2500;

interface Model {
  id: string;
  start: number;
  m0?: number;
  m1: number;
  p2?: string;
  team: string;
}

const runs: Model[] = Array.from({ length: RUNS }, (_, i) => ({
  id: `run${String(i).padStart(5, '0')}`,
  start: 1_700_000_000_000 + (i % 500) * 1000,
  m0: i % 13 === 0 ? undefined : i % 17 === 0 ? NaN : ((i * 37) % 1000) / 1000,
  m1: ((i * 91) % 1000) / 1000,
  p2: i % 7 === 0 ? undefined : String(i % 10),
  team: ['a', 'b', 'A'][i % 3] as string,
}));

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += 250) await insert(rows.slice(i, i + 250));
}

async function seed(s: SearchDb): Promise<void> {
  await insertExperiment(s, { id: 1, name: 'bench', created: 1 });
  await insertChunked(runs, (chunk) =>
    s.db
      .insertInto('runs')
      .values(
        chunk.map((r) => ({
          run_uuid: r.id,
          name: r.id,
          user_id: 'bench',
          status: 'FINISHED',
          start_time: r.start,
          lifecycle_stage: 'active',
          artifact_uri: `/tmp/${r.id}`,
          experiment_id: 1,
          source_type: 'UNKNOWN',
          source_name: '',
          entry_point_name: '',
          source_version: '',
          end_time: null,
          deleted_time: null,
        })),
      )
      .execute(),
  );
  const metrics = runs.flatMap((r) => [
    ...(r.m0 === undefined ? [] : [{ run_uuid: r.id, key: 'm0', value: Number.isNaN(r.m0) ? 0 : r.m0, nan: Number.isNaN(r.m0) }]),
    { run_uuid: r.id, key: 'm1', value: r.m1, nan: false },
  ]);
  await insertChunked(metrics, (chunk) =>
    s.db
      .insertInto('latest_metrics')
      .values(chunk.map((m) => ({ run_uuid: m.run_uuid, key: m.key, value: m.value, timestamp: 1, step: 0, is_nan: bool(s, m.nan) })))
      .execute(),
  );
  const params = runs.flatMap((r) => [
    { run_uuid: r.id, key: 'p1', value: 'x' },
    ...(r.p2 === undefined ? [] : [{ run_uuid: r.id, key: 'p2', value: r.p2 }]),
  ]);
  await insertChunked(params, (chunk) => s.db.insertInto('params').values(chunk).execute());
  const tags = runs.flatMap((r) => [
    { run_uuid: r.id, key: 'team', value: r.team },
    { run_uuid: r.id, key: 'mlflow.runName', value: r.id },
  ]);
  await insertChunked(tags, (chunk) => s.db.insertInto('tags').values(chunk).execute());
  // A live PostgreSQL has statistics (autovacuum analyzes after bulk inserts); without them the
  // planner guesses one row per table and nests loops over the whole tables.
  if (s.dialect === 'postgres') await sql`ANALYZE`.execute(s.db);
}

/** MLflow's semantics, directly: filter, then rank / value / start_time DESC / run_id. */
function expected(): string[] {
  const rank = (r: Model) => (r.m0 === undefined ? 2 : Number.isNaN(r.m0) ? 1 : 0);
  return runs
    .filter((r) => r.m1 > 0.3 && r.p2 !== undefined && r.p2 !== '5' && r.team === 'a')
    .sort(
      (x, y) =>
        rank(x) - rank(y) ||
        (rank(x) === 0 ? (y.m0 as number) - (x.m0 as number) : 0) ||
        y.start - x.start ||
        (x.id < y.id ? -1 : 1),
    )
    .map((r) => r.id);
}

for (const testDialect of testDialects()) {
  describe(`run search over ${RUNS} runs on ${testDialect.dialect}`, () => {
    const get = useSearchDatabase(testDialect, 'runs_scale', seed);

    it('answers the benchmark query correctly and quickly', async () => {
      const { db, dialect } = get();
      const parsed = parseRunSearch({
        filter: "metrics.m1 > 0.3 and params.p2 != '5' and tags.team = 'a'",
        orderBy: ['metrics.m0 DESC'],
      });
      const query = (offset: number, limit: number) =>
        compileRunSearch(db, dialect, { experimentIds: ['1'], viewType: 'ACTIVE_ONLY', ...parsed, offset, limit }).execute();
      await query(0, 1000); // warm up caches and prepared statements
      const started = performance.now();
      const rows = await query(0, 1000);
      const elapsed = performance.now() - started;
      const want = expected();
      expect(want.length).toBeGreaterThan(300);
      expect(rows.map((r) => r.run_uuid)).toEqual(want.slice(0, 1000));
      expect(elapsed).toBeLessThan(2000);
      const page2 = await query(100, 50);
      expect(page2.map((r) => r.run_uuid)).toEqual(want.slice(100, 150));
    });
  });
}
