/**
 * ensureSchema against databases that are not empty and not at the head, as MLflow's startup
 * treats them: missing MLflow tables mean "initialise" (create what is missing, then migrate),
 * all tables present at an older revision mean "refuse to start".
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ensureSchema, upgradeDatabase } from '../../src/db/migrate.js';
import { HEAD_2X_REVISION, HEAD_REVISION } from '../../src/db/schema/revisions.js';
import { dumpSchema } from '../../src/db/schemaDump.js';
import { testDialects } from '../support/databases.js';
import { openFresh } from './helpers.js';

async function revisionOf(database: Database): Promise<string[]> {
  const { rows } = await sql<{ v: string }>`SELECT version_num AS v FROM alembic_version`.execute(database.db);
  return rows.map((r) => r.v);
}

for (const dialect of testDialects()) {
  describe(`ensureSchema on a non-empty ${dialect.dialect} database`, () => {
    it('migrates a database whose revision predates some tables (MLflow does the same)', async () => {
      const open = await openFresh(dialect, 'states_partial');
      try {
        await upgradeDatabase(open.database, { to: '3500859a5d39' });
        await ensureSchema(open.database);
        expect(await revisionOf(open.database)).toEqual([HEAD_REVISION]);
      } finally {
        await open.close();
      }
    });

    it('refuses, with MLflow message, a database that has every table but an old revision', async () => {
      const open = await openFresh(dialect, 'states_old');
      try {
        await upgradeDatabase(open.database, { to: '7f2a7d5fae7d' });
        await expect(ensureSchema(open.database)).rejects.toThrow(
          "Detected out-of-date database schema (found version 7f2a7d5fae7d, but expected bf29a5ff90ea, or acf3f17fdcc7 for MLflow 2.12.2). Take a backup of your database, then run 'darwin-mlflow db upgrade <database_uri>' to migrate your database to the latest schema.",
        );
        await upgradeDatabase(open.database);
        await ensureSchema(open.database);
      } finally {
        await open.close();
      }
    });

    it('finishes a fresh install that was cut short', async () => {
      const open = await openFresh(dialect, 'states_cut');
      const complete = await openFresh(dialect, 'states_complete');
      try {
        await ensureSchema(complete.database);
        await ensureSchema(open.database, { createAt: HEAD_2X_REVISION });
        // What a crash part-way through the (non-transactional on MySQL) 2.12.2 head DDL, the
        // first part of a fresh install, leaves.
        for (const table of ['input_tags', 'inputs', 'datasets', 'registered_model_aliases']) {
          await sql`DROP TABLE ${sql.table(table)}`.execute(open.database.db);
        }
        await sql`DELETE FROM alembic_version`.execute(open.database.db);
        await ensureSchema(open.database);
        expect(await dumpSchema(open.database)).toBe(await dumpSchema(complete.database));
      } finally {
        await open.close();
        await complete.close();
      }
    });

    it('refuses a revision between the two heads, and db upgrade takes it to 3.x', async () => {
      const open = await openFresh(dialect, 'states_between');
      try {
        await upgradeDatabase(open.database, { to: '400f98739977' });
        await expect(ensureSchema(open.database)).rejects.toThrow('found version 400f98739977');
        expect(await upgradeDatabase(open.database)).toEqual({ from: '400f98739977', to: HEAD_REVISION });
        expect(await ensureSchema(open.database)).toBe('3.x');
      } finally {
        await open.close();
      }
    });

    it('db upgrade moves a served 2.12.2 head to the 3.x head', async () => {
      const open = await openFresh(dialect, 'states_2x_up');
      try {
        expect(await ensureSchema(open.database, { createAt: HEAD_2X_REVISION })).toBe('2.12.2');
        expect(await upgradeDatabase(open.database)).toEqual({ from: HEAD_2X_REVISION, to: HEAD_REVISION });
        expect(await ensureSchema(open.database)).toBe('3.x');
      } finally {
        await open.close();
      }
    });

    it('ignores tables that are not MLflow tables', async () => {
      const open = await openFresh(dialect, 'states_extra');
      try {
        await sql`CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(255))`.execute(open.database.db);
        await ensureSchema(open.database);
        await ensureSchema(open.database);
        expect(await revisionOf(open.database)).toEqual([HEAD_REVISION]);
      } finally {
        await open.close();
      }
    });
  });
}
