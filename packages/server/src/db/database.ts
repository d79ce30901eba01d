/**
 * One handle on the metadata database, whatever the backend: a Kysely instance for queries,
 * write transactions that are retried on transient failures (deadlock, busy, lost connection),
 * and the translation of driver errors into MLflow error codes.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { sql } from 'kysely';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { arrayRowsQuery } from './arrayRows.js';
import { parseBackendUri } from './backendUri.js';
import type { DatabaseTarget, DialectName } from './backendUri.js';
import { openMysql } from './dialects/mysql.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { isNetworkError } from './dialects/networkErrors.js';
import type { DialectDriver, ErrorKind, PoolOptions, PoolUsage } from './dialects/types.js';
import type { Tables } from './tables.js';
import type { SchemaGeneration } from './schema/revisions.js';
import { Semaphore } from '../util/semaphore.js';

export type Db = Kysely<Tables>;

const WRITE_ATTEMPTS = 5;
/** A conflicted write is not tried again once this much time has gone by. */
const WRITE_RETRY_BUDGET_MS = 5000;
const PING_TIMEOUT_MS = 2000;

/** The message of every 503 the database causes; the driver's text only goes to the log. */
export const DATABASE_UNAVAILABLE = 'The database is temporarily unavailable. Please retry.';

export class Database {
  /**
   * Which MLflow schema head the database is at, as found when the server started (ensureSchema
   * / readSchemaGeneration set it): stores read and write the 3.x-only tables and columns only
   * at MLflow 3.x's head, so a 2.12.2 database is served untouched.
   */
  generation: SchemaGeneration = '3.x';

  /**
   * Streams on MySQL/PostgreSQL hold a pooled connection for as long as their client reads:
   * at most half the pool, so slow downloads cannot starve every other request.
   */
  private readonly streams: Semaphore | undefined;
  private retries = 0;

  private constructor(
    private readonly driver: DialectDriver,
    readonly target: DatabaseTarget,
    poolSize: number,
  ) {
    this.streams = driver.name === 'sqlite' ? undefined : new Semaphore(Math.max(1, Math.floor(poolSize / 2)));
  }

  static open(uri: string, options: { pool?: PoolOptions; cwd?: string } = {}): Database {
    const target = parseBackendUri(uri, options.cwd);
    const pool = options.pool ?? { size: 10 };
    const driver =
      target.dialect === 'sqlite'
        ? openSqlite(target, {}, pool.queryTimeoutMs)
        : target.dialect === 'mysql'
          ? openMysql(target, pool)
          : openPostgres(target, pool);
    return new Database(driver, target, pool.size);
  }

  get dialect(): DialectName {
    return this.driver.name;
  }

  /** For reads: statements run on the pool without an explicit transaction. */
  get db(): Db {
    return this.driver.kysely;
  }

  /** Reads with driver errors translated. */
  async read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await fn(this.driver.kysely);
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * The rows of a SELECT as arrays (like `selectArrays`), for reads whose rows are a few large
   * strings (wire JSON): on SQLite they run on a reader thread, so several use more than one
   * core; elsewhere on the pool like any read. Driver errors translated.
   */
  readArrays<R extends readonly unknown[]>(query: Compilable<unknown>): Promise<R[]> {
    return this.arraysOn<R>(this.driver.offloadArrays, query);
  }

  /**
   * The rows of an aggregate SELECT that folds many rows into a few, as arrays: on SQLite on a
   * fold thread (DialectDriver.foldArrays), elsewhere on the pool. Driver errors translated.
   */
  foldArrays<R extends readonly unknown[]>(query: Compilable<unknown>): Promise<R[]> {
    return this.arraysOn<R>(this.driver.foldArrays, query);
  }

  /** Array rows read by `thread` (a driver's reader threads), or on the pool without one. */
  private async arraysOn<R extends readonly unknown[]>(thread: ((query: CompiledQuery) => Promise<unknown[][]>) | undefined, query: Compilable<unknown>): Promise<R[]> {
    const marked = arrayRowsQuery(query);
    try {
      if (thread) return (await thread.call(this.driver, marked)) as unknown as R[];
      return (await this.driver.kysely.executeQuery<R>(marked)).rows as R[];
    } catch (err) {
      throw this.translate(err);
    }
  }

  /**
   * The rows of a SELECT as arrays (like `selectArrays`), streamed from a cursor `chunkRows` at
   * a time with driver errors translated; see DialectDriver.streamArrays.
   */
  async *streamArrays<R extends readonly unknown[]>(query: Compilable<unknown>, chunkRows: number): AsyncGenerator<R[]> {
    const marked = arrayRowsQuery(query);
    const release = await this.streams?.acquire();
    try {
      yield* this.driver.streamArrays(marked, chunkRows) as AsyncGenerator<R[]>;
    } catch (err) {
      throw this.translate(err);
    } finally {
      release?.();
    }
  }

  /**
   * Runs fn in one transaction: all of it is committed or none. Transient failures are retried
   * with a short backoff; an MlflowError thrown by fn rolls back and propagates unchanged.
   */
  async write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.driver.writeTransaction(fn);
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        const retry = this.classify(err) === 'transient' && attempt < WRITE_ATTEMPTS && Date.now() - started < WRITE_RETRY_BUDGET_MS;
        if (!retry) throw this.translate(err);
        this.retries++;
        await sleep(10 * 2 ** attempt + Math.random() * 10);
      }
    }
  }

  /** Write transactions run again after a transient failure (deadlock, lock wait), since start. */
  writeRetries(): number {
    return this.retries;
  }

  classify(err: unknown): ErrorKind {
    const kind = this.driver.classifyError(err);
    return kind === 'other' && isNetworkError(err) ? 'unavailable' : kind;
  }

  /** Readiness: one trivial statement, answered within 2 s whatever the driver does. */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('database ping timed out'), { code: 'ETIMEDOUT' })), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.read((db) => sql`SELECT 1`.execute(db)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  poolUsage(): PoolUsage {
    return this.driver.poolUsage();
  }

  /** Driver error -> MlflowError, without leaking driver text for unknown failures. */
  translate(err: unknown): MlflowError {
    if (err instanceof MlflowError) return err;
    const kind = this.classify(err);
    const detail = err instanceof Error ? err.message : String(err);
    switch (kind) {
      case 'transient':
      case 'unavailable':
        return new MlflowError(DATABASE_UNAVAILABLE, 'TEMPORARILY_UNAVAILABLE', { cause: err });
      case 'unique':
      case 'foreignKey':
      case 'data':
        return new MlflowError(`(${this.dialect}) ${detail}`, 'BAD_REQUEST', { cause: err });
      default:
        return new MlflowError('An internal database error occurred.', 'INTERNAL_ERROR', { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
