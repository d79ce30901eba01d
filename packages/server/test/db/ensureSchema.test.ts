import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { HEAD_2X_REVISION, HEAD_REVISION, ensureDefaultExperiment, ensureSchema, readSchemaGeneration } from '../../src/db/migrate.js';
import { listTables } from '../../src/db/schema/catalog.js';
import type { AnyDb } from '../../src/db/schema/catalog.js';
import { withSchemaLock } from '../../src/db/schema/lock.js';
import { runUpgrade } from '../../src/db/schema/upgrade.js';
import { MLFLOW_2X_TABLES, MLFLOW_TABLES } from '../../src/db/schema/revisions.js';
import type { SchemaGeneration } from '../../src/db/schema/revisions.js';
import { dumpSchema } from '../../src/db/schemaDump.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

for (const dialect of testDialects()) {
  describe(`ensureSchema on ${dialect.dialect}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    });

    async function open(label: string): Promise<{ test: TestDatabase; databases: Database[]; connect: () => Database }> {
      const test = await dialect.create(label);
      const databases: Database[] = [];
      cleanups.push(async () => {
        for (const d of databases) await d.close();
        await test.drop();
      });
      const connect = () => {
        const d = Database.open(test.uri);
        databases.push(d);
        return d;
      };
      return { test, databases, connect };
    }

    it('creates the head schema on an empty database, then does nothing', async () => {
      const { connect } = await open('ensure_empty');
      const database = connect();
      expect(await ensureSchema(database)).toBe('3.x');
      const tables = await listTables(database.db, database.dialect);
      expect(tables).toEqual([...MLFLOW_TABLES, 'alembic_version'].sort());
      const { rows } = await sql<{ version_num: string }>`SELECT version_num FROM alembic_version`.execute(database.db);
      expect(rows).toEqual([{ version_num: HEAD_REVISION }]);
      expect(await ensureSchema(database)).toBe('3.x');
    });

    it('survives several processes starting at once', async () => {
      const { connect } = await open('ensure_race');
      const handles = [connect(), connect(), connect(), connect()];
      await Promise.all(handles.map((d) => ensureSchema(d)));
      await Promise.all(handles.map((d) => ensureDefaultExperiment(d, '/tmp/mlruns/0')));
      const { rows } = await sql<{ n: number | string | bigint }>`SELECT COUNT(*) AS n FROM experiments`.execute(handles[0]!.db);
      expect(Number(rows[0]?.n)).toBe(1);
    });

    // MySQL commits each migration step as it goes: while one replica takes an older database
    // to 3.x's head, another may find it at 2.12.2's head (a served head, every table there).
    it.skipIf(dialect.dialect !== 'mysql')('waits for a migration holding the lock, even one passing 2.12.2\'s head', async () => {
      const { connect } = await open('ensure_midway');
      const migrator = connect();
      const starter = connect();
      await ensureSchema(migrator, { createAt: HEAD_2X_REVISION });
      let settled: SchemaGeneration | Error | undefined;
      const started = await withSchemaLock(migrator, async (conn) => {
        const check = ensureSchema(starter).then(
          (g) => (settled = g),
          (e: Error) => (settled = e),
        );
        // the starter must queue behind the lock rather than settle on what it sees now
        while (settled === undefined && !(await waitingForSchemaLock(conn))) await new Promise((r) => setTimeout(r, 20));
        const settledWhileLocked = settled;
        await runUpgrade(conn, 'mysql', HEAD_2X_REVISION, await listTables(conn, 'mysql'), HEAD_REVISION);
        return { check, settledWhileLocked };
      });
      expect(started.settledWhileLocked).toBeUndefined();
      await started.check;
      expect(settled).toBe('3.x');
      expect(await readSchemaGeneration(starter)).toBe('3.x');
    });

    it('inserts the Default experiment with id 0 and keeps new ids at 1', async () => {
      const { connect } = await open('ensure_default');
      const database = connect();
      await ensureSchema(database);
      const before = Date.now();
      await ensureDefaultExperiment(database, 'file:///tmp/mlruns/0');
      await ensureDefaultExperiment(database, 'file:///other/0');
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM experiments`.execute(database.db);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(Number(row.experiment_id)).toBe(0);
      expect(row.name).toBe('Default');
      expect(row.artifact_location).toBe('file:///tmp/mlruns/0');
      expect(row.lifecycle_stage).toBe('active');
      expect(Number(row.creation_time)).toBeGreaterThanOrEqual(before);
      expect(Number(row.last_update_time)).toBe(Number(row.creation_time));
      await sql`INSERT INTO experiments (name, lifecycle_stage) VALUES ('next', 'active')`.execute(database.db);
      const next = await sql<{ id: unknown }>`SELECT experiment_id AS id FROM experiments WHERE name = 'next'`.execute(database.db);
      expect(Number(next.rows[0]?.id)).toBe(1);
    });

    it('refuses a database at an older revision whose tables all exist', async () => {
      const { connect } = await open('ensure_old');
      const database = connect();
      await ensureSchema(database);
      await sql`UPDATE alembic_version SET version_num = '2d6e25af4d3e'`.execute(database.db);
      await expect(ensureSchema(database)).rejects.toThrow(
        "Detected out-of-date database schema (found version 2d6e25af4d3e, but expected bf29a5ff90ea, or acf3f17fdcc7 for MLflow 2.12.2). Take a backup of your database, then run 'darwin-mlflow db upgrade <database_uri>'",
      );
    });

    it('creates MLflow 2.12.2\'s head when asked, and serves it without touching it', async () => {
      const { connect } = await open('ensure_2x');
      const database = connect();
      expect(await ensureSchema(database, { createAt: HEAD_2X_REVISION })).toBe('2.12.2');
      const tables = await listTables(database.db, database.dialect);
      expect(tables).toEqual([...MLFLOW_2X_TABLES, 'alembic_version'].sort());
      const before = await dumpSchema(database);
      // a later start with the default (3.x) leaves it at 2.12.2's head
      expect(await ensureSchema(connect())).toBe('2.12.2');
      expect(await dumpSchema(database)).toBe(before);
      expect(await readSchemaGeneration(database)).toBe('2.12.2');
    });
  });
}

/** Whether another session on this MySQL database waits in GET_LOCK for the schema lock. */
async function waitingForSchemaLock(conn: AnyDb): Promise<boolean> {
  const { rows } = await sql`
    SELECT 1 AS one FROM information_schema.processlist
    WHERE db = DATABASE() AND info LIKE '%GET_LOCK%darwin_mlflow_schema_%' AND id <> CONNECTION_ID()`.execute(conn);
  return rows.length > 0;
}
