/**
 * MLflow 2.12.2's head schema DDL for a dialect (see ./head/*.ts), and MySQL table options.
 * MLflow 3.x's head is that schema followed by the 17 later steps (./upgrade.ts), which is also
 * how MLflow itself creates a database (create_all of the 0.9.1 tables, then every revision).
 */
import { sql } from 'kysely';
import type { DialectName } from '../backendUri.js';
import type { AnyDb } from './catalog.js';
import { mysqlHeadDdl } from './head/mysql.js';
import { postgresHeadDdl } from './head/postgres.js';
import { sqliteHeadDdl } from './head/sqlite.js';

/**
 * Every list starts with registered_models: it has no foreign key and is not a 0.9.1 table, so
 * an install cut short on MySQL (DDL is not transactional there) is recognisable (./upgrade.ts).
 */
export async function headDdl(db: AnyDb, dialect: DialectName): Promise<readonly string[]> {
  if (dialect === 'sqlite') return sqliteHeadDdl;
  if (dialect === 'postgres') return postgresHeadDdl;
  return mysqlHeadDdl(await mysqlTableOptions(db));
}

/**
 * MLflow's tables take the database's default character set. On a fresh database whose default
 * is not utf8mb4 (an old latin1 or utf8mb3 server default) MLflow would store names and tags
 * outside that charset as '?', so our tables ask for utf8mb4 explicitly. Once MLflow tables
 * exist, new ones follow their collation instead: a foreign key between string columns
 * (runs.run_uuid, registered_models.name) needs the same character set on both sides.
 */
export async function mysqlTableOptions(db: AnyDb): Promise<string> {
  const { rows: defaults } = await sql<{ cs: string; collation: string }>`
    SELECT @@character_set_database AS cs, @@collation_database AS collation`.execute(db);
  const { rows: existing } = await sql<{ collation: string }>`
    SELECT table_collation AS collation FROM information_schema.tables
    WHERE table_schema = DATABASE() AND table_name IN ('runs', 'registered_models', 'experiments')
      AND table_collation IS NOT NULL
    ORDER BY table_name DESC LIMIT 1`.execute(db);
  const databaseDefault = defaults[0] as { cs: string; collation: string };
  const collation = existing[0]?.collation;
  if (collation === undefined) return databaseDefault.cs === 'utf8mb4' ? '' : 'DEFAULT CHARSET=utf8mb4';
  if (collation === databaseDefault.collation) return '';
  return `DEFAULT CHARSET=${collation.split('_')[0] as string} COLLATE=${collation}`;
}
