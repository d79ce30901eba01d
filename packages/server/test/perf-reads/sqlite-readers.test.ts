/**
 * SQLite reader threads (src/db/dialects/sqliteReaders.ts, DARWIN_SQLITE_READERS): the JSON
 * reads give the same rows as the main connection, see every write acknowledged before them, and
 * report SQL errors as the main connection does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ARRAY_ROWS_MARKER } from '../../src/db/arrayRows.js';
import { defaultReaderCount, openSqlite } from '../../src/db/dialects/sqlite.js';
import type { DialectDriver } from '../../src/db/dialects/types.js';

const dirs: string[] = [];
const drivers: DialectDriver[] = [];

async function open(readers: number): Promise<DialectDriver> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-readers-'));
  dirs.push(dir);
  const driver = openSqlite({ dialect: 'sqlite', file: path.join(dir, 'db.sqlite') }, {}, undefined, readers);
  drivers.push(driver);
  await driver.writeTransaction((tx) => sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, big INTEGER)`.execute(tx));
  return driver;
}

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const query = (text: string, parameters: unknown[] = []) => CompiledQuery.raw(ARRAY_ROWS_MARKER + text, parameters);

describe('SQLite reader threads', () => {
  it('read the rows the main connection reads, including writes acknowledged just before', async () => {
    const driver = await open(2);
    for (let i = 1; i <= 50; i++) {
      await driver.writeTransaction((tx) => sql`INSERT INTO t (id, name, big) VALUES (${i}, ${`n${i}`}, ${9007199254740993n})`.execute(tx));
      // each read is asked for right after its write was acknowledged, and sees it
      const [[count]] = (await driver.offloadArrays!(query('SELECT count(*) FROM t'))) as [[number]];
      expect(count).toBe(i);
    }
    const text = "SELECT id, name, CAST(big AS TEXT), json_object('id', id) FROM t WHERE name LIKE ? ORDER BY id";
    const main = (await driver.kysely.executeQuery(query(text, ['n1%']))).rows;
    const offloaded = await Promise.all(Array.from({ length: 8 }, () => driver.offloadArrays!(query(text, ['n1%']))));
    for (const rows of offloaded) expect(rows).toEqual(main);
    expect(main).toHaveLength(11);
    // LIKE is case-sensitive there too, as MLflow's search needs
    expect(await driver.offloadArrays!(query('SELECT count(*) FROM t WHERE name LIKE ?', ['N1%']))).toEqual([[0]]);
  });

  it('answer a bad statement with SQLite error code, and keep serving', async () => {
    const driver = await open(1);
    await expect(driver.offloadArrays!(query('SELECT * FROM missing'))).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    expect(await driver.offloadArrays!(query('SELECT 1 + 1'))).toEqual([[2]]);
  });

  it('are off by default and set by DARWIN_SQLITE_READERS', () => {
    expect(defaultReaderCount({})).toBe(0);
    expect(defaultReaderCount({ DARWIN_SQLITE_READERS: '2' })).toBe(2);
    expect(defaultReaderCount({ DARWIN_SQLITE_READERS: 'many' })).toBe(0);
  });
});
