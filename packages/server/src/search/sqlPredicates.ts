/**
 * The comparisons of a parsed filter as SQL, with MLflow's semantics on every backend and every
 * value bound as a parameter:
 * - `=`, `!=`, `LIKE` and `IN` are case-sensitive. SQLite compares binary and its connections
 *   run `PRAGMA case_sensitive_like = ON` (db/dialects/sqlite.ts); PostgreSQL is case-sensitive
 *   natively; MySQL columns use a case-insensitive collation, so the value is also compared
 *   under utf8mb4_bin, after a plain comparison that can still use the column's index.
 * - `ILIKE` is case-insensitive: native on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere.
 * - No ESCAPE clause, as in MLflow: `%` and `_` are always wildcards.
 * - `RLIKE` (trace search) as MLflow 3.x writes it: `REGEXP` on SQLite (the function of
 *   db/dialects/sqliteRegexp.ts), `~` on PostgreSQL, a binary `REGEXP` on MySQL.
 */
import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { DialectName } from '../db/backendUri.js';
import type { ListTest, NumberTest, NumericComparator, RegexTest, StringTest } from './ast.js';

export type SqlExpr = Expression<unknown>;

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

/** The value under a binary collation, whatever the column's character set (MySQL only). */
function mysqlBinary(value: string): RawBuilder<string> {
  return sql<string>`CONVERT(${value} USING utf8mb4) COLLATE utf8mb4_bin`;
}

export function stringPredicate(dialect: DialectName, column: SqlExpr, test: StringTest): RawBuilder<SqlBool> {
  const v = test.value;
  const mysql = dialect === 'mysql';
  switch (test.comparator) {
    case '=':
      return mysql ? sql<SqlBool>`(${column} = ${v} AND ${column} = ${mysqlBinary(v)})` : sql<SqlBool>`${column} = ${v}`;
    case '!=':
      return mysql ? sql<SqlBool>`${column} <> ${mysqlBinary(v)}` : sql<SqlBool>`${column} <> ${v}`;
    case 'LIKE':
      return mysql ? sql<SqlBool>`(${column} LIKE ${v} AND ${column} LIKE ${mysqlBinary(v)})` : sql<SqlBool>`${column} LIKE ${v}`;
    case 'ILIKE':
      return dialect === 'postgres' ? sql<SqlBool>`${column} ILIKE ${v}` : sql<SqlBool>`lower(${column}) LIKE lower(${v})`;
  }
}

/** A regular expression found anywhere in the column, case-sensitively. */
export function regexPredicate(dialect: DialectName, column: SqlExpr, test: RegexTest): RawBuilder<SqlBool> {
  switch (dialect) {
    case 'postgres':
      return sql<SqlBool>`${column} ~ ${test.value}`;
    case 'mysql':
      return sql<SqlBool>`(CAST(${column} AS BINARY) REGEXP BINARY ${test.value})`;
    case 'sqlite':
      return sql<SqlBool>`${column} REGEXP ${test.value}`;
  }
}

/** Exact, case-sensitive match of a key column (metric, param and tag keys). */
export function keyEquals(dialect: DialectName, column: SqlExpr, key: string): RawBuilder<SqlBool> {
  return stringPredicate(dialect, column, { kind: 'string', comparator: '=', value: key });
}

export function listPredicate(dialect: DialectName, column: SqlExpr, test: ListTest): RawBuilder<SqlBool> {
  const values = sql.join(test.values.map((v) => sql`${v}`));
  if (dialect !== 'mysql') {
    return test.comparator === 'IN' ? sql<SqlBool>`${column} IN (${values})` : sql<SqlBool>`${column} NOT IN (${values})`;
  }
  const binary = sql.join(test.values.map(mysqlBinary));
  return test.comparator === 'IN'
    ? sql<SqlBool>`(${column} IN (${values}) AND ${column} IN (${binary}))`
    : sql<SqlBool>`${column} NOT IN (${binary})`;
}

const OPERATORS: Record<NumericComparator, RawBuilder<unknown>> = {
  '=': sql.raw('='),
  '!=': sql.raw('<>'),
  '<': sql.raw('<'),
  '<=': sql.raw('<='),
  '>': sql.raw('>'),
  '>=': sql.raw('>='),
};

/**
 * A test on a value that lies beyond every stored one (+/-infinity, or past an integer column's
 * range): it holds for every non-NULL row or for none.
 */
function outOfRange(column: SqlExpr, comparator: NumericComparator, above: boolean): RawBuilder<SqlBool> {
  const holds =
    comparator === '!=' || (above ? comparator === '<' || comparator === '<=' : comparator === '>' || comparator === '>=');
  return holds ? sql<SqlBool>`${column} IS NOT NULL` : FALSE;
}

/** A test on a DOUBLE column (metric values). */
export function doublePredicate(column: SqlExpr, test: NumberTest): RawBuilder<SqlBool> {
  if (!Number.isFinite(test.value)) return outOfRange(column, test.comparator, test.value > 0);
  return sql<SqlBool>`${column} ${OPERATORS[test.comparator]} ${test.value}`;
}

/**
 * A test on an integer column (timestamps, version numbers), kept integer so that every backend
 * compares natively and indexes stay usable: `x > 5.5` becomes `x >= 6`, `x = 5.5` is false.
 * `limit` is the column's largest magnitude we compare against (2^53 for BIGINT, 2^31 for INT).
 */
export function integerPredicate(column: SqlExpr, test: NumberTest, limit: number): RawBuilder<SqlBool> {
  const { comparator, value } = test;
  if (!Number.isFinite(value) || Math.abs(value) >= limit) return outOfRange(column, comparator, value > 0);
  if (Number.isInteger(value)) return sql<SqlBool>`${column} ${OPERATORS[comparator]} ${value}`;
  switch (comparator) {
    case '=':
      return FALSE;
    case '!=':
      return sql<SqlBool>`${column} IS NOT NULL`;
    case '<':
    case '<=':
      return sql<SqlBool>`${column} <= ${Math.floor(value)}`;
    case '>':
    case '>=':
      return sql<SqlBool>`${column} >= ${Math.ceil(value)}`;
  }
}

export const BIGINT_LIMIT = Number.MAX_SAFE_INTEGER;
export const INT_LIMIT = 2 ** 31;

/** `column IN (...)` for a list that may be empty. */
export function inOrNothing(column: SqlExpr, values: readonly (string | number)[]): RawBuilder<SqlBool> {
  if (values.length === 0) return FALSE;
  return sql<SqlBool>`${column} IN (${sql.join(values.map((v) => sql`${v}`))})`;
}

export function and(predicates: readonly RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (predicates.length === 0) return TRUE;
  return sql<SqlBool>`(${sql.join(predicates, sql` AND `)})`;
}
