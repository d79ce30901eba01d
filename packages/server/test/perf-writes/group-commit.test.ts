/**
 * SQLite group commit (src/db/dialects/sqliteGroupCommit.ts): write transactions asked for in
 * the same turn of the event loop share one COMMIT, and each keeps its own atomicity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/dialects/sqlite.js';
import type { DialectDriver } from '../../src/db/dialects/types.js';

const dirs: string[] = [];
const drivers: DialectDriver[] = [];

async function open(): Promise<{ driver: DialectDriver; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-group-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const driver = openSqlite({ dialect: 'sqlite', file });
  drivers.push(driver);
  await driver.writeTransaction((tx) => sql`CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`.execute(tx));
  return { driver, file };
}

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function committedIds(file: string): number[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM t ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

describe('SQLite group commit', () => {
  it('runs transactions asked for together in one COMMIT, answering none before it', async () => {
    const { driver, file } = await open();
    // what another connection sees while each job runs: nothing of this group is committed yet
    const seenByOthers: number[][] = [];
    const jobs = Array.from({ length: 10 }, (_, i) =>
      driver.writeTransaction(async (tx) => {
        await sql`INSERT INTO t (id, note) VALUES (${i + 1}, ${`job ${i}`})`.execute(tx);
        seenByOthers.push(committedIds(file));
        return i;
      }),
    );
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seenByOthers).toEqual(Array.from({ length: 10 }, () => []));
    expect(committedIds(file)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('rolls back only the job that fails, which gets its own error', async () => {
    const { driver, file } = await open();
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        driver.writeTransaction(async (tx) => {
          await sql`INSERT INTO t (id, note) VALUES (${i * 10}, 'first')`.execute(tx);
          await sql`INSERT INTO t (id, note) VALUES (${i * 10 + 1}, 'second')`.execute(tx);
          if (i === 2) throw new Error('job 2 refuses after writing');
          // a constraint failure half-way: the job's first row must go too
          if (i === 4) await sql`INSERT INTO t (id, note) VALUES (${i * 10 + 2}, ${null})`.execute(tx);
          return i;
        }),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toBe('job 2 refuses after writing');
    expect((settled[4] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect(committedIds(file)).toEqual([0, 1, 10, 11, 30, 31, 50, 51]);
  });

  it('lets a job see the writes of the jobs before it in its group', async () => {
    const { driver } = await open();
    const first = driver.writeTransaction((tx) => sql`INSERT INTO t (id, note) VALUES (1, 'a')`.execute(tx));
    const second = driver.writeTransaction(async (tx) => {
      const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(tx);
      return Number(rows.rows[0]!.n);
    });
    await first;
    expect(await second).toBe(1);
  });

  it('keeps writing after a group whose jobs all failed', async () => {
    const { driver, file } = await open();
    const failing = Array.from({ length: 3 }, () => driver.writeTransaction((tx) => sql`INSERT INTO missing_table VALUES (1)`.execute(tx)));
    expect((await Promise.allSettled(failing)).every((s) => s.status === 'rejected')).toBe(true);
    await driver.writeTransaction((tx) => sql`INSERT INTO t (id, note) VALUES (7, 'after')`.execute(tx));
    expect(committedIds(file)).toEqual([7]);
  });
});
