/**
 * Stateless replicas: three server processes on their own ports, one MariaDB (or PostgreSQL)
 * and one S3 store (s3rver), with concurrent clients spread over them. Every race below must
 * end with no 5xx, no duplicates and no lost acknowledged write, checked row by row; replicas
 * that start at once against an empty or older database migrate it exactly once.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { upgradeDatabase } from '../../src/db/migrate.js';
import { HEAD_REVISION } from '../../src/db/schema/revisions.js';
import { startS3 } from '../artifacts/support.js';
import type { S3TestServer } from '../artifacts/support.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase, TestDialect } from '../support/databases.js';
import { serverBuilt, spawnServer, stopServer } from '../support/serverProcess.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { send } from '../faults/support.js';
import type { Answer } from '../faults/support.js';

const API = '/api/2.0/mlflow';
const ART = '/api/2.0/mlflow-artifacts/artifacts';
const REPLICAS = 3;
const BUCKET = 'darwin-replicas';
const networked = testDialects().filter((d) => d.dialect !== 'sqlite');

describe.skipIf(!serverBuilt || networked.length > 0)('replicas on MariaDB/PostgreSQL', () => {
  it.skip('need the built server and DARWIN_TEST_MYSQL_URI or DARWIN_TEST_POSTGRES_URI', () => undefined);
});

async function startReplicas(database: TestDatabase, s3: S3TestServer): Promise<{ servers: ServerProcess[]; urls: string[] }> {
  const args = ['--backend-store-uri', database.uri, '--artifacts-destination', `s3://${BUCKET}/mlartifacts`];
  // all at once: they race for the schema lock
  const servers = Array.from({ length: REPLICAS }, () => spawnServer(args, s3.env));
  try {
    return { servers, urls: await Promise.all(servers.map((s) => s.listening)) };
  } catch (err) {
    await Promise.all(servers.map(stopServer));
    throw err;
  }
}

async function rows<T>(database: TestDatabase, query: string): Promise<T[]> {
  const db = Database.open(database.uri, { pool: { size: 1 } });
  try {
    return (await sql.raw<T>(query).execute(db.db)).rows;
  } finally {
    await db.close();
  }
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status);
const serverErrors = (answers: Answer[]) => answers.filter((a) => a.status >= 500).map((a) => [a.status, a.body]);

for (const dialect of networked) {
  describe.skipIf(!serverBuilt)(`${REPLICAS} replicas on one ${dialect.dialect} and one S3`, () => {
    let database: TestDatabase;
    let s3: S3TestServer;
    let servers: ServerProcess[] = [];
    let urls: string[] = [];
    /** Request i goes to replica i mod N. */
    const on = (i: number) => urls[i % urls.length] as string;

    beforeAll(async () => {
      s3 = await startS3(BUCKET);
      database = await dialect.create('replicas');
      ({ servers, urls } = await startReplicas(database, s3));
    });
    afterAll(async () => {
      await Promise.all(servers.map(stopServer));
      await database?.drop();
      await s3?.close();
    });

    it('migrated the empty database exactly once', async () => {
      expect(await rows(database, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: HEAD_REVISION }]);
      expect((await rows<{ name: string }>(database, 'SELECT name FROM experiments')).map((r) => r.name)).toEqual(['Default']);
    });

    it('log-batch to one run with the same keys in different orders: all 200, every value kept', async () => {
      const exp = await send(on(0), 'POST', `${API}/experiments/create`, { name: 'batch-race' });
      const runId = (await send(on(1), 'POST', `${API}/runs/create`, { experiment_id: exp.body.experiment_id })).body.run.info.run_id;
      const keys = Array.from({ length: 20 }, (_, k) => `k${k}`);
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const order = i % 2 === 0 ? keys : [...keys].reverse();
          return send(on(i), 'POST', `${API}/runs/log-batch`, {
            run_id: runId,
            metrics: order.map((key) => ({ key, value: i, timestamp: 1000 + i, step: i })),
            tags: order.map((key) => ({ key, value: String(i) })),
          });
        }),
      );
      expect(serverErrors(answers)).toEqual([]);
      expect(statuses(answers)).toEqual(Array(30).fill(200));
      const metricRows = await rows<{ key: string; step: number | string }>(database, `SELECT ${quote(dialect, 'key')}, step FROM metrics WHERE run_uuid = '${runId}'`);
      for (const key of keys) {
        expect(metricRows.filter((r) => r.key === key).map((r) => Number(r.step)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      }
      const latest = await rows<{ key: string; step: number | string }>(database, `SELECT ${quote(dialect, 'key')}, step FROM latest_metrics WHERE run_uuid = '${runId}'`);
      expect(latest.map((r) => [r.key, Number(r.step)]).sort()).toEqual(keys.map((k) => [k, 29]).sort());
      const tags = await rows<{ key: string; value: string }>(database, `SELECT ${quote(dialect, 'key')}, value FROM tags WHERE run_uuid = '${runId}'`);
      const ours = tags.filter((t) => /^k\d+$/.test(t.key));
      expect(ours.map((t) => t.key).sort()).toEqual([...keys].sort());
      for (const t of ours) expect(Number(t.value)).toBeLessThan(30);
    });

    it('same-name experiment and registered model creation: exactly one of each, the rest 400', async () => {
      const experiments = await Promise.all(Array.from({ length: 12 }, (_, i) => send(on(i), 'POST', `${API}/experiments/create`, { name: 'same-name' })));
      const models = await Promise.all(Array.from({ length: 12 }, (_, i) => send(on(i), 'POST', `${API}/registered-models/create`, { name: 'same-model' })));
      for (const answers of [experiments, models]) {
        expect(serverErrors(answers)).toEqual([]);
        expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
        expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.error_code])).toEqual(Array(11).fill([400, 'RESOURCE_ALREADY_EXISTS']));
      }
      expect(await rows(database, "SELECT experiment_id FROM experiments WHERE name = 'same-name'")).toHaveLength(1);
      expect(await rows(database, "SELECT name FROM registered_models WHERE name = 'same-model'")).toHaveLength(1);
    });

    it('parallel model-version creation: versions 1..N, unique and gap-free, each acknowledged once', async () => {
      await send(on(0), 'POST', `${API}/registered-models/create`, { name: 'versions' });
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) => send(on(i), 'POST', `${API}/model-versions/create`, { name: 'versions', source: `s3://${BUCKET}/mlartifacts/m${i}` })),
      );
      expect(serverErrors(answers)).toEqual([]);
      expect(statuses(answers)).toEqual(Array(24).fill(200));
      const acked = answers.map((a) => Number(a.body.model_version.version)).sort((a, b) => a - b);
      expect(acked).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      const stored = await rows<{ version: number | string; source: string }>(database, "SELECT version, source FROM model_versions WHERE name = 'versions'");
      expect(stored.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual(acked);
      // each acknowledged version is the row its request wrote
      for (const a of answers) expect(stored.find((r) => Number(r.version) === Number(a.body.model_version.version))?.source).toBe(a.body.model_version.source);
    });

    it('param overwrite races: the same value always succeeds, of different values exactly one is kept', async () => {
      const exp = await send(on(0), 'POST', `${API}/experiments/create`, { name: 'param-race' });
      const runId = (await send(on(1), 'POST', `${API}/runs/create`, { experiment_id: exp.body.experiment_id })).body.run.info.run_id;
      const same = await Promise.all(Array.from({ length: 12 }, (_, i) => send(on(i), 'POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'same', value: 'v' })));
      expect(statuses(same)).toEqual(Array(12).fill(200));
      const different = await Promise.all(Array.from({ length: 12 }, (_, i) => send(on(i), 'POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'diff', value: `v${i}` })));
      expect(serverErrors(different)).toEqual([]);
      const winners = different.map((a, i) => [a.status, i] as const).filter(([status]) => status === 200);
      expect(winners).toHaveLength(1);
      expect(different.filter((a) => a.status !== 200).map((a) => a.body.error_code)).toEqual(Array(11).fill('INVALID_PARAMETER_VALUE'));
      const stored = await rows<{ key: string; value: string }>(database, `SELECT ${quote(dialect, 'key')}, value FROM params WHERE run_uuid = '${runId}' ORDER BY ${quote(dialect, 'key')}`);
      expect(stored).toEqual([
        { key: 'diff', value: `v${winners[0]?.[1]}` },
        { key: 'same', value: 'v' },
      ]);
    });

    it('uploads of the same artifact path: all 200, one object of one upload\'s size', async () => {
      const bodies = Array.from({ length: 12 }, (_, i) => Buffer.alloc(128 * 1024 + i, i + 1));
      const answers = await Promise.all(bodies.map((body, i) => fetch(`${on(i)}${ART}/race/model.bin`, { method: 'PUT', body }).then((r) => r.status)));
      expect(answers).toEqual(Array(12).fill(200));
      // one object, of one of the uploaded sizes. Whether its bytes are all one upload's is up to
      // the store: S3 replaces objects atomically, but s3rver streams concurrent PUTs of one key
      // into the same file, so the content is not checked here (the local store's atomic
      // rename is checked in test/artifacts).
      const stored = Buffer.from(await (await fetch(`${on(0)}${ART}/race/model.bin`)).arrayBuffer());
      expect(bodies.some((b) => b.length === stored.length)).toBe(true);
      const listing = await send(on(1), 'GET', `${ART}?path=race`);
      expect(listing.body.files).toEqual([{ path: 'model.bin', is_dir: false, file_size: stored.length }]);
    });
  });

  describe.skipIf(!serverBuilt)(`${REPLICAS} replicas starting at once on an older ${dialect.dialect} database`, () => {
    // On MariaDB each migration step commits as it goes: a replica that read the schema without
    // the lock could take 2.12.2's head, passed on the way, as final (see canReadOutsideLock).
    it('migrate it exactly once, keeping its rows', async () => {
      const s3 = await startS3(BUCKET);
      const database = await dialect.create('replicas_old');
      let servers: ServerProcess[] = [];
      try {
        await olderDatabase(dialect, database);
        ({ servers } = await startReplicas(database, s3));
        expect(await rows(database, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: HEAD_REVISION }]);
        // MLflow adds the Default experiment only to a database without any experiment
        expect((await rows<{ name: string }>(database, 'SELECT name FROM experiments ORDER BY name')).map((r) => r.name)).toEqual(['kept']);
      } finally {
        await Promise.all(servers.map(stopServer));
        await database.drop();
        await s3.close();
      }
    });
  });
}

/** A database at a revision that predates some tables (MLflow's start-up migrates those), with a row in it. */
async function olderDatabase(dialect: TestDialect, database: TestDatabase): Promise<void> {
  const db = Database.open(database.uri, { pool: { size: 1 } });
  try {
    await upgradeDatabase(db, { to: '3500859a5d39' });
    await sql.raw("INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('kept', 'mlflow-artifacts:/1', 'active')").execute(db.db);
  } finally {
    await db.close();
  }
  void dialect;
}

function quote(dialect: TestDialect, column: string): string {
  return dialect.dialect === 'mysql' ? `\`${column}\`` : `"${column}"`;
}
