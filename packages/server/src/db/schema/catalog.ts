/** Small catalog reads shared by startup checks and migrations. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectName } from '../backendUri.js';
import { mysqlTableOptions } from './ddl.js';

// Catalog queries run on any connection, whatever tables exist, so they are untyped.
export type AnyDb = Kysely<any>;

/** Names of the base tables in the connection's current database / schema, sorted. */
export async function listTables(db: AnyDb, dialect: DialectName): Promise<string[]> {
  const query =
    dialect === 'sqlite'
      ? sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`
      : dialect === 'mysql'
        ? sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'`
        : sql<{ name: string }>`SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`;
  const { rows } = await query.execute(db);
  return rows.map((r) => r.name).sort();
}

/** The alembic revision recorded in the database, or null (no table or no row). */
export async function readRevision(db: AnyDb, dialect: DialectName): Promise<string | null> {
  const tables = await listTables(db, dialect);
  if (!tables.includes('alembic_version')) return null;
  const { rows } = await sql<{ version_num: string }>`SELECT version_num FROM alembic_version`.execute(db);
  if (rows.length > 1) {
    throw new Error(`alembic_version holds ${rows.length} rows (${rows.map((r) => r.version_num).join(', ')}); expected one.`);
  }
  return rows[0]?.version_num ?? null;
}

/** Records `revision` as the only alembic_version row, creating the table if needed. */
export async function writeRevision(db: AnyDb, dialect: DialectName, revision: string): Promise<void> {
  const tables = await listTables(db, dialect);
  if (!tables.includes('alembic_version')) {
    const options = dialect === 'mysql' ? await mysqlTableOptions(db) : '';
    await sql
      .raw(
        `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)) ${options}`,
      )
      .execute(db);
  }
  await sql`DELETE FROM alembic_version`.execute(db);
  await sql`INSERT INTO alembic_version (version_num) VALUES (${revision})`.execute(db);
}

export async function execAll(db: AnyDb, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
