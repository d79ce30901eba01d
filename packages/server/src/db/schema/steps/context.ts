/** What a migration step gets: the pinned connection, its dialect, and a few DDL helpers. */
import { sql } from 'kysely';
import type { DialectName } from '../../backendUri.js';
import type { AnyDb } from '../catalog.js';
import { createTable, forDialect } from '../sqlText.js';

export interface StepContext {
  readonly db: AnyDb;
  readonly dialect: DialectName;
  /** MySQL CREATE TABLE options (see ../ddl.ts); '' elsewhere. */
  readonly tableOptions: string;
}

export type Step = (ctx: StepContext) => Promise<void>;

/** Runs statements written with ../sqlText.ts placeholders, in order. */
export async function run(ctx: StepContext, ...statements: string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(forDialect(ctx.dialect, statement, ctx.tableOptions)).execute(ctx.db);
  }
}

/** Runs only the statements given for the context's dialect. */
export async function runOn(ctx: StepContext, byDialect: Partial<Record<DialectName, string[]>>): Promise<void> {
  await run(ctx, ...(byDialect[ctx.dialect] ?? []));
}

/**
 * SQLite cannot alter a column or a constraint, so, as alembic's batch mode does there, the
 * table is rebuilt: create `_alembic_tmp_<table>` with the new definition, copy the columns both
 * have, drop the old table, rename, and recreate the old table's indexes (DROP TABLE drops them).
 * The caller holds a transaction with foreign keys off (../lock.ts), so nothing is checked or
 * cascaded half-way and a failure leaves the table as it was.
 */
export async function rebuildSqliteTable(ctx: StepContext, table: string, elements: readonly string[]): Promise<void> {
  const tmp = `_alembic_tmp_${table}`;
  const { rows: indexes } = await sql<{ sql: string }>`
    SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ${table} AND sql IS NOT NULL`.execute(ctx.db);
  const before = await columnNames(ctx.db, table);
  await run(ctx, `DROP TABLE IF EXISTS ${tmp}`, createTable(tmp, elements));
  const after = await columnNames(ctx.db, tmp);
  const shared = after.filter((c) => before.includes(c)).map((c) => `"${c}"`).join(', ');
  await run(
    ctx,
    `INSERT INTO ${tmp} (${shared}) SELECT ${shared} FROM ${table}`,
    `DROP TABLE ${table}`,
    `ALTER TABLE ${tmp} RENAME TO ${table}`,
    ...indexes.map((i) => i.sql),
  );
}

async function columnNames(db: AnyDb, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db);
  return rows.map((r) => r.name);
}

/** Whether a CHECK constraint of that name exists on the table (MySQL / MariaDB). */
export async function mysqlCheckExists(db: AnyDb, table: string, name: string): Promise<boolean> {
  const { rows } = await sql`
    SELECT 1 AS one FROM information_schema.table_constraints
    WHERE table_schema = DATABASE() AND table_name = ${table} AND constraint_name = ${name} AND constraint_type = 'CHECK'`.execute(db);
  return rows.length > 0;
}
