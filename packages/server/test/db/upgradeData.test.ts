/**
 * Data carried through the chain, from the MLflow 0.9.1 schema to the head: the data steps
 * (90e64c465722 user tags, 89d4b8295536 latest_metrics) and the table rebuilds keep every row.
 * The expected values are those MLflow 2.12.2's own migrations produce (checked against it).
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ensureSchema, upgradeDatabase } from '../../src/db/migrate.js';
import { HEAD_REVISION } from '../../src/db/schema/revisions.js';
import { testDialects } from '../support/databases.js';
import { createBaseSchema, openFresh, tableRows } from './helpers.js';

async function insertBaseData(database: Database): Promise<void> {
  const db = database.db;
  const key = sql.ref('key');
  await sql`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage)
    VALUES (1, 'e1', '/a/1', 'active'), (2, 'e2', '/a/2', 'deleted')`.execute(db);
  for (const [run, user, status] of [
    ['r1', 'alice', 'FINISHED'],
    ['r2', '', 'RUNNING'],
    ['r3', null, 'FAILED'],
    ['r4', 'bob', 'SCHEDULED'],
  ] as const) {
    await sql`INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, lifecycle_stage, experiment_id)
      VALUES (${run}, ${run}, 'LOCAL', ${user}, ${status}, 1000, 'active', 1)`.execute(db);
  }
  await sql`INSERT INTO tags (${key}, value, run_uuid) VALUES ('mlflow.user', 'already', 'r4'), ('t', 'v', 'r1')`.execute(db);
  await sql`INSERT INTO params (${key}, value, run_uuid) VALUES ('p', 'x', 'r1'), ('q', 'yy', 'r2')`.execute(db);
}

/**
 * Metrics written at 451aebb31d03 (which adds `step`), with ties on step and timestamp. Values
 * are exact in single precision: the 0.9.1 metrics.value is a MySQL FLOAT until 181f10493468.
 */
async function insertMetrics(database: Database): Promise<void> {
  const metrics: Array<[run: string, key: string, value: number, timestamp: number, step: number]> = [
    ['r1', 'loss', 0.5, 10, 0],
    ['r1', 'loss', 0.25, 11, 1],
    ['r1', 'loss', 0.375, 12, 1],
    ['r1', 'loss', 0.75, 5, 2],
    ['r1', 'loss', 0.125, 5, 2],
    ['r1', 'acc', 1, 1, 0],
    ['r2', 'loss', 3, 7, 0],
    ['r2', 'loss', 2, 7, 0],
    ['r3', 'x', -1, 1, 5],
  ];
  for (const [run, k, value, timestamp, step] of metrics) {
    await sql`INSERT INTO metrics (${sql.ref('key')}, value, timestamp, run_uuid, step)
      VALUES (${k}, ${value}, ${timestamp}, ${run}, ${step})`.execute(database.db);
  }
}

/** 0.9.1 schema with data, taken to 451aebb31d03 for metric steps, then to the head. */
async function upgradeWithData(database: Database): Promise<void> {
  await createBaseSchema(database);
  await insertBaseData(database);
  expect(await upgradeDatabase(database, { to: '451aebb31d03' })).toEqual({ from: null, to: '451aebb31d03' });
  await insertMetrics(database);
  expect(await upgradeDatabase(database)).toEqual({ from: '451aebb31d03', to: HEAD_REVISION });
}

for (const dialect of testDialects()) {
  describe(`upgrading data on ${dialect.dialect}`, () => {
    it('keeps rows and derives user tags and latest metrics like MLflow', async () => {
      const open = await openFresh(dialect, 'upgrade_data');
      try {
        const database = open.database;
        await upgradeWithData(database);
        await ensureSchema(database);

        expect(await tableRows(database, 'experiments', ['experiment_id', 'name', 'lifecycle_stage', 'creation_time'])).toEqual([
          ['1', 'e1', 'active', 'null'],
          ['2', 'e2', 'deleted', 'null'],
        ]);
        expect(await tableRows(database, 'runs', ['run_uuid', 'user_id', 'status', 'deleted_time'])).toEqual([
          ['r1', 'alice', 'FINISHED', 'null'],
          ['r2', '', 'RUNNING', 'null'],
          ['r3', 'null', 'FAILED', 'null'],
          ['r4', 'bob', 'SCHEDULED', 'null'],
        ]);
        // 90e64c465722: a mlflow.user tag for each non-empty user_id, unless one exists.
        expect(await tableRows(database, 'tags', ['run_uuid', 'key', 'value'])).toEqual([
          ['r1', 'mlflow.user', 'alice'],
          ['r1', 't', 'v'],
          ['r4', 'mlflow.user', 'already'],
        ]);
        expect(await tableRows(database, 'params', ['run_uuid', 'key', 'value'])).toEqual([
          ['r1', 'p', 'x'],
          ['r2', 'q', 'yy'],
        ]);
        expect(await tableRows(database, 'metrics', ['run_uuid', 'key', 'timestamp', 'step', 'is_nan'])).toEqual([
          ['r1', 'acc', '1', '0', '0'],
          ['r1', 'loss', '10', '0', '0'],
          ['r1', 'loss', '11', '1', '0'],
          ['r1', 'loss', '12', '1', '0'],
          ['r1', 'loss', '5', '2', '0'],
          ['r1', 'loss', '5', '2', '0'],
          ['r2', 'loss', '7', '0', '0'],
          ['r2', 'loss', '7', '0', '0'],
          ['r3', 'x', '1', '5', '0'],
        ]);
        // 89d4b8295536: per run and key, the highest step, then timestamp, then value.
        expect(await tableRows(database, 'latest_metrics', ['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan'])).toEqual([
          ['r1', 'acc', '1', '1', '0', '0'],
          ['r1', 'loss', '0.75', '5', '2', '0'],
          ['r2', 'loss', '3', '7', '0', '0'],
          ['r3', 'x', '-1', '1', '5', '0'],
        ]);
      } finally {
        await open.close();
      }
    });

    it('accepts what the head schema allows after the upgrade', async () => {
      const open = await openFresh(dialect, 'upgrade_after');
      try {
        const database = open.database;
        await upgradeWithData(database);
        const db = database.db;
        // cfd24bdc0731: KILLED is a valid status; 2d6e25af4d3e: 8000-character param values.
        await sql`UPDATE runs SET status = 'KILLED' WHERE run_uuid = 'r2'`.execute(db);
        await sql`INSERT INTO params (${sql.ref('key')}, value, run_uuid) VALUES ('long', ${'v'.repeat(8000)}, 'r1')`.execute(db);
        await expect(sql`UPDATE runs SET status = 'BOGUS' WHERE run_uuid = 'r1'`.execute(db)).rejects.toThrow();
        // 181f10493468: NaN is stored as 0 with is_nan; the flag is part of the primary key.
        await sql`INSERT INTO metrics (${sql.ref('key')}, value, timestamp, run_uuid, step, is_nan)
          VALUES ('acc', 1, 1, 'r1', 0, ${database.dialect === 'postgres' ? sql`true` : sql`1`})`.execute(db);
      } finally {
        await open.close();
      }
    });
  });
}
