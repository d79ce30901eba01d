/**
 * Run pages as the search store loads them: one IN list per child table on SQLite, lists of 1000
 * ids on MySQL/PostgreSQL, every run with its own data and in page order, on every database;
 * and the semaphore that bounds how many large searches are materialised at once.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonList } from '../../src/http/json.js';
import { presentRunRows } from '../../src/tracking/presenters.js';
import { SearchStore } from '../../src/tracking/store/search.js';
import { Semaphore } from '../../src/util/semaphore.js';
import { testDialects } from '../support/databases.js';
import { bool, insertExperiment, useSearchDatabase } from '../search/searchDb.js';
import type { SearchDb } from '../search/searchDb.js';

/** More runs than one IN list of MySQL/PostgreSQL holds. */
const RUNS = 1234;
const id = (i: number) => `run${String(i).padStart(5, '0')}`;

async function seed(s: SearchDb): Promise<void> {
  await insertExperiment(s, { id: 1, name: 'pages' });
  const indexes = Array.from({ length: RUNS }, (_, i) => i);
  for (let from = 0; from < RUNS; from += 200) {
    const part = indexes.slice(from, from + 200);
    await s.db
      .insertInto('runs')
      .values(
        part.map((i) => ({
          run_uuid: id(i),
          name: `n${i}`,
          source_type: 'UNKNOWN',
          source_name: '',
          entry_point_name: '',
          user_id: 'u',
          status: 'FINISHED',
          start_time: i,
          end_time: null,
          source_version: '',
          lifecycle_stage: 'active',
          artifact_uri: `/a/${i}`,
          experiment_id: 1,
        })),
      )
      .execute();
    await s.db.insertInto('params').values(part.map((i) => ({ run_uuid: id(i), key: 'p', value: `v${i}` }))).execute();
    await s.db.insertInto('tags').values(part.map((i) => ({ run_uuid: id(i), key: 't', value: i % 2 === 0 ? null : `t${i}` }))).execute();
    await s.db
      .insertInto('latest_metrics')
      .values(part.map((i) => ({ run_uuid: id(i), key: 'm', value: i / 4, timestamp: i, step: -i - 1, is_nan: bool(s, false) })))
      .execute();
  }
}

for (const testDialect of testDialects()) {
  describe(`run pages on ${testDialect.dialect}`, () => {
    const get = useSearchDatabase(testDialect, 'run_pages', seed);

    it('loads every run of a page with its own data, in page order', async () => {
      const store = new SearchStore(get().database);
      const page = await store.searchRuns({ experimentIds: ['1'], viewType: 'ACTIVE_ONLY', clauses: [], orderBy: [], offset: 0, limit: RUNS });
      // SQLite writes the wire JSON itself; the other databases go through the presenter
      const runs: any[] = page.json ? parseJsonList(page.json) : page.rows.map(presentRunRows);
      expect(runs).toHaveLength(RUNS);
      runs.forEach((run, n) => {
        const i = RUNS - 1 - n; // start_time DESC
        expect(run.info).toEqual({
          run_uuid: id(i),
          experiment_id: '1',
          run_name: `n${i}`,
          user_id: 'u',
          status: 'FINISHED',
          start_time: i,
          artifact_uri: `/a/${i}`,
          lifecycle_stage: 'active',
          run_id: id(i),
        });
        expect(run.data).toEqual({
          metrics: [{ key: 'm', value: i / 4, timestamp: i, step: -i - 1 }],
          params: [{ key: 'p', value: `v${i}` }],
          tags: [{ key: 't', value: i % 2 === 0 ? '' : `t${i}` }],
        });
        expect(run.inputs).toEqual({});
      });
    });
  });
}

describe('Semaphore', () => {
  it('runs at most `permits` tasks at once, the others in arrival order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const task = (n: number) =>
      semaphore.run(async () => {
        started.push(n);
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        if (n === 1) throw new Error('task 1 fails');
        return n;
      });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(task));
    expect(most).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});
