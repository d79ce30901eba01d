/**
 * SQLite reader threads (src/db/dialects/sqliteReaders.ts, DARWIN_SQLITE_READERS): the JSON
 * reads give the same rows as the main connection (BLOBs byte for byte), see every write
 * acknowledged before them, and report SQL errors as the main connection does. The fold threads
 * (the readers, or without readers threads of their own started at the first fold) run
 * `darwin_step_buckets` with the answers of the main connection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ARRAY_ROWS_MARKER } from '../../src/db/arrayRows.js';
import { defaultReaderCount, openSqlite } from '../../src/db/dialects/sqlite.js';
import { decodeStepBuckets } from '../../src/db/dialects/sqliteFunctions.js';
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

/** Worker threads of this process (the diagnostic report lists them, unref'd ones too). */
const workerThreads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;

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

  it('fold metric points on threads of their own, as the main connection folds them', async () => {
    const driver = await open(0);
    await driver.writeTransaction((tx) => sql`CREATE TABLE p (step INTEGER, ts INTEGER, v REAL)`.execute(tx));
    // 20,000 points in a shuffled step order, several a step, negative steps too
    await driver.writeTransaction(async (tx) => {
      for (let i = 0; i < 20_000; i++) {
        const step = ((i * 7919) % 5000) - 1000;
        await sql`INSERT INTO p VALUES (${step}, ${1_700_000_000_000 + ((i * 104729) % 20_000)}, ${Math.sin(i) * 1000})`.execute(tx);
      }
    });
    const threads = workerThreads();
    const texts = ['SELECT darwin_step_buckets(NULL, NULL, 37, 20000, step, ts, v) FROM p', 'SELECT darwin_step_buckets(-1000, 136, 37, 0, step, ts, v) FROM p WHERE step >= -1000'];
    for (const text of texts) {
      const [[main]] = (await driver.kysely.executeQuery(query(text))).rows as [[Uint8Array]];
      const folded = await Promise.all(Array.from({ length: 4 }, () => driver.foldArrays!(query(text))));
      for (const [[blob]] of folded as [[Uint8Array]][]) expect(decodeStepBuckets(blob)).toEqual(decodeStepBuckets(main));
      expect(decodeStepBuckets(main)).toMatchObject({ firstStep: -1000, lastStep: 3999, points: 20_000 });
    }
    expect(workerThreads()).toBeGreaterThan(threads);
    await expect(driver.foldArrays!(query('SELECT darwin_step_buckets(0, 1, 2, 0, step, ts, v) FROM p'))).rejects.toThrow(/outside the buckets/);
  });

  it('hand a BLOB over as the same bytes, and fold on the readers when there are any', async () => {
    const driver = await open(2);
    await driver.writeTransaction(async (tx) => {
      for (let i = 0; i < 2000; i++) await sql`INSERT INTO t (id, name) VALUES (${i}, ${`ñame-${i}-${'x'.repeat(100)}`})`.execute(tx);
    });
    const text = "SELECT CAST(group_concat(name, ',') AS BLOB), count(*) FROM t";
    const [[main]] = (await driver.kysely.executeQuery(query(text))).rows as [[Uint8Array, number]];
    expect(main.byteLength).toBeGreaterThan(200_000);
    for (const [[bytes, count]] of (await Promise.all(Array.from({ length: 4 }, () => driver.offloadArrays!(query(text))))) as [[Uint8Array, number]][]) {
      expect(Buffer.from(bytes).equals(Buffer.from(main))).toBe(true);
      expect(count).toBe(2000);
    }
    await driver.writeTransaction((tx) => sql`CREATE TABLE p (step INTEGER, ts INTEGER, v REAL)`.execute(tx));
    await driver.writeTransaction((tx) => sql`INSERT INTO p VALUES (1, 10, 0.5), (2, 20, 1.5)`.execute(tx));
    const threads = workerThreads();
    const [[blob]] = (await driver.foldArrays!(query('SELECT darwin_step_buckets(NULL, NULL, 4, 8, step, ts, v) FROM p'))) as [[Uint8Array]];
    expect(decodeStepBuckets(blob)).toMatchObject({ firstStep: 1, lastStep: 2, points: 2 });
    // the two readers read and fold: no fold threads of their own
    expect(workerThreads()).toBe(threads);
  });

  it('are off by default and set by DARWIN_SQLITE_READERS', () => {
    expect(defaultReaderCount({})).toBe(0);
    expect(defaultReaderCount({ DARWIN_SQLITE_READERS: '2' })).toBe(2);
    expect(defaultReaderCount({ DARWIN_SQLITE_READERS: 'many' })).toBe(0);
  });
});
