/**
 * DDL written once for all three databases, with the few spellings that differ filled in:
 * - `"key"`, `"schema"`: column names reserved in MySQL, which quotes with backticks;
 * - `{DOUBLE}`: SQLAlchemy's Float(precision=53) (SQLite FLOAT, MySQL DOUBLE, PostgreSQL
 *   DOUBLE PRECISION); `{FLOAT}`: plain Float of the 0.9.1 schema (single precision on MySQL);
 * - `{BOOL}`: Boolean (BOOLEAN; BOOL i.e. tinyint(1) on MySQL);
 * - `{AUTO_ID}`: the experiments id column (rowid alias, AUTO_INCREMENT, SERIAL);
 * - `{MEDIUMTEXT}`: TEXT, or MEDIUMTEXT on MySQL (datasets.dataset_profile); `{LONGTEXT}`:
 *   TEXT, or LONGTEXT on MySQL (spans.content);
 * - `{JSON}`: SQLAlchemy's JSON type (JSON everywhere; MariaDB makes it LONGTEXT with a
 *   json_valid CHECK).
 * MySQL CREATE TABLE statements also get the table options (see ./ddl.ts).
 */
import type { DialectName } from '../backendUri.js';

const SPELLINGS: Record<DialectName, Record<string, string>> = {
  sqlite: { DOUBLE: 'FLOAT', FLOAT: 'FLOAT', BOOL: 'BOOLEAN', AUTO_ID: 'INTEGER NOT NULL', MEDIUMTEXT: 'TEXT', LONGTEXT: 'TEXT', JSON: 'JSON' },
  mysql: {
    DOUBLE: 'DOUBLE',
    FLOAT: 'FLOAT',
    BOOL: 'BOOL',
    AUTO_ID: 'INTEGER NOT NULL AUTO_INCREMENT',
    MEDIUMTEXT: 'MEDIUMTEXT',
    LONGTEXT: 'LONGTEXT',
    JSON: 'JSON',
  },
  postgres: {
    DOUBLE: 'DOUBLE PRECISION',
    FLOAT: 'FLOAT',
    BOOL: 'BOOLEAN',
    AUTO_ID: 'SERIAL NOT NULL',
    MEDIUMTEXT: 'TEXT',
    LONGTEXT: 'TEXT',
    JSON: 'JSON',
  },
};

export function forDialect(dialect: DialectName, text: string, mysqlTableOptions = ''): string {
  let out = text.replace(/\{([A-Z_]+)\}/g, (whole, name: string) => SPELLINGS[dialect][name] ?? whole);
  if (dialect === 'mysql') {
    out = out.replace(/"(\w+)"/g, '`$1`');
    if (/^\s*CREATE TABLE/i.test(out) && mysqlTableOptions !== '') out = `${out} ${mysqlTableOptions}`;
  }
  return out;
}

/** `CREATE TABLE name (\n\t<elements joined>\n)`, in the layout SQLAlchemy uses. */
export function createTable(name: string, elements: readonly string[]): string {
  return `CREATE TABLE ${name} (\n\t${elements.join(',\n\t')}\n)`;
}
