import type { Kysely } from 'kysely';
import type { DialectName } from '../backendUri.js';
import type { Tables } from '../tables.js';

/** How a driver error should be treated. */
export type ErrorKind = 'unique' | 'foreignKey' | 'data' | 'transient' | 'other';

export interface PoolOptions {
  /** Connections per process (MLFLOW_SQLALCHEMYSTORE_POOL_SIZE + _MAX_OVERFLOW). */
  size: number;
}

/** What differs between databases; every dialect file exports one of these, same shape. */
export interface DialectDriver {
  readonly name: DialectName;
  readonly kysely: Kysely<Tables>;
  /** Runs fn in one write transaction (SQLite: BEGIN IMMEDIATE). */
  writeTransaction<T>(fn: (tx: Kysely<Tables>) => Promise<T>): Promise<T>;
  classifyError(err: unknown): ErrorKind;
  close(): Promise<void>;
}
