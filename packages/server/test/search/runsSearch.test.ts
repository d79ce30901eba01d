/**
 * Which runs each filter and order_by returns, on every database (spec §5.1, §5.2).
 */
import { describe, expect, it } from 'vitest';
import type { ViewType } from '@darwin-mlflow/contract';
import { compileRunSearch, parseRunSearch } from '../../src/search/index.js';
import { testDialects } from '../support/databases.js';
import { insertExperiment, insertRun, useSearchDatabase } from './searchDb.js';
import type { SearchDb } from './searchDb.js';

async function seed(s: SearchDb): Promise<void> {
  await insertExperiment(s, { id: 1, name: 'first', created: 1 });
  await insertExperiment(s, { id: 2, name: 'second', created: 2 });
  await insertRun(s, {
    id: 'r_a',
    experiment: 1,
    name: 'alpha',
    user: 'alice',
    status: 'FINISHED',
    start: 1000,
    end: 2000,
    artifactUri: 's3://bucket/a',
    metrics: { m0: 0.9, m1: 0.5, acc: 0 },
    params: { p1: 'x', p2: '5', model: 'LinearRegression' },
    tags: { team: 'a', 'mlflow.runName': 'alpha', 'user-name': 'Al' },
    datasets: [{ name: 'ds_train', digest: 'd1', context: 'training' }],
  });
  await insertRun(s, {
    id: 'r_b',
    experiment: 1,
    name: 'beta',
    user: 'bob',
    status: 'RUNNING',
    start: 3000,
    end: null,
    metrics: { m0: 0.1, m1: 0.2, acc: NaN },
    params: { p1: 'X', p2: '6' },
    tags: { team: 'A', 'mlflow.runName': 'Beta' },
    datasets: [
      { name: 'ds_Eval', digest: 'D2', context: 'eval' },
      { name: 'ds_other', digest: 'd3' },
    ],
  });
  await insertRun(s, {
    id: 'r_c',
    experiment: 1,
    name: 'gamma',
    start: 2000,
    end: 2500,
    stage: 'deleted',
    metrics: { m0: 0.5 },
    params: { p2: '5' },
    tags: { team: 'a' },
  });
  await insertRun(s, {
    id: '1234',
    experiment: 1,
    name: null,
    user: 'dave',
    status: 'FAILED',
    start: 2000,
    end: 4000,
    metrics: { m0: 0.3, m1: 0.4 },
    params: { p1: 'xy' },
    tags: { team: 'b', 'mlflow.runName': 'delta' },
  });
  await insertRun(s, { id: 'r_e', experiment: 2, name: 'eps', start: 5000, metrics: { m0: 1 }, tags: { team: 'a' } });
}

interface Case {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  experiments?: (string | number)[];
  expected: string[];
}

const FILTERS: [string, Case][] = [
  ['no filter: start_time DESC, then run_id', { expected: ['r_b', '1234', 'r_a'] }],
  ['ALL view, tie on start_time broken by run_id', { viewType: 'ALL', expected: ['r_b', '1234', 'r_c', 'r_a'] }],
  ['DELETED_ONLY', { viewType: 'DELETED_ONLY', expected: ['r_c'] }],
  ['two experiments', { experiments: [1, '2'], expected: ['r_e', 'r_b', '1234', 'r_a'] }],
  ['unknown experiment ids', { experiments: ['abc', ''], expected: [] }],
  ['metric >', { filter: 'metrics.m0 > 0.2', expected: ['1234', 'r_a'] }],
  ['metric synonym and <=', { filter: 'metric.m1 <= 0.4', expected: ['r_b', '1234'] }],
  ['metric = 0 matches NaN too', { filter: 'metrics.acc = 0', expected: ['r_b', 'r_a'] }],
  ['metric !=, absent key never matches', { filter: 'metrics.acc != 1', expected: ['r_b', 'r_a'] }],
  ['metric with exponent', { filter: 'metrics.m0 >= 9e-1', expected: ['r_a'] }],
  ['param = is case-sensitive', { filter: "params.p1 = 'x'", expected: ['r_a'] }],
  ['param upper case', { filter: "param.p1 = 'X'", expected: ['r_b'] }],
  ['param != skips runs without the key', { filter: "params.p2 != '5'", expected: ['r_b'] }],
  ['param LIKE is case-sensitive', { filter: "params.p1 LIKE 'x%'", expected: ['1234', 'r_a'] }],
  ['param ILIKE', { filter: "params.p1 ilike 'X%'", expected: ['r_b', '1234', 'r_a'] }],
  ['LIKE underscore wildcard', { filter: "params.model LIKE 'Linear_egression'", expected: ['r_a'] }],
  ['double-quoted value', { filter: 'params.model = "LinearRegression"', expected: ['r_a'] }],
  ['tag =', { filter: "tags.team = 'a'", expected: ['r_a'] }],
  ['tag = in all views', { filter: "tags.team = 'a'", viewType: 'ALL', expected: ['r_c', 'r_a'] }],
  ['tag != skips runs without the tag', { filter: "tags.team != 'a'", expected: ['r_b', '1234'] }],
  ['backticked tag key', { filter: "tags.`user-name` = 'Al'", expected: ['r_a'] }],
  ['double-quoted tag key', { filter: 'tags."user-name" LIKE \'A%\'', expected: ['r_a'] }],
  ['key with a dot', { filter: "tags.mlflow.runName = 'delta'", expected: ['1234'] }],
  ['run_name is the mlflow.runName tag', { filter: "attributes.run_name = 'Beta'", expected: ['r_b'] }],
  ['run_name is not the runs.name column', { filter: "run_name = 'beta'", expected: [] }],
  ['`Run name` spelling, ILIKE', { filter: "`Run name` ILIKE 'b%'", expected: ['r_b'] }],
  ['run_id =', { filter: "attribute.run_id = 'r_a'", expected: ['r_a'] }],
  ['run_id IN keeps all-digit ids', { filter: "run_id IN ('r_a', '1234')", expected: ['1234', 'r_a'] }],
  ['run_id IN with an upper-case item', { filter: "run_id IN ('R_A', 'r_b')", expected: ['r_b'] }],
  ['run_id NOT IN', { filter: "run_id NOT IN ('r_a')", expected: ['r_b', '1234'] }],
  ['status = is case-sensitive', { filter: "status = 'finished'", expected: [] }],
  ['status', { filter: "attr.status = 'FINISHED'", expected: ['r_a'] }],
  ['user_id LIKE', { filter: "run.user_id LIKE 'b%'", expected: ['r_b'] }],
  ['artifact_uri', { filter: "artifact_uri LIKE 's3://%'", expected: ['r_a'] }],
  ['created is start_time', { filter: 'created >= 2000', expected: ['r_b', '1234'] }],
  ['start_time with a fraction', { filter: 'start_time > 1999.5', expected: ['r_b', '1234'] }],
  ['start_time = fraction never holds', { filter: 'start_time = 1000.5', expected: [] }],
  ['end_time NULL never matches', { filter: 'end_time > 0', expected: ['1234', 'r_a'] }],
  ['end_time !=', { filter: 'end_time != 2000', expected: ['1234'] }],
  ['dataset name', { filter: "datasets.name = 'ds_train'", expected: ['r_a'] }],
  ['dataset name IN keeps upper case', { filter: "dataset.name IN ('ds_Eval')", expected: ['r_b'] }],
  ['dataset digest != : any input', { filter: "datasets.digest != 'd1'", expected: ['r_b'] }],
  ['dataset context', { filter: "datasets.context = 'eval'", expected: ['r_b'] }],
  ['dataset context NOT IN', { filter: "datasets.context NOT IN ('eval')", expected: ['r_a'] }],
  ['dataset ILIKE', { filter: "datasets.name ILIKE 'DS_%'", expected: ['r_b', 'r_a'] }],
  [
    'several clauses, trailing AND',
    { filter: "metrics.m0 > 0.2 and params.p1 LIKE 'x%' AND tags.team = 'b' AND", expected: ['1234'] },
  ],
  ['two clauses on one key', { filter: 'metrics.m0 > 0.2 AND metrics.m0 < 0.5', expected: ['1234'] }],
  ['infinite value', { filter: 'metrics.m0 < 1e999', expected: ['r_b', '1234', 'r_a'] }],
];

const ORDERS: [string, Case][] = [
  ['metric DESC', { orderBy: ['metrics.m0 DESC'], expected: ['r_a', '1234', 'r_b'] }],
  ['metric ASC', { orderBy: ['metrics.m0'], expected: ['r_b', '1234', 'r_a'] }],
  ['metric: real 0, then NaN, then missing (ASC)', { orderBy: ['metrics.acc ASC'], expected: ['r_a', 'r_b', '1234'] }],
  ['metric: real 0, then NaN, then missing (DESC)', { orderBy: ['metrics.acc DESC'], expected: ['r_a', 'r_b', '1234'] }],
  ['param DESC, missing last', { orderBy: ['params.p2 DESC'], expected: ['r_b', 'r_a', '1234'] }],
  ['param ASC, missing last', { orderBy: ['params.p2 ASC'], expected: ['r_a', 'r_b', '1234'] }],
  ['tag, missing last in both directions', { orderBy: ['tags.`user-name` DESC'], expected: ['r_a', 'r_b', '1234'] }],
  ['end_time ASC, NULL last', { orderBy: ['end_time'], expected: ['r_a', '1234', 'r_b'] }],
  ['end_time DESC, NULL last', { orderBy: ['attributes.end_time DESC'], expected: ['1234', 'r_a', 'r_b'] }],
  ['run_name orders by runs.name, NULL last', { orderBy: ['run_name ASC'], expected: ['r_a', 'r_b', '1234'] }],
  ['created ASC (no start_time tiebreak needed)', { orderBy: ['created'], expected: ['r_a', '1234', 'r_b'] }],
  ['start_time ASC, tie broken by run_id', { orderBy: ['start_time'], viewType: 'ALL', expected: ['r_a', '1234', 'r_c', 'r_b'] }],
  ['two keys', { orderBy: ['params.p2 ASC', 'metrics.m0 DESC'], viewType: 'ALL', expected: ['r_a', 'r_c', 'r_b', '1234'] }],
  ['filter and order', { filter: 'metrics.m1 > 0.1', orderBy: ['metrics.m1 DESC'], expected: ['r_a', '1234', 'r_b'] }],
  ['status then start_time DESC', { orderBy: ['status'], expected: ['1234', 'r_a', 'r_b'] }],
];

for (const testDialect of testDialects()) {
  describe(`run search on ${testDialect.dialect}`, () => {
    const get = useSearchDatabase(testDialect, 'runs_search', seed);

    async function search(c: Case, offset = 0, limit = 100): Promise<string[]> {
      const { db, dialect } = get();
      const parsed = parseRunSearch({ filter: c.filter, orderBy: c.orderBy });
      const rows = await compileRunSearch(db, dialect, {
        experimentIds: c.experiments ?? [1],
        viewType: c.viewType ?? 'ACTIVE_ONLY',
        clauses: parsed.clauses,
        orderBy: parsed.orderBy,
        offset: offset + parsed.offset,
        limit,
      }).execute();
      return rows.map((r) => r.run_uuid);
    }

    it.each(FILTERS)('filter: %s', async (_, c) => {
      expect(await search(c)).toEqual(c.expected);
    });

    it.each(ORDERS)('order_by: %s', async (_, c) => {
      expect(await search(c)).toEqual(c.expected);
    });

    it('pages with offset and limit', async () => {
      const c: Case = { orderBy: ['metrics.m0 DESC'], viewType: 'ALL', expected: [] };
      expect(await search(c, 0, 2)).toEqual(['r_a', 'r_c']);
      expect(await search(c, 2, 2)).toEqual(['1234', 'r_b']);
      expect(await search(c, 4, 2)).toEqual([]);
    });

    it('returns the runs table columns', async () => {
      const { db, dialect } = get();
      const [row] = await compileRunSearch(db, dialect, {
        experimentIds: [1],
        viewType: 'ACTIVE_ONLY',
        clauses: parseRunSearch({ filter: "run_id = 'r_a'" }).clauses,
        orderBy: [],
        offset: 0,
        limit: 10,
      }).execute();
      expect(row).toMatchObject({ run_uuid: 'r_a', name: 'alpha', user_id: 'alice', status: 'FINISHED', lifecycle_stage: 'active' });
      expect(Number(row?.start_time)).toBe(1000);
    });

    it('binds values as parameters, never as SQL text', async () => {
      const { db, dialect } = get();
      const evil = "x'); DROP TABLE runs; --";
      const compiled = compileRunSearch(db, dialect, {
        experimentIds: [1],
        viewType: 'ALL',
        clauses: parseRunSearch({ filter: `params.p1 = "${evil}" AND tags.\`${evil}\` LIKE "%"` }).clauses,
        orderBy: parseRunSearch({ orderBy: [`params.\`${evil}\` DESC`] }).orderBy,
        offset: 0,
        limit: 10,
      }).compile();
      expect(compiled.sql).not.toContain('DROP TABLE');
      expect(compiled.parameters).toContain(evil);
      expect((await db.executeQuery(compiled)).rows).toEqual([]);
    });
  });
}
