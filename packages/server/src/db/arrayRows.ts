/**
 * Bulk reads as arrays of plain values, for the large replies (run pages, metric histories):
 * no object per row and, on SQLite, no bigint per integer (safe-integer mode makes every integer
 * a bigint, which costs about a third of a 10,000-row read).
 *
 * SQLite prepares these statements in raw mode without safe integers (dialects/sqlite.ts), so
 * an int64 column must be selected through `int64Column`, which returns the values beyond 2^53
 * as decimal text; MySQL returns such values as strings already, PostgreSQL every int8. Either
 * way an int64 cell is a number when exact, else digits, and `int64Of` makes it an Int64.
 */
import { CompiledQuery, sql } from 'kysely';
import type { Compilable, Expression, RawBuilder } from 'kysely';
import type { Int64 } from '@darwin-mlflow/contract';
import type { DialectName } from './backendUri.js';
import type { Db } from './database.js';

/** Starts the SQL of the statements whose rows are read as arrays (SQLite: without bigint). */
export const ARRAY_ROWS_MARKER = '/* array rows */ ';

/** An int64 column's value in an array row: a number when exact, else its decimal digits. */
export type Int64Cell = number | string;
/** A BOOLEAN column's value: 0/1 on SQLite and MySQL, true/false on PostgreSQL. */
export type BoolCell = number | boolean;

/**
 * Runs a SELECT and returns its rows as arrays, cells in the order of the select list: every
 * dialect reads statements that start with ARRAY_ROWS_MARKER that way (better-sqlite3 raw mode,
 * mysql2 rowsAsArray, node-postgres rowMode 'array').
 */
export async function selectArrays<R extends readonly unknown[]>(db: Db, query: Compilable<unknown>): Promise<R[]> {
  return (await db.executeQuery<R>(arrayRowsQuery(query))).rows as R[];
}

/** The query compiled and marked so that every dialect reads its rows as arrays. */
export function arrayRowsQuery(query: Compilable<unknown>): CompiledQuery {
  const compiled = query.compile();
  return CompiledQuery.raw(ARRAY_ROWS_MARKER + compiled.sql, [...compiled.parameters]);
}

const MAX_SAFE = sql.lit(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = sql.lit(Number.MIN_SAFE_INTEGER);

/**
 * An int64 column for `selectArrays`: on SQLite the integers beyond 2^53 as text (anything else,
 * NULL or a REAL a foreign writer left there, unchanged), elsewhere the column itself.
 */
export function int64Column(dialect: DialectName, column: Expression<unknown>): RawBuilder<Int64Cell> {
  if (dialect !== 'sqlite') return sql<Int64Cell>`${column}`;
  const exact = sql`${column} BETWEEN ${MIN_SAFE} AND ${MAX_SAFE}`;
  return sql<Int64Cell>`CASE WHEN ${exact} THEN ${column} WHEN typeof(${column}) = 'integer' THEN CAST(${column} AS TEXT) ELSE ${column} END`;
}

/** An int64 cell as an Int64: a number when exact, else a bigint. */
export function int64Of(cell: Int64Cell | bigint): Int64 {
  if (typeof cell !== 'string') return cell;
  const n = Number(cell);
  return Number.isSafeInteger(n) ? n : BigInt(cell);
}
