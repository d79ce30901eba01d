/** Reads a MySQL / MariaDB schema from information_schema (current database only). */
import { sql } from 'kysely';
import type { AnyDb } from '../catalog.js';
import { normaliseAction } from './model.js';
import type { CheckInfo, ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo } from './model.js';

export async function readMysqlTables(db: AnyDb): Promise<TableInfo[]> {
  const { rows: tables } = await sql<{ name: string; engine: string; collation: string | null }>`
    SELECT table_name AS name, engine AS engine, table_collation AS collation FROM information_schema.tables
    WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const checks = await readChecks(db);
  const out: TableInfo[] = [];
  for (const t of tables) {
    const charset = charsetOf(t.collation);
    const indexes = await readIndexes(db, t.name);
    out.push({
      name: t.name,
      options: `engine=${t.engine} charset=${charset}`,
      columns: await readColumns(db, t.name, charset),
      primaryKey: pick(indexes, 'PRIMARY'),
      // MySQL implements UNIQUE constraints as unique indexes: they are listed as indexes.
      uniques: [],
      foreignKeys: await readForeignKeys(db, t.name),
      indexes: indexes.filter((i) => i.name !== 'PRIMARY'),
      checks: checks.get(t.name) ?? [],
    });
  }
  return out;
}

async function readColumns(db: AnyDb, table: string, tableCharset: string): Promise<ColumnInfo[]> {
  const { rows } = await sql<{
    name: string;
    type: string;
    nullable: string;
    dflt: string | null;
    extra: string;
    charset: string | null;
  }>`
    SELECT column_name AS name, column_type AS type, is_nullable AS nullable, column_default AS dflt,
      extra AS extra, character_set_name AS charset
    FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${table}
    ORDER BY ordinal_position`.execute(db);
  return rows.map((c) => {
    const extras = [c.extra.toLowerCase().trim()];
    if (c.charset && c.charset !== tableCharset) extras.push(`charset=${c.charset}`);
    return {
      name: c.name,
      type: normaliseType(c.type),
      notNull: c.nullable === 'NO',
      default: normaliseDefault(c.dflt),
      extra: extras.filter((e) => e !== '').join(' '),
    };
  });
}

/** MySQL 8 drops integer display widths that MariaDB shows (int(11) vs int); tinyint(1) stays. */
function normaliseType(type: string): string {
  return type.toLowerCase().replace(/^(int|bigint|smallint|mediumint)\(\d+\)/, '$1');
}

/** MariaDB reports a NULL default as the text 'NULL' and literals quoted; MySQL 8 as NULL and raw. */
function normaliseDefault(value: string | null): string | null {
  if (value === null || value === 'NULL') return null;
  const quoted = /^'(.*)'$/s.exec(value);
  return quoted ? (quoted[1] as string) : value;
}

async function readIndexes(db: AnyDb, table: string): Promise<IndexInfo[]> {
  const { rows } = await sql<{ name: string; non_unique: number | string; column_name: string }>`
    SELECT index_name AS name, non_unique AS non_unique, column_name AS column_name FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = ${table} ORDER BY index_name, seq_in_index`.execute(db);
  const byName = new Map<string, IndexInfo>();
  for (const r of rows) {
    const index = byName.get(r.name) ?? { name: r.name, unique: Number(r.non_unique) === 0, columns: [] };
    index.columns.push(r.column_name);
    byName.set(r.name, index);
  }
  return [...byName.values()];
}

function pick(indexes: IndexInfo[], name: string): { name: string; columns: string[] } | null {
  const index = indexes.find((i) => i.name === name);
  return index ? { name: index.name, columns: index.columns } : null;
}

async function readForeignKeys(db: AnyDb, table: string): Promise<ForeignKeyInfo[]> {
  const { rows } = await sql<{
    name: string;
    column_name: string;
    ref_table: string;
    ref_column: string;
    update_rule: string;
    delete_rule: string;
  }>`
    SELECT k.constraint_name AS name, k.column_name AS column_name, k.referenced_table_name AS ref_table,
      k.referenced_column_name AS ref_column, r.update_rule AS update_rule, r.delete_rule AS delete_rule
    FROM information_schema.key_column_usage k
    JOIN information_schema.referential_constraints r
      ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name
    WHERE k.table_schema = DATABASE() AND k.table_name = ${table} AND k.referenced_table_name IS NOT NULL
    ORDER BY k.constraint_name, k.ordinal_position`.execute(db);
  const byName = new Map<string, ForeignKeyInfo>();
  for (const r of rows) {
    const fk = byName.get(r.name) ?? {
      name: r.name,
      columns: [],
      refTable: r.ref_table,
      refColumns: [],
      onUpdate: normaliseAction(r.update_rule),
      onDelete: normaliseAction(r.delete_rule),
    };
    fk.columns.push(r.column_name);
    fk.refColumns.push(r.ref_column);
    byName.set(r.name, fk);
  }
  return [...byName.values()];
}

/**
 * CHECK constraints per table. MariaDB's check_constraints has a TABLE_NAME column (its names
 * are per table: CONSTRAINT_1 repeats); MySQL 8's does not (names are per schema), so there the
 * table comes from table_constraints.
 */
async function readChecks(db: AnyDb): Promise<Map<string, CheckInfo[]>> {
  const { rows: version } = await sql<{ v: string }>`SELECT VERSION() AS v`.execute(db);
  const mariadb = /mariadb/i.test(version[0]?.v ?? '');
  const { rows } = mariadb
    ? await sql<{ table_name: string; name: string; clause: string }>`
        SELECT table_name AS table_name, constraint_name AS name, check_clause AS clause FROM information_schema.check_constraints
        WHERE constraint_schema = DATABASE()`.execute(db)
    : await sql<{ table_name: string; name: string; clause: string }>`
        SELECT t.table_name AS table_name, t.constraint_name AS name, c.check_clause AS clause
        FROM information_schema.table_constraints t
        JOIN information_schema.check_constraints c
          ON c.constraint_schema = t.constraint_schema AND c.constraint_name = t.constraint_name
        WHERE t.table_schema = DATABASE() AND t.constraint_type = 'CHECK'`.execute(db);
  const out = new Map<string, CheckInfo[]>();
  for (const r of rows) {
    out.set(r.table_name, [...(out.get(r.table_name) ?? []), { name: r.name, expression: normaliseCheck(r.clause) }]);
  }
  return out;
}

/** `(\`is_nan\` in (0,1))` (MySQL 8) and `\`is_nan\` in (0,1)` (MariaDB) read alike. */
function normaliseCheck(clause: string): string {
  let text = clause.replace(/`/g, '').replace(/_utf8mb4'/g, "'").replace(/_utf8mb3'/g, "'").trim();
  while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  return text;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function charsetOf(collation: string | null): string {
  return collation ? (collation.split('_')[0] as string) : 'unknown';
}
