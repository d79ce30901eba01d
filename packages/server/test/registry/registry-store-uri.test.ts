/**
 * `--registry-store-uri` naming another database: registry rows go there (schema created at
 * startup), runs stay in the tracking database and still back local-source checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { API, createModel, createVersion, ok } from './support.js';

describe.each(testDialects())('separate registry database on $dialect', (dialect) => {
  let server: TestServer;
  let registryDb: TestDatabase;

  beforeAll(async () => {
    registryDb = await dialect.create('registry_only');
    server = await startTestApp(dialect, 'registry_tracking', ['--registry-store-uri', registryDb.uri]);
  });
  afterAll(async () => {
    await server?.close();
    await registryDb?.drop();
  });

  it('keeps registry rows in the registry database and checks local sources against tracking runs', async () => {
    const run = (await ok(server.app, 'POST', '/runs/create', { experiment_id: '0' })).run;
    await createModel(server.app, 'elsewhere', { tags: [{ key: 't', value: 'v' }] });
    const version = await createVersion(server.app, 'elsewhere', { source: `${run.info.artifact_uri}/model`, run_id: run.info.run_id });
    expect(version.version).toBe('1');
    const registry = Database.open(registryDb.uri);
    const tracking = Database.open(server.database.uri);
    try {
      expect(await registry.db.selectFrom('model_versions').select('name').execute()).toEqual([{ name: 'elsewhere' }]);
      expect(await tracking.db.selectFrom('registered_models').select('name').execute()).toEqual([]);
      expect(await registry.db.selectFrom('runs').select('run_uuid').execute()).toEqual([]);
    } finally {
      await registry.close();
      await tracking.close();
    }
    const res = await call(server.app, 'GET', `${API}/registered-models/search`);
    expect(res.body.registered_models.map((m: any) => m.name)).toEqual(['elsewhere']);
  });
});
