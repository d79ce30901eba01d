/**
 * SQLite WAL checkpoints on a worker thread (src/db/dialects/sqliteCheckpointer.ts): committed
 * data reaches the database file without a checkpoint inside COMMIT, the WAL is rewound under a
 * steady stream of writes and stays bounded, the thread stops with the database, several
 * connections (processes) can share the file, and acknowledged commits survive kill -9.
 * Small thresholds make every mechanism run within a few hundred transactions.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/dialects/sqlite.js';
import { DEFAULT_CHECKPOINT_OPTIONS, startCheckpointer, walBoundBytes } from '../../src/db/dialects/sqliteCheckpointer.js';
import type { DialectDriver } from '../../src/db/dialects/types.js';

const FRAME = 4096 + 24;
const dirs: string[] = [];

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'db.sqlite');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function createTable(driver: DialectDriver): Promise<void> {
  await driver.writeTransaction((tx) => sql`CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB)`.execute(tx));
}

/** One transaction inserting `rows` rows of `bytes` random bytes each. */
async function insert(driver: DialectDriver, firstId: number, rows = 1, bytes = 3000): Promise<void> {
  await driver.writeTransaction(async (tx) => {
    for (let i = 0; i < rows; i++) await sql`INSERT INTO t (id, payload) VALUES (${firstId + i}, randomblob(${bytes}))`.execute(tx);
  });
}

/**
 * What a reader of the database file alone (without the WAL) sees: the checkpointed rows. A copy
 * taken while a checkpoint is writing pages into the file can hold pages of two states (SQLite
 * reports it malformed); that is `undefined`, "look again", whatever the checkpointer does right.
 */
function checkpointedRows(file: string): number | undefined {
  const copy = `${file}.copy`;
  fs.copyFileSync(file, copy);
  const db = new BetterSqlite3(copy);
  try {
    const table = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get() as { n: number };
    return table.n === 0 ? 0 : (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CORRUPT' || (err as { code?: string }).code === 'SQLITE_NOTADB') return undefined;
    throw err;
  } finally {
    db.close();
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) fs.rmSync(f, { force: true });
  }
}

function walFrames(file: string): number {
  return fs.existsSync(`${file}-wal`) ? Math.max(0, Math.floor((fs.statSync(`${file}-wal`).size - 32) / FRAME)) : 0;
}

async function until(what: string, test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function integrity(file: string): { rows: number; ids: number; check: string } {
  const db = new BetterSqlite3(file);
  try {
    const check = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    const { rows, ids } = db.prepare('SELECT count(*) AS rows, coalesce(max(id), 0) AS ids FROM t').get() as { rows: number; ids: number };
    return { rows, ids, check };
  } finally {
    db.close();
  }
}

/** Worker threads of this process (the diagnostic report lists them, unref'd ones too). */
const workerThreads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;

describe('SQLite checkpoints on a worker thread', () => {
  it('moves committed pages into the database file without checkpointing in COMMIT', async () => {
    const file = tempFile();
    // the connection's own automatic checkpoint would only start at 2 million frames
    const driver = openSqlite({ dialect: 'sqlite', file }, { holdPages: 1_000_000, startDelayMs: 0, coalesceMs: 1 });
    try {
      await createTable(driver);
      for (let i = 1; i <= 20; i++) await insert(driver, i);
      await until('the database file holds the 20 rows', () => checkpointedRows(file) === 20);
    } finally {
      await driver.close();
    }
    expect(integrity(file)).toEqual({ rows: 20, ids: 20, check: 'ok' });
  });

  it('pauses writers until the transaction under way ended, then lets the next one rewind the WAL', async () => {
    const file = tempFile();
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)');
    for (let i = 1; i <= 10; i++) db.prepare('INSERT INTO t VALUES (?, randomblob(3000))').run(i);
    const framesBefore = walFrames(file);
    const failures: unknown[] = [];
    const checkpointer = startCheckpointer(file, { holdPages: 1, coalesceMs: 0, startDelayMs: 0 }, (err) => failures.push(err));
    try {
      checkpointer.began(); // a transaction of ours is under way
      await until('the worker asks writers to pause', () => checkpointer.pause() !== undefined);
      let released = false;
      void checkpointer.pause()?.then(() => (released = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(released).toBe(false);
      checkpointer.ended(false);
      await checkpointer.pause();
      await until('the pause ends', () => released);
      expect(checkpointedRows(file)).toBe(10);
      // every frame is checkpointed: this transaction starts the WAL over
      db.prepare('INSERT INTO t VALUES (11, randomblob(10))').run();
      const log = (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? 0;
      expect(log).toBeLessThan(framesBefore);
      expect(log).toBeLessThanOrEqual(3);
      expect(failures).toEqual([]);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('keeps the WAL bounded under a steady stream of writes, reads going on', async () => {
    const file = tempFile();
    const holdPages = 64;
    const driver = openSqlite({ dialect: 'sqlite', file }, { holdPages, startDelayMs: 0, coalesceMs: 1 });
    let maxFrames = 0;
    const threads = workerThreads();
    try {
      await createTable(driver);
      await until('the checkpointing thread runs', () => workerThreads() === threads + 1);
      for (let i = 0; i < 600; i++) {
        // between requests a server returns to its event loop
        await new Promise((resolve) => setImmediate(resolve));
        await insert(driver, 1 + i * 3, 3);
        if (i % 10 === 0) await sql`SELECT count(*) FROM t`.execute(driver.kysely);
        maxFrames = Math.max(maxFrames, walFrames(file));
      }
    } finally {
      await driver.close();
    }
    // ~5 frames per transaction, 3000 in all. The WAL is rewound from holdPages (or the backstop
    // at 2 × holdPages) on, give or take the transactions that run while the thread is scheduled:
    // at this tiny scale that can be a few times holdPages, never a large part of what was written.
    expect(maxFrames).toBeLessThanOrEqual(10 * holdPages);
    expect(integrity(file)).toEqual({ rows: 1800, ids: 1800, check: 'ok' });
  });

  it('keeps the WAL file under its bound with the default options during sustained large transactions', async () => {
    const file = tempFile();
    const driver = openSqlite({ dialect: 'sqlite', file });
    const rows = 600;
    const transactions = 150;
    let maxBytes = 0;
    try {
      await createTable(driver);
      // one row per page: every transaction rewrites ~600 pages, like a 500-metric log-batch
      await insert(driver, 1, rows);
      for (let i = 0; i < transactions; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        await driver.writeTransaction((tx) => sql`UPDATE t SET payload = randomblob(3000)`.execute(tx));
        maxBytes = Math.max(maxBytes, fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
      }
    } finally {
      await driver.close();
    }
    const transactionBytes = rows * FRAME;
    const bound = walBoundBytes(DEFAULT_CHECKPOINT_OPTIONS, 4096) + transactionBytes;
    // what was written is several times the bound, so an unbounded WAL would exceed it
    expect(transactions * transactionBytes).toBeGreaterThan(4 * bound);
    expect(maxBytes).toBeGreaterThan(0);
    expect(maxBytes).toBeLessThanOrEqual(bound);
    expect(integrity(file)).toEqual({ rows, ids: rows, check: 'ok' });
  });

  it('stops its thread when the database closes, leaving no WAL behind', async () => {
    const file = tempFile();
    const before = workerThreads();
    const driver = openSqlite({ dialect: 'sqlite', file }, { startDelayMs: 0 });
    await createTable(driver);
    await insert(driver, 1);
    await until('the checkpointing thread runs', () => workerThreads() === before + 1);
    await driver.close();
    expect(workerThreads()).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/db/dialects/sqlite.js');
const built = fs.existsSync(dist);
if (!built) console.warn('[darwin-mlflow tests] packages/server/dist is missing (run npm run build): skipping the checkpoint tests with several processes.');

/** A process writing one row per transaction (ids first, first + stride, …), printing each id once committed. */
function writer(file: string, first: number, stride: number, count: number) {
  const script = `
    import { sql } from 'kysely';
    import { openSqlite } from ${JSON.stringify(dist)};
    const driver = openSqlite({ dialect: 'sqlite', file: ${JSON.stringify(file)} }, { holdPages: 64, startDelayMs: 0, coalesceMs: 1 });
    await driver.writeTransaction((tx) => sql\`CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB)\`.execute(tx));
    for (let i = 0; i < ${count}; i++) {
      const id = ${first} + i * ${stride};
      await driver.writeTransaction((tx) => sql\`INSERT INTO t (id, payload) VALUES (\${id}, randomblob(6000))\`.execute(tx));
      process.stdout.write(id + '\\n');
    }
    await driver.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: path.dirname(dist), stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  let pending = '';
  const committed: number[] = [];
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) committed.push(Number(line));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, committed, exited, errors: () => errors };
}

describe.skipIf(!built)('SQLite checkpoints across processes', () => {
  it('shares one file between processes that each checkpoint, without losing a write', async () => {
    const file = tempFile();
    const writers = [writer(file, 1, 2, 300), writer(file, 2, 2, 300)];
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.errors()).join('\n')).toEqual([0, 0]);
    expect(integrity(file)).toEqual({ rows: 600, ids: 600, check: 'ok' });
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('keeps every acknowledged commit when the process dies during checkpoints and pauses', async () => {
    const file = tempFile();
    const w = writer(file, 1, 1, 1_000_000);
    await until('400 commits are acknowledged', () => w.committed.length >= 400 || w.child.exitCode !== null, 60_000);
    w.child.kill('SIGKILL');
    await w.exited;
    expect(w.committed.length, w.errors()).toBeGreaterThanOrEqual(400);
    const after = integrity(file);
    expect(after.check).toBe('ok');
    expect(after.rows).toBeGreaterThanOrEqual(w.committed.length);
    expect(after.rows).toBe(after.ids);
  });
});
