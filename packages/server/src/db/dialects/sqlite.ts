/**
 * SQLite via better-sqlite3 (synchronous, in-process). WAL with synchronous=NORMAL keeps every
 * acknowledged commit across a process kill; busy_timeout lets several server processes share
 * the file. Statements are prepared once and cached. Integers are read as bigint so int64
 * values keep full precision (see ../ints.ts). WAL checkpoints run on a worker thread
 * (./sqliteCheckpointer.ts), not inside COMMIT on the event loop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CompiledQuery } from 'kysely';
import type { Tables } from '../tables.js';
import type { SqliteTarget } from '../backendUri.js';
import type { DialectDriver, ErrorKind } from './types.js';
import { DEFAULT_AUTOCHECKPOINT_PAGES, DEFAULT_CHECKPOINT_OPTIONS, startCheckpointer, walBoundBytes } from './sqliteCheckpointer.js';
import type { CheckpointOptions, Checkpointer } from './sqliteCheckpointer.js';
import { ARRAY_ROWS_MARKER } from '../arrayRows.js';
import { sqliteStreams } from './sqliteStreams.js';
import { groupCommit } from './sqliteGroupCommit.js';
import { sqliteReaders } from './sqliteReaders.js';
import { registerSqliteFunctions, stepBucketsSource } from './sqliteFunctions.js';

const STATEMENT_CACHE_SIZE = 1000;

/** Prepared statements of one connection, cached by SQL text. */
export interface SqliteStatements {
  prepare(sqlText: string): BetterSqlite3.Statement;
}

// The write transaction's Kysely handle -> its connection, for the bulk writers in ../upsert.ts
const transactionConnections = new WeakMap<object, SqliteStatements>();

/**
 * The connection behind a SQLite write transaction's handle, for statements that are cheaper
 * run directly (one prepared single-row INSERT per row instead of a multi-row INSERT, which
 * needs a statement journal). Undefined outside a SQLite write transaction.
 */
export function sqliteTransactionStatements(tx: object): SqliteStatements | undefined {
  return transactionConnections.get(tx);
}

/** How long a statement waits for another process's write lock before answering 503. */
const DEFAULT_BUSY_TIMEOUT_MS = 20_000;

/**
 * Reader threads for the large JSON reads (./sqliteReaders.ts), from DARWIN_SQLITE_READERS (at
 * most 8). None by default. Since pages and histories come back as bytes moved between threads,
 * two readers make those reads 40-90% faster on two cores, but the bench's peak RSS is then
 * 246-250 MB (threads' malloc arenas keep ~18 MB each), against a budget of 250 MB
 * (docs/benchmarks.md, "Replies as bytes").
 */
export function defaultReaderCount(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.DARWIN_SQLITE_READERS?.trim();
  return set !== undefined && /^\d+$/.test(set) ? Math.min(8, Number(set)) : 0;
}

/**
 * Threads that run the folds of long metric histories for charts (`darwin_step_buckets`, about
 * 0.45 µs a point): a chart of ten runs asks for ten at once, and on the event loop they ran one
 * after another, with every other request waiting behind each. The reader threads fold when there
 * are any; else these are started at the first fold, so a server nobody charts on never has them.
 * Their memory is the points of one fold each (24 bytes a point, see
 * ../../tracking/store/metricBuckets.ts).
 */
const FOLD_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));

export function openSqlite(target: SqliteTarget, checkpointOptions: Partial<CheckpointOptions> = {}, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS, readerCount = defaultReaderCount()): DialectDriver {
  if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const raw = new BetterSqlite3(target.file);
  // first: switching to WAL takes a lock another process opening the file may hold
  raw.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  const journalMode = raw.pragma('journal_mode = WAL', { simple: true });
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // MLflow's string comparisons in search are case-sensitive on every backend
  raw.pragma('case_sensitive_like = ON');
  registerSqliteFunctions(raw);
  const statements = cachingDatabase(raw);
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: statements }) });
  const checkpoints = journalMode === 'wal' ? walCheckpoints(raw, target.file, { ...DEFAULT_CHECKPOINT_OPTIONS, ...checkpointOptions }) : undefined;
  const streams = sqliteStreams(target.file, busyTimeoutMs, (sqlText) => statements.prepare(sqlText));
  const onConnection = async (query: CompiledQuery) => (await kysely.executeQuery<unknown[]>(query)).rows as unknown[][];
  const withStepBuckets = `${stepBucketsSource()}\nregisterStepBuckets(db);`;
  const readers = sqliteReaders(target.file, readerCount, busyTimeoutMs, onConnection, withStepBuckets);
  const folds = readerCount > 0 ? readers : sqliteReaders(target.file, FOLD_THREADS, busyTimeoutMs, onConnection, withStepBuckets);
  const writeTransaction = groupCommit<Kysely<Tables>>(raw, {
    withConnection: (fn) => kysely.connection().execute(fn),
    beforeBegin: () => checkpoints?.pause(),
    began(conn) {
      checkpoints?.began();
      transactionConnections.set(conn, statements);
    },
    ended(conn, committed) {
      transactionConnections.delete(conn);
      checkpoints?.ended(committed);
    },
  });
  return {
    name: 'sqlite',
    kysely,
    writeTransaction,
    classifyError,
    streamArrays: (query, chunkRows) => streams.stream(query, chunkRows),
    offloadArrays: (query) => readers.readArrays(query),
    foldArrays: (query) => folds.readArrays(query),
    // one connection, in this process
    poolUsage: () => ({ used: raw.inTransaction ? 1 : 0, idle: raw.inTransaction ? 0 : 1, waiting: 0 }),
    async close() {
      // the worker's connection first, so that closing ours (the last) checkpoints and removes the WAL
      await checkpoints?.stop();
      streams.close();
      await readers.close();
      await folds.close();
      await kysely.destroy();
    },
  };
}

/**
 * Starts the checkpointing thread shortly after the first commit and hands it the WAL; the
 * connection's own automatic checkpoint stays on as a backstop (see ./sqliteCheckpointer.ts).
 */
function walCheckpoints(raw: BetterSqlite3.Database, file: string, options: CheckpointOptions) {
  let worker: Checkpointer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const start = () => {
    timer = undefined;
    if (closed) return;
    worker = startCheckpointer(file, options, () => {
      worker = undefined;
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    });
    // the backstop that bounds the WAL if the thread falls behind
    raw.pragma(`wal_autocheckpoint = ${2 * options.holdPages}`);
    // when the WAL is rewound, a file grown by one huge transaction is truncated to this (bytes)
    raw.pragma(`journal_size_limit = ${walBoundBytes(options, raw.pragma('page_size', { simple: true }) as number)}`);
  };
  return {
    pause: () => worker?.pause(),
    began: () => worker?.began(),
    ended(committed: boolean) {
      if (worker) worker.ended(committed);
      else if (committed && !timer && !closed) timer = setTimeout(start, options.startDelayMs).unref();
    },
    async stop() {
      closed = true;
      if (timer) clearTimeout(timer);
      const stopping = worker;
      worker = undefined;
      await stopping?.stop();
    },
  };
}

/** A better-sqlite3 handle whose prepare() reuses statements (Kysely prepares per query). */
function cachingDatabase(raw: BetterSqlite3.Database) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt === undefined) {
        stmt = raw.prepare(sqlText);
        // bulk reads marked by ../arrayRows.ts: arrays of plain values, int64 beyond 2^53 as text
        if (stmt.reader && sqlText.startsWith(ARRAY_ROWS_MARKER)) stmt.raw(true);
        else if (stmt.reader) stmt.safeIntegers(true);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}

function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return 'other';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreignKey';
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'data';
  // a stale read snapshot or a recovering WAL: running the transaction again succeeds
  if (code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_BUSY_RECOVERY') return 'transient';
  // another process held the lock past busy_timeout, or the file cannot be written now
  // (read-only, moved or deleted underneath, disk full, I/O error): 503, not 500
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_READONLY')) return 'unavailable';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PROTOCOL') return 'unavailable';
  return 'other';
}
