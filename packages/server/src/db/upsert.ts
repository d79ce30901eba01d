/**
 * Insert-or-ignore and upsert across dialects: `ON CONFLICT` on SQLite and PostgreSQL,
 * `ON DUPLICATE KEY UPDATE` on MySQL (never `INSERT IGNORE`, which would also swallow data
 * errors).
 *
 * Two forms: `insertIgnore`/`upsert` take row objects and build the statement with Kysely;
 * `bulkInsert` takes rows as value arrays for a statement fixed in advance (`insertStatement`),
 * for the hot write paths (metrics, params, tags): its SQL text is built once per dialect and
 * row count, and on SQLite each row runs as one cached single-row statement, which is about
 * twice as fast as a multi-row INSERT there (a multi-row statement inside a transaction keeps
 * a statement journal of every page it touches).
 */
import { CompiledQuery, sql } from 'kysely';
import type { InsertObject } from 'kysely';
import type { DialectName } from './backendUri.js';
import type { Db } from './database.js';
import { sqliteTransactionStatements } from './dialects/sqlite.js';
import type { Tables } from './tables.js';

type TableName = keyof Tables;
type Row<T extends TableName> = InsertObject<Tables, T>;

const CHUNK_ROWS = 500;

/** Inserts rows, skipping those whose primary key already exists. */
export async function insertIgnore<T extends TableName>(
  tx: Db,
  dialect: DialectName,
  table: T,
  rows: readonly Row<T>[],
  keyColumns: readonly string[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const chunk = rows.slice(i, i + CHUNK_ROWS) as Row<T>[];
    const q = tx.insertInto(table).values(chunk);
    if (dialect === 'mysql') {
      const first = keyColumns[0] as string;
      await q.onDuplicateKeyUpdate({ [first]: sql.ref(first) } as never).execute();
    } else {
      await q.onConflict((oc) => oc.columns(keyColumns as never).doNothing()).execute();
    }
  }
}

/** Inserts rows, overwriting `updateColumns` of rows whose key already exists. */
export async function upsert<T extends TableName>(
  tx: Db,
  dialect: DialectName,
  table: T,
  rows: readonly Row<T>[],
  keyColumns: readonly string[],
  updateColumns: readonly string[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const chunk = rows.slice(i, i + CHUNK_ROWS) as Row<T>[];
    const q = tx.insertInto(table).values(chunk);
    if (dialect === 'mysql') {
      const set = Object.fromEntries(updateColumns.map((c) => [c, sql`VALUES(${sql.ref(c)})`]));
      await q.onDuplicateKeyUpdate(set as never).execute();
    } else {
      const set = Object.fromEntries(updateColumns.map((c) => [c, sql.ref(`excluded.${c}`)]));
      await q.onConflict((oc) => oc.columns(keyColumns as never).doUpdateSet(set as never)).execute();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bulk inserts of value arrays

/** What happens to a row whose primary key exists: an error, nothing, or the given clause. */
export type OnConflict =
  | { readonly kind: 'error' }
  | { readonly kind: 'ignore'; readonly keyColumns: readonly string[] }
  | { readonly kind: 'update'; readonly keyColumns: readonly string[]; readonly updateColumns: readonly string[] }
  /** A dialect's own conflict clause, appended to the INSERT as is (identifiers quoted). */
  | { readonly kind: 'custom'; readonly clause: (dialect: DialectName) => string };

/** A column's PostgreSQL type, for passing the rows as one array per column. */
export type PgType = 'text' | 'float8' | 'int8' | 'bool';

/** An INSERT of fixed table, columns and conflict handling; rows are value arrays in column order. */
export interface InsertStatement {
  readonly table: TableName;
  readonly columns: readonly (readonly [name: string, pgType: PgType])[];
  readonly onConflict: OnConflict;
  /** SQL text per dialect and row count, built on first use. */
  readonly texts: Map<string, string>;
}

export function insertStatement(table: TableName, columns: InsertStatement['columns'], onConflict: OnConflict): InsertStatement {
  return { table, columns, onConflict, texts: new Map() };
}

/** Quotes an identifier for the dialect (all of ours are plain names; `key` is reserved in MySQL). */
export function quoteIdent(dialect: DialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

function conflictClause(dialect: DialectName, c: OnConflict): string {
  const q = (n: string) => quoteIdent(dialect, n);
  switch (c.kind) {
    case 'error':
      return '';
    case 'custom':
      return ` ${c.clause(dialect)}`;
    case 'ignore': {
      if (dialect === 'mysql') return ` ON DUPLICATE KEY UPDATE ${q(c.keyColumns[0] as string)} = ${q(c.keyColumns[0] as string)}`;
      return ` ON CONFLICT (${c.keyColumns.map(q).join(', ')}) DO NOTHING`;
    }
    case 'update': {
      if (dialect === 'mysql') return ` ON DUPLICATE KEY UPDATE ${c.updateColumns.map((u) => `${q(u)} = VALUES(${q(u)})`).join(', ')}`;
      return ` ON CONFLICT (${c.keyColumns.map(q).join(', ')}) DO UPDATE SET ${c.updateColumns.map((u) => `${q(u)} = excluded.${q(u)}`).join(', ')}`;
    }
  }
}

/**
 * PostgreSQL: one array parameter per column, unnested (`rowCount` 0). Parsing and planning a
 * statement of 500 × 6 parameters costs PostgreSQL more than inserting the rows.
 * SQLite/MySQL: `rowCount` tuples of placeholders.
 */
function statementText(s: InsertStatement, dialect: DialectName, rowCount: number): string {
  const cacheKey = `${dialect}:${rowCount}`;
  let text = s.texts.get(cacheKey);
  if (text === undefined) {
    const cols = s.columns.map(([name]) => quoteIdent(dialect, name)).join(', ');
    let rows: string;
    if (dialect === 'postgres') {
      rows = `SELECT * FROM unnest(${s.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;
    } else {
      const tuple = `(${s.columns.map(() => '?').join(', ')})`;
      rows = `VALUES ${Array.from({ length: rowCount }, () => tuple).join(', ')}`;
    }
    text = `INSERT INTO ${quoteIdent(dialect, s.table)} (${cols}) ${rows}${conflictClause(dialect, s.onConflict)}`;
    // row counts vary with the requests; keep the texts of the sizes seen most recently
    if (s.texts.size >= 64) s.texts.delete(s.texts.keys().next().value as string);
    s.texts.set(cacheKey, text);
  }
  return text;
}

/**
 * Runs the statement for every row, inside the caller's transaction. In a SQLite write
 * transaction: one cached single-row statement per row; PostgreSQL: one statement with an array
 * per column; otherwise multi-row statements of up to 500 rows.
 */
export async function bulkInsert(tx: Db, dialect: DialectName, s: InsertStatement, rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return;
  const direct = dialect === 'sqlite' ? sqliteTransactionStatements(tx) : undefined;
  if (direct) {
    const stmt = direct.prepare(statementText(s, dialect, 1));
    for (const row of rows) stmt.run(row);
    return;
  }
  if (dialect === 'postgres') {
    const columns = s.columns.map((_, i) => rows.map((row) => row[i]));
    await tx.executeQuery(CompiledQuery.raw(statementText(s, dialect, 0), columns));
    return;
  }
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const chunk = rows.length <= CHUNK_ROWS ? rows : rows.slice(i, i + CHUNK_ROWS);
    const params: unknown[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await tx.executeQuery(CompiledQuery.raw(statementText(s, dialect, chunk.length), params));
  }
}
