/**
 * Which experiments each filter and order_by returns, on every database (spec §5.3).
 */
import { describe, expect, it } from 'vitest';
import type { ViewType } from '@darwin-mlflow/contract';
import { compileExperimentSearch, parseExperimentSearch } from '../../src/search/index.js';
import { testDialects } from '../support/databases.js';
import { insertExperiment, useSearchDatabase } from './searchDb.js';
import type { SearchDb } from './searchDb.js';

async function seed(s: SearchDb): Promise<void> {
  await insertExperiment(s, { id: 1, name: 'exp_one', created: 100, updated: 500, tags: { team: 'a', owner: 'x' } });
  await insertExperiment(s, { id: 2, name: 'exp_two', created: 200, updated: 200, tags: { team: 'A' } });
  await insertExperiment(s, { id: 3, name: 'other', created: 200, updated: 300 });
  await insertExperiment(s, { id: 4, name: 'exp_gone', created: 400, stage: 'deleted', tags: { team: 'a' } });
  await insertExperiment(s, { id: 5, name: 'no_times', created: null, updated: null });
}

interface Case {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  expected: number[];
}

const CASES: [string, Case][] = [
  // creation_time DESC (NULLs where the database puts them), then experiment_id ASC
  ['default order, no filter', { filter: 'creation_time > 0', expected: [2, 3, 1] }],
  ['name =', { filter: "name = 'exp_one'", expected: [1] }],
  ['name = is case-sensitive', { filter: "name = 'EXP_ONE'", expected: [] }],
  ['attribute.name !=', { filter: "attribute.name != 'exp_one' AND creation_time > 0", expected: [2, 3] }],
  ['name LIKE', { filter: "name LIKE 'exp%'", expected: [2, 1] }],
  ['name LIKE is case-sensitive', { filter: "name LIKE 'EXP%'", expected: [] }],
  ['name ILIKE', { filter: "name ILIKE 'EXP%'", expected: [2, 1] }],
  ['creation_time', { filter: 'creation_time >= 200', expected: [2, 3] }],
  ['last_update_time with a fraction', { filter: 'attribute.last_update_time < 300.5', expected: [2, 3] }],
  ['tag =', { filter: "tags.team = 'a'", expected: [1] }],
  ['tag = in all views', { filter: "tag.team = 'a'", viewType: 'ALL', expected: [4, 1] }],
  ['tag != skips experiments without it', { filter: "tags.team != 'a'", expected: [2] }],
  ['tag ILIKE and another tag', { filter: "tags.team ILIKE 'A' AND tags.owner = 'x'", expected: [1] }],
  ['DELETED_ONLY', { viewType: 'DELETED_ONLY', expected: [4] }],
  ['order by name', { filter: 'creation_time > 0', orderBy: ['name'], expected: [1, 2, 3] }],
  ['order by name DESC', { filter: "name LIKE 'exp%'", orderBy: ['attribute.name DESC'], expected: [2, 1] }],
  ['tie broken by experiment_id DESC', { filter: 'creation_time = 200', orderBy: ['creation_time'], expected: [3, 2] }],
  ['experiment_id given: no tiebreak added', { filter: 'creation_time = 200', orderBy: ['experiment_id'], expected: [2, 3] }],
  ['last_update_time ASC', { filter: 'creation_time > 0', orderBy: ['last_update_time ASC'], expected: [2, 3, 1] }],
];

for (const testDialect of testDialects()) {
  describe(`experiment search on ${testDialect.dialect}`, () => {
    const get = useSearchDatabase(testDialect, 'experiments_search', seed);

    async function search(c: Case, offset = 0, limit = 100): Promise<number[]> {
      const { db, dialect } = get();
      const parsed = parseExperimentSearch({ filter: c.filter, orderBy: c.orderBy });
      const rows = await compileExperimentSearch(db, dialect, {
        viewType: c.viewType ?? 'ACTIVE_ONLY',
        ...parsed,
        offset: offset + parsed.offset,
        limit,
      }).execute();
      return rows.map((r) => Number(r.experiment_id));
    }

    it.each(CASES)('%s', async (_, c) => {
      expect(await search(c)).toEqual(c.expected);
    });

    it('NULL creation times sort where the database puts NULLs', async () => {
      const ids = await search({ expected: [] });
      expect([...ids].sort()).toEqual([1, 2, 3, 5]);
      // PostgreSQL sorts NULL first in DESC order, SQLite and MySQL last.
      expect(ids.indexOf(5)).toBe(get().dialect === 'postgres' ? 0 : 3);
    });

    it('pages', async () => {
      const c: Case = { filter: 'creation_time > 0', expected: [] };
      expect(await search(c, 0, 2)).toEqual([2, 3]);
      expect(await search(c, 2, 2)).toEqual([1]);
    });
  });
}
