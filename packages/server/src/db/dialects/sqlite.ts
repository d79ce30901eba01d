/**
 * SQLite via better-sqlite3 (synchronous, in-process). WAL with synchronous=NORMAL keeps every
 * acknowledged commit across a process kill; busy_timeout lets several server processes share
 * the file. Statements are prepared once and cached. Integers are read as bigint so int64
 * values keep full precision (see ../ints.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Tables } from '../tables.js';
import type { SqliteTarget } from '../backendUri.js';
import type { DialectDriver, ErrorKind } from './types.js';

const STATEMENT_CACHE_SIZE = 1000;

export function openSqlite(target: SqliteTarget): DialectDriver {
  if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const raw = new BetterSqlite3(target.file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 20000');
  // MLflow's string comparisons in search are case-sensitive on every backend
  raw.pragma('case_sensitive_like = ON');
  const kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingDatabase(raw) }) });
  return {
    name: 'sqlite',
    kysely,
    async writeTransaction(fn) {
      return kysely.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (err) {
          if (raw.inTransaction) await sql`ROLLBACK`.execute(conn);
          throw err;
        }
      });
    },
    classifyError,
    async close() {
      await kysely.destroy();
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
        if (stmt.reader) stmt.safeIntegers(true);
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
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'SQLITE_IOERR') return 'transient';
  return 'other';
}
