/** Reads a SQLite schema from sqlite_master and the table pragmas. */
import { sql } from 'kysely';
import type { AnyDb } from '../catalog.js';
import { normaliseAction } from './model.js';
import type { ForeignKeyInfo, IndexInfo, KeyInfo, TableInfo } from './model.js';
import { parseTableConstraints } from './sqliteDdl.js';
import type { ParsedConstraint } from './sqliteDdl.js';

interface ColumnRow {
  cid: number | bigint;
  name: string;
  type: string;
  notnull: number | bigint;
  dflt_value: string | null;
  pk: number | bigint;
}
interface IndexRow {
  name: string;
  unique: number | bigint;
  origin: string;
}
interface FkRow {
  id: number | bigint;
  seq: number | bigint;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

export async function readSqliteTables(db: AnyDb): Promise<TableInfo[]> {
  const { rows } = await sql<{ name: string; sql: string }>`
    SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`.execute(db);
  const out: TableInfo[] = [];
  for (const row of rows) out.push(await readTable(db, row.name, row.sql));
  return out;
}

async function readTable(db: AnyDb, name: string, createSql: string): Promise<TableInfo> {
  const parsed = parseTableConstraints(createSql);
  // table_xinfo, not table_info: generated columns (spans.duration_ns) are hidden from the latter.
  const columns = await pragma<ColumnRow>(db, 'table_xinfo', name);
  const pkColumns = columns
    .filter((c) => Number(c.pk) > 0)
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((c) => c.name);
  const indexes = await pragma<IndexRow>(db, 'index_list', name);
  return {
    name,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      notNull: Number(c.notnull) === 1,
      default: c.dflt_value,
    })),
    primaryKey: pkColumns.length > 0 ? { name: nameOf(parsed, 'PRIMARY', pkColumns), columns: pkColumns } : null,
    uniques: await uniques(db, indexes, parsed),
    foreignKeys: await foreignKeys(db, name, parsed),
    indexes: await createdIndexes(db, indexes),
    checks: parsed.filter((p) => p.kind === 'CHECK').map((p) => ({ name: p.name, expression: p.expression })),
  };
}

/**
 * UNIQUE constraints from the DDL, since SQLite creates no index for one that repeats the
 * primary key (MLflow's registered_models has such a UNIQUE (name)); plus any unique index
 * from a column-level UNIQUE that the parser does not see.
 */
async function uniques(db: AnyDb, indexes: IndexRow[], parsed: ParsedConstraint[]): Promise<KeyInfo[]> {
  const out: KeyInfo[] = parsed.filter((p) => p.kind === 'UNIQUE').map((p) => ({ name: p.name, columns: p.columns }));
  for (const index of indexes.filter((i) => i.origin === 'u')) {
    const columns = await indexColumns(db, index.name);
    if (!out.some((u) => sameList(u.columns, columns))) out.push({ name: '', columns });
  }
  return out;
}

async function createdIndexes(db: AnyDb, indexes: IndexRow[]): Promise<IndexInfo[]> {
  const out: IndexInfo[] = [];
  for (const index of indexes.filter((i) => i.origin === 'c')) {
    out.push({ name: index.name, unique: Number(index.unique) === 1, columns: await indexColumns(db, index.name) });
  }
  return out;
}

async function foreignKeys(db: AnyDb, table: string, parsed: ParsedConstraint[]): Promise<ForeignKeyInfo[]> {
  const rows = await pragma<FkRow>(db, 'foreign_key_list', table);
  const byId = new Map<number, FkRow[]>();
  for (const row of rows) byId.set(Number(row.id), [...(byId.get(Number(row.id)) ?? []), row]);
  return [...byId.values()].map((parts) => {
    parts.sort((a, b) => Number(a.seq) - Number(b.seq));
    const first = parts[0] as FkRow;
    const columns = parts.map((p) => p.from);
    const named = parsed.find((p) => p.kind === 'FOREIGN' && p.refTable === first.table && sameList(p.columns, columns));
    return {
      name: named?.name ?? '',
      columns,
      refTable: first.table,
      refColumns: parts.map((p) => p.to ?? ''),
      onUpdate: normaliseAction(first.on_update),
      onDelete: normaliseAction(first.on_delete),
    };
  });
}

async function indexColumns(db: AnyDb, index: string): Promise<string[]> {
  const rows = await pragma<{ seqno: number | bigint; name: string }>(db, 'index_info', index);
  return rows.sort((a, b) => Number(a.seqno) - Number(b.seqno)).map((r) => r.name);
}

async function pragma<T>(db: AnyDb, name: string, arg: string): Promise<T[]> {
  const { rows } = await sql<T>`SELECT * FROM ${sql.raw(`pragma_${name}`)}(${arg})`.execute(db);
  return rows;
}

function nameOf(parsed: ParsedConstraint[], kind: ParsedConstraint['kind'], columns: string[]): string {
  return parsed.find((p) => p.kind === kind && sameList(p.columns, columns))?.name ?? '';
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === (b[i] as string).toLowerCase());
}
