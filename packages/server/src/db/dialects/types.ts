import type { CompiledQuery, Kysely } from 'kysely';
import type { DialectName } from '../backendUri.js';
import type { Tables } from '../tables.js';

/**
 * How a driver error should be treated. `transient`: the transaction was rolled back by a
 * conflict (deadlock, serialization failure, lock wait) and may simply run again. `unavailable`:
 * the database cannot be reached or used right now (connection refused or lost, timeouts, a
 * locked or read-only SQLite file): answered as 503 at once, since whether a statement sent on
 * a lost connection was applied is unknown.
 */
export type ErrorKind = 'unique' | 'foreignKey' | 'data' | 'transient' | 'unavailable' | 'other';

export interface PoolOptions {
  /** Connections per process (MLFLOW_SQLALCHEMYSTORE_POOL_SIZE + _MAX_OVERFLOW). */
  size: number;
  /** Opening a connection, waiting for a pooled one, one statement (ms); defaults below. */
  connectTimeoutMs?: number;
  acquireTimeoutMs?: number;
  queryTimeoutMs?: number;
}

export const DEFAULT_TIMEOUTS = { connectTimeoutMs: 5000, acquireTimeoutMs: 10_000, queryTimeoutMs: 30_000 } as const;

/** Connections in use and idle, and callers waiting for one (Prometheus). */
export interface PoolUsage {
  used: number;
  idle: number;
  waiting: number;
}

/** What differs between databases; every dialect file exports one of these, same shape. */
export interface DialectDriver {
  readonly name: DialectName;
  readonly kysely: Kysely<Tables>;
  /** Runs fn in one write transaction (SQLite: BEGIN IMMEDIATE). */
  writeTransaction<T>(fn: (tx: Kysely<Tables>) => Promise<T>): Promise<T>;
  classifyError(err: unknown): ErrorKind;
  /**
   * SQLite: the rows of a SELECT (marked as array rows) read on a reader thread, for reads that
   * return a few large strings (./sqliteReaders.ts). Other dialects have a pool and none.
   */
  offloadArrays?(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * SQLite: the rows of an aggregate SELECT that folds many rows into a few (a chart's metric
   * buckets, `darwin_step_buckets`), read on a fold thread (./sqlite.ts). Others have none.
   */
  foldArrays?(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * The rows of one SELECT as arrays (cells in select-list order, as ../arrayRows.ts reads
   * them), read from a cursor at most `chunkRows` at a time: the next chunk is read only when
   * asked for, so memory stays flat whatever the result size. Returning early (a client that
   * went away) closes the cursor and gives its connection back at once (docs/streaming.md).
   */
  streamArrays(query: CompiledQuery, chunkRows: number): AsyncGenerator<unknown[][]>;
  poolUsage(): PoolUsage;
  close(): Promise<void>;
}
