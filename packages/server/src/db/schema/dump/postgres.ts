/** Reads a PostgreSQL schema from pg_catalog (the connection's current schema only). */
import { sql } from 'kysely';
import type { AnyDb } from '../catalog.js';
import type { CheckInfo, ColumnInfo, ForeignKeyInfo, IndexInfo, KeyInfo, TableInfo } from './model.js';

export async function readPostgresTables(db: AnyDb): Promise<TableInfo[]> {
  const { rows: tables } = await sql<{ oid: number; name: string }>`
    SELECT c.oid::int AS oid, c.relname AS name FROM pg_catalog.pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(db);
  const out: TableInfo[] = [];
  for (const t of tables) {
    const constraints = await readConstraints(db, t.oid);
    out.push({
      name: t.name,
      columns: await readColumns(db, t.oid),
      primaryKey: constraints.primaryKey,
      uniques: constraints.uniques,
      foreignKeys: constraints.foreignKeys,
      indexes: await readIndexes(db, t.oid),
      checks: constraints.checks,
    });
  }
  return out;
}

/** Sequences with their type, start, increment and owning column (not their current value). */
export async function readPostgresSequences(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string; type: string; start: string; inc: string; owner: string | null }>`
    SELECT s.relname AS name, format_type(q.seqtypid, NULL) AS type, q.seqstart::text AS start,
      q.seqincrement::text AS inc,
      (SELECT t.relname || '.' || a.attname FROM pg_catalog.pg_depend d
         JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
         JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
       WHERE d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) AS owner
    FROM pg_catalog.pg_class s JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid
    WHERE s.relnamespace = current_schema()::regnamespace AND s.relkind = 'S' ORDER BY s.relname`.execute(db);
  return rows.map((r) => `SEQUENCE ${r.name} AS ${r.type} START ${r.start} INCREMENT ${r.inc} OWNED BY ${r.owner ?? 'NONE'}`);
}

async function readColumns(db: AnyDb, oid: number): Promise<ColumnInfo[]> {
  const { rows } = await sql<{ name: string; type: string; notnull: boolean; dflt: string | null }>`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
      pg_get_expr(d.adbin, d.adrelid) AS dflt
    FROM pg_catalog.pg_attribute a
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = ${oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`.execute(db);
  return rows.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull, default: c.dflt }));
}

interface Constraints {
  primaryKey: KeyInfo | null;
  uniques: KeyInfo[];
  foreignKeys: ForeignKeyInfo[];
  checks: CheckInfo[];
}

const ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

async function readConstraints(db: AnyDb, oid: number): Promise<Constraints> {
  const { rows } = await sql<{
    name: string;
    type: string;
    columns: string[] | null;
    ref_table: string | null;
    ref_columns: string[] | null;
    upd: string;
    del: string;
    def: string;
  }>`
    SELECT c.conname AS name, c.contype AS type,
      ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
      r.relname AS ref_table,
      ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_columns,
      c.confupdtype AS upd, c.confdeltype AS del, pg_get_constraintdef(c.oid, true) AS def
    FROM pg_catalog.pg_constraint c LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
    WHERE c.conrelid = ${oid}`.execute(db);
  const out: Constraints = { primaryKey: null, uniques: [], foreignKeys: [], checks: [] };
  for (const r of rows) {
    const columns = r.columns ?? [];
    if (r.type === 'p') out.primaryKey = { name: r.name, columns };
    else if (r.type === 'u') out.uniques.push({ name: r.name, columns });
    else if (r.type === 'f') {
      out.foreignKeys.push({
        name: r.name,
        columns,
        refTable: r.ref_table ?? '',
        refColumns: r.ref_columns ?? [],
        onUpdate: ACTIONS[r.upd] ?? r.upd,
        onDelete: ACTIONS[r.del] ?? r.del,
      });
    } else if (r.type === 'c') out.checks.push({ name: r.name, expression: r.def.replace(/^CHECK \((.*)\)$/s, '$1') });
  }
  return out;
}

/** Indexes that do not back a constraint (those are dumped as the constraint). */
async function readIndexes(db: AnyDb, oid: number): Promise<IndexInfo[]> {
  const { rows } = await sql<{ name: string; unique: boolean; columns: string[] }>`
    SELECT i.relname AS name, x.indisunique AS unique,
      ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS columns
    FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = ${oid}
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)`.execute(db);
  return rows.map((r) => ({ name: r.name, unique: r.unique, columns: r.columns }));
}
