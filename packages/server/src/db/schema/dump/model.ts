/**
 * A catalog-independent description of a schema, rendered as a normalised text dump. Each
 * dialect reader (./sqlite.ts, ./mysql.ts, ./postgres.ts) fills it from its own catalog; the
 * rendering sorts everything that has no meaningful order, so two databases with the same
 * schema give the same text whatever order their DDL ran in.
 */

export interface ColumnInfo {
  name: string;
  /** Type as the catalog spells it, lower-cased, e.g. `varchar(256)`, `bigint`, `double precision`. */
  type: string;
  notNull: boolean;
  /** Database-level default expression, or null. */
  default: string | null;
  /** Extra facts such as `auto_increment` (MySQL) or a non-default character set. */
  extra?: string;
}

export interface KeyInfo {
  /** Constraint / index name; '' when the database keeps none (SQLite unnamed constraints). */
  name: string;
  columns: string[];
}

export interface ForeignKeyInfo extends KeyInfo {
  refTable: string;
  refColumns: string[];
  onUpdate: string;
  onDelete: string;
}

export interface IndexInfo extends KeyInfo {
  unique: boolean;
}

export interface CheckInfo {
  name: string;
  expression: string;
}

export interface TableInfo {
  name: string;
  /** Table-level options worth comparing, e.g. `charset=utf8mb4 engine=InnoDB`. */
  options?: string;
  columns: ColumnInfo[];
  primaryKey: KeyInfo | null;
  uniques: KeyInfo[];
  foreignKeys: ForeignKeyInfo[];
  indexes: IndexInfo[];
  checks: CheckInfo[];
}

export interface SchemaInfo {
  dialect: string;
  tables: TableInfo[];
  /** Free-form, already normalised lines for objects outside tables (PostgreSQL sequences). */
  others: string[];
  revision: string | null;
}

export function renderSchema(schema: SchemaInfo): string {
  const lines = [`-- darwin-mlflow schema dump (${schema.dialect})`, `-- alembic_version: ${schema.revision ?? 'none'}`, ''];
  for (const table of [...schema.tables].sort((a, b) => compare(a.name, b.name))) {
    lines.push(...renderTable(table), '');
  }
  for (const other of [...schema.others].sort(compare)) lines.push(other);
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderTable(table: TableInfo): string[] {
  const out = [`TABLE ${table.name}${table.options ? ` (${table.options})` : ''}`];
  for (const c of table.columns) {
    const parts = [`  COLUMN ${c.name} ${c.type}`, c.notNull ? 'NOT NULL' : 'NULL'];
    if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
    if (c.extra) parts.push(c.extra);
    out.push(parts.join(' '));
  }
  if (table.primaryKey) out.push(`  PRIMARY KEY ${label(table.primaryKey.name)}(${table.primaryKey.columns.join(', ')})`);
  const sorted = <T>(items: T[], key: (t: T) => string) => [...items].map((i) => key(i)).sort(compare);
  out.push(...sorted(table.uniques, (u) => `  UNIQUE ${label(u.name)}(${u.columns.join(', ')})`));
  out.push(
    ...sorted(
      table.foreignKeys,
      (f) =>
        `  FOREIGN KEY ${label(f.name)}(${f.columns.join(', ')}) REFERENCES ${f.refTable} (${f.refColumns.join(', ')})` +
        ` ON UPDATE ${f.onUpdate} ON DELETE ${f.onDelete}`,
    ),
  );
  out.push(...sorted(table.indexes, (i) => `  ${i.unique ? 'UNIQUE INDEX' : 'INDEX'} ${i.name} (${i.columns.join(', ')})`));
  out.push(...sorted(table.checks, (c) => `  CHECK ${label(c.name)}(${c.expression})`));
  return out;
}

function label(name: string): string {
  return name === '' ? '' : `${name} `;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Normalises a referential action spelling ('cascade', 'NO ACTION', 'RESTRICT'...). */
export function normaliseAction(action: string | null | undefined): string {
  return (action ?? 'NO ACTION').trim().toUpperCase().replace(/\s+/g, ' ');
}
