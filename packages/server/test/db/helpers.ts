/** Shared pieces of the schema tests: a database per test and the 0.9.1 base schema. */
import { sql } from 'kysely';
import { Database } from '../../src/db/database.js';
import { BASE_CREATION_ORDER, BASE_TABLE_DDL } from '../../src/db/schema/base.js';
import { forDialect } from '../../src/db/schema/sqlText.js';
import { mysqlTableOptions } from '../../src/db/schema/ddl.js';
import type { TestDialect } from '../support/databases.js';

export interface OpenDatabase {
  database: Database;
  /** Another handle on the same database, as a second server process would have. */
  reopen(): Database;
  close(): Promise<void>;
}

export async function openFresh(dialect: TestDialect, label: string): Promise<OpenDatabase> {
  const test = await dialect.create(label);
  const handles = [Database.open(test.uri)];
  return {
    database: handles[0] as Database,
    reopen() {
      const d = Database.open(test.uri);
      handles.push(d);
      return d;
    },
    async close() {
      for (const d of handles) await d.close();
      await test.drop();
    },
  };
}

/** The MLflow 0.9.1 tables, with no alembic_version: what MLflow 0.9 left behind. */
export async function createBaseSchema(database: Database): Promise<void> {
  const options = database.dialect === 'mysql' ? await mysqlTableOptions(database.db) : '';
  for (const table of BASE_CREATION_ORDER) {
    await sql.raw(forDialect(database.dialect, BASE_TABLE_DDL[table] as string, options)).execute(database.db);
  }
}

/** Rows of a table as plain strings, sorted, so that all drivers compare alike. */
export async function tableRows(database: Database, table: string, columns: string[]): Promise<string[][]> {
  const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)}`.execute(
    database.db,
  );
  return rows.map((r) => columns.map((c) => normalise(r[c]))).sort((a, b) => a.join('|').localeCompare(b.join('|')));
}

function normalise(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return '1';
  if (v === false) return '0';
  return String(v);
}
