/**
 * Serialises schema work between processes that start at the same time on one database
 * (several replicas behind a load balancer, or a CLI `db upgrade` next to a server):
 * - SQLite: one BEGIN IMMEDIATE transaction (DDL is transactional; writers queue on busy_timeout);
 * - PostgreSQL: a transaction holding pg_advisory_xact_lock (DDL is transactional too);
 * - MySQL/MariaDB: a named GET_LOCK on one pinned connection (DDL commits implicitly there, so
 *   the lock, not a transaction, is what keeps a second process from racing the first).
 * Whoever gets the lock second re-reads the catalog and finds the work done.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { AnyDb } from './catalog.js';

/** Arbitrary constant ("mlflow" in ASCII); advisory locks are scoped to one PostgreSQL database. */
const PG_LOCK_KEY = '120265265737591';
const MYSQL_LOCK_WAIT_SECONDS = 3600;
const SQLITE_LOCK_WAIT_MS = 3_600_000;

export interface SchemaLockOptions {
  /**
   * SQLite only: run with foreign key enforcement off, as table rebuilds need (the pragma is
   * a no-op inside a transaction, so it is switched around it). Rebuilds copy rows unchanged, so
   * they cannot introduce violations; like alembic, no foreign_key_check is run.
   */
  sqliteForeignKeysOff?: boolean;
}

export async function withSchemaLock<T>(
  database: Database,
  fn: (db: AnyDb) => Promise<T>,
  options: SchemaLockOptions = {},
): Promise<T> {
  switch (database.dialect) {
    case 'sqlite':
      return sqliteLocked(database, fn, options.sqliteForeignKeysOff === true);
    case 'postgres':
      return database.db.transaction().execute(async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(${PG_LOCK_KEY}::bigint)`.execute(tx);
        return fn(tx);
      });
    case 'mysql':
      return mysqlLocked(database, fn);
  }
}

async function sqliteLocked<T>(database: Database, fn: (db: AnyDb) => Promise<T>, fkOff: boolean): Promise<T> {
  return database.db.connection().execute(async (conn) => {
    if (fkOff) await sql`PRAGMA foreign_keys = OFF`.execute(conn);
    try {
      await beginImmediate(conn);
      try {
        const result = await fn(conn);
        await sql`COMMIT`.execute(conn);
        return result;
      } catch (err) {
        await sql`ROLLBACK`.execute(conn).catch(() => undefined);
        throw err;
      }
    } finally {
      if (fkOff) await sql`PRAGMA foreign_keys = ON`.execute(conn);
    }
  });
}

/**
 * BEGIN IMMEDIATE, waiting for another writer without blocking the event loop: better-sqlite3's
 * busy_timeout sleeps synchronously, which would also stall a second connection of this very
 * process that holds the lock (a deadlock until the timeout). So the wait is a polite async
 * retry with busy_timeout switched off, and the connection's own timeout is put back after.
 */
async function beginImmediate(conn: AnyDb): Promise<void> {
  const { rows } = await sql<{ timeout: number | bigint }>`PRAGMA busy_timeout`.execute(conn);
  const timeout = Number(rows[0]?.timeout ?? 0);
  await sql.raw('PRAGMA busy_timeout = 0').execute(conn);
  try {
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (;;) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        const code = String((err as { code?: unknown }).code ?? '');
        if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${timeout}`).execute(conn);
  }
}

async function mysqlLocked<T>(database: Database, fn: (db: AnyDb) => Promise<T>): Promise<T> {
  return database.db.connection().execute(async (conn) => {
    // Lock names are server-wide and at most 64 characters: key them by a hash of the database.
    const name = sql`CONCAT('darwin_mlflow_schema_', LEFT(SHA1(DATABASE()), 40))`;
    const { rows } = await sql<{ got: number | null }>`SELECT GET_LOCK(${name}, ${MYSQL_LOCK_WAIT_SECONDS}) AS got`.execute(conn);
    if (Number(rows[0]?.got) !== 1) {
      throw new Error(`Timed out after ${MYSQL_LOCK_WAIT_SECONDS}s waiting for another process to finish the schema migration.`);
    }
    try {
      return await fn(conn);
    } finally {
      await sql`SELECT RELEASE_LOCK(${name})`.execute(conn);
    }
  });
}
