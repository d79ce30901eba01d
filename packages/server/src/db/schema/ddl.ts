/** The head schema's DDL for a dialect (see ./head/*.ts), and MySQL table options. */
import { sql } from 'kysely';
import type { DialectName } from '../backendUri.js';
import type { AnyDb } from './catalog.js';
import { mysqlHeadDdl } from './head/mysql.js';
import { postgresHeadDdl } from './head/postgres.js';
import { sqliteHeadDdl } from './head/sqlite.js';

export async function headDdl(db: AnyDb, dialect: DialectName): Promise<readonly string[]> {
  if (dialect === 'sqlite') return sqliteHeadDdl;
  if (dialect === 'postgres') return postgresHeadDdl;
  return mysqlHeadDdl(await mysqlTableOptions(db));
}

/**
 * MLflow's tables take the database's default character set. When that is not utf8mb4 (an old
 * latin1 or utf8mb3 server default), MLflow would store names and tags that do not fit the
 * charset as '?', so our new tables ask for utf8mb4 explicitly; otherwise they inherit the
 * database default, collation included, exactly as MLflow's do.
 */
export async function mysqlTableOptions(db: AnyDb): Promise<string> {
  const { rows } = await sql<{ cs: string }>`SELECT @@character_set_database AS cs`.execute(db);
  return rows[0]?.cs === 'utf8mb4' ? '' : 'DEFAULT CHARSET=utf8mb4';
}
