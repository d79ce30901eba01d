/**
 * Which registered models and model versions each filter and order_by returns, on every
 * database (spec §5.4, §5.5).
 */
import { describe, expect, it } from 'vitest';
import {
  compileModelVersionSearch,
  compileRegisteredModelSearch,
  parseModelVersionSearch,
  parseRegisteredModelSearch,
} from '../../src/search/index.js';
import { testDialects } from '../support/databases.js';
import { useSearchDatabase } from './searchDb.js';
import type { SearchDb } from './searchDb.js';

interface VersionSeed {
  version: number;
  runId: string;
  source: string;
  stage?: string;
  created: number;
  updated: number;
  tags?: Record<string, string>;
}

async function insertModel(
  s: SearchDb,
  name: string,
  updated: number,
  tags: Record<string, string>,
  versions: VersionSeed[],
): Promise<void> {
  await s.db.insertInto('registered_models').values({ name, creation_time: 1, last_updated_time: updated, description: '' }).execute();
  for (const [key, value] of Object.entries(tags)) {
    await s.db.insertInto('registered_model_tags').values({ name, key, value }).execute();
  }
  for (const v of versions) {
    await s.db
      .insertInto('model_versions')
      .values({
        name,
        version: v.version,
        creation_time: v.created,
        last_updated_time: v.updated,
        description: '',
        user_id: null,
        current_stage: v.stage ?? 'None',
        source: v.source,
        run_id: v.runId,
        status: 'READY',
        status_message: null,
        run_link: '',
        storage_location: v.source,
      })
      .execute();
    for (const [key, value] of Object.entries(v.tags ?? {})) {
      await s.db.insertInto('model_version_tags').values({ name, version: v.version, key, value }).execute();
    }
  }
}

async function seed(s: SearchDb): Promise<void> {
  await insertModel(s, 'model_a', 300, { env: 'prod', owner: 'x' }, [
    { version: 1, runId: 'run1', source: 's3://a/1', created: 10, updated: 100, tags: { t: 'x' } },
    { version: 2, runId: 'run2', source: 's3://a/2', stage: 'Production', created: 20, updated: 300 },
    { version: 3, runId: 'run1', source: 's3://a/3', stage: 'Deleted_Internal', created: 30, updated: 400, tags: { t: 'x' } },
  ]);
  await insertModel(s, 'model_b', 100, { env: 'Prod' }, [
    { version: 1, runId: 'ABC1', source: 'file:///b/1', created: 15, updated: 200, tags: { t: 'X' } },
  ]);
  await insertModel(s, 'model_c', 200, {}, [
    { version: 1, runId: '', source: 'models:/model_a/1', created: 5, updated: 100, tags: { t: 'x', u: 'y' } },
  ]);
}

const MODELS: [string, { filter?: string; orderBy?: string[]; expected: string[] }][] = [
  ['no filter: name ASC', { expected: ['model_a', 'model_b', 'model_c'] }],
  ['name =', { filter: "name = 'model_b'", expected: ['model_b'] }],
  ['name = is case-sensitive', { filter: "name = 'MODEL_B'", expected: [] }],
  ['name LIKE gets no implicit wildcards', { filter: "name LIKE 'model'", expected: [] }],
  ['name like (any case)', { filter: "attribute.name like 'model_%'", expected: ['model_a', 'model_b', 'model_c'] }],
  ['name ILIKE', { filter: "name ILIKE 'MODEL_A'", expected: ['model_a'] }],
  ['name !=', { filter: "name != 'model_a'", expected: ['model_b', 'model_c'] }],
  ['tag = is case-sensitive', { filter: "tags.env = 'prod'", expected: ['model_a'] }],
  ['tag ILIKE', { filter: "tag.env ilike 'PROD'", expected: ['model_a', 'model_b'] }],
  ['tag != skips models without it', { filter: "tags.env != 'prod'", expected: ['model_b'] }],
  ['all tag clauses must hold', { filter: "tags.env = 'prod' AND tags.owner = 'x'", expected: ['model_a'] }],
  ['two clauses on one tag', { filter: "tags.env LIKE 'P%' AND tags.env != 'Prod'", expected: [] }],
  ['name and tag', { filter: "name LIKE '%b' AND tags.env = 'Prod'", expected: ['model_b'] }],
  ['order by timestamp DESC', { orderBy: ['timestamp DESC'], expected: ['model_a', 'model_c', 'model_b'] }],
  ['order by last_updated_timestamp', { orderBy: ['last_updated_timestamp'], expected: ['model_b', 'model_c', 'model_a'] }],
  ['order by name DESC', { orderBy: ['name DESC'], expected: ['model_c', 'model_b', 'model_a'] }],
];

const VERSIONS: [string, { filter?: string; orderBy?: string[]; expected: string[] }][] = [
  // last_updated_timestamp DESC, name ASC, version_number DESC; soft-deleted a/3 never shows
  ['no filter', { expected: ['model_a/2', 'model_b/1', 'model_a/1', 'model_c/1'] }],
  ['name =', { filter: "name = 'model_a'", expected: ['model_a/2', 'model_a/1'] }],
  ['name = is case-sensitive', { filter: "name = 'Model_A'", expected: [] }],
  ['run_id =', { filter: "run_id = 'run1'", expected: ['model_a/1'] }],
  ['run_id IN keeps upper-case ids', { filter: "run_id IN ('run1', 'ABC1')", expected: ['model_b/1', 'model_a/1'] }],
  ['run_id IN is case-sensitive', { filter: "run_id IN ('abc1')", expected: [] }],
  ['run_id empty', { filter: "run_id = ''", expected: ['model_c/1'] }],
  ['source_path LIKE', { filter: "source_path LIKE 's3://%'", expected: ['model_a/2', 'model_a/1'] }],
  ['source_path ILIKE', { filter: "attribute.source_path ilike 'FILE:%'", expected: ['model_b/1'] }],
  ['version_number >', { filter: 'version_number > 1', expected: ['model_a/2'] }],
  ['version_number quoted', { filter: "version_number = '1'", expected: ['model_b/1', 'model_a/1', 'model_c/1'] }],
  ['version_number fraction', { filter: 'version_number < 1.5', expected: ['model_b/1', 'model_a/1', 'model_c/1'] }],
  ['tag =', { filter: "tags.t = 'x'", expected: ['model_a/1', 'model_c/1'] }],
  ['tag ILIKE', { filter: "tags.t ILIKE 'x'", expected: ['model_b/1', 'model_a/1', 'model_c/1'] }],
  ['all tag clauses must hold', { filter: "tags.t = 'x' AND tags.u = 'y'", expected: ['model_c/1'] }],
  ['order by version_number', { orderBy: ['version_number'], expected: ['model_a/1', 'model_b/1', 'model_c/1', 'model_a/2'] }],
  ['order by creation_timestamp DESC', { orderBy: ['creation_timestamp DESC'], expected: ['model_a/2', 'model_b/1', 'model_a/1', 'model_c/1'] }],
  ['order by name DESC', { orderBy: ['name DESC'], expected: ['model_c/1', 'model_b/1', 'model_a/2', 'model_a/1'] }],
];

for (const testDialect of testDialects()) {
  describe(`registry search on ${testDialect.dialect}`, () => {
    const get = useSearchDatabase(testDialect, 'registry_search', seed);

    it.each(MODELS)('registered models: %s', async (_, c) => {
      const { db, dialect } = get();
      const parsed = parseRegisteredModelSearch({ filter: c.filter, orderBy: c.orderBy });
      const rows = await compileRegisteredModelSearch(db, dialect, { ...parsed, limit: 100 }).execute();
      expect(rows.map((r) => r.name)).toEqual(c.expected);
    });

    it.each(VERSIONS)('model versions: %s', async (_, c) => {
      const { db, dialect } = get();
      const parsed = parseModelVersionSearch({ filter: c.filter, orderBy: c.orderBy });
      const rows = await compileModelVersionSearch(db, dialect, { ...parsed, limit: 100 }).execute();
      expect(rows.map((r) => `${r.name}/${Number(r.version)}`)).toEqual(c.expected);
    });

    it('pages with the offset of a token', async () => {
      const { db, dialect } = get();
      const parsed = parseModelVersionSearch({ pageToken: 'eyJvZmZzZXQiOiAyfQ==' });
      expect(parsed.offset).toBe(2);
      const rows = await compileModelVersionSearch(db, dialect, { ...parsed, limit: 3 }).execute();
      expect(rows.map((r) => `${r.name}/${Number(r.version)}`)).toEqual(['model_a/1', 'model_c/1']);
    });
  });
}
