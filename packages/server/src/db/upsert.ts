/**
 * Insert-or-ignore and upsert across dialects: `ON CONFLICT` on SQLite and PostgreSQL,
 * `ON DUPLICATE KEY UPDATE` on MySQL (never `INSERT IGNORE`, which would also swallow data
 * errors).
 */
import { sql } from 'kysely';
import type { InsertObject } from 'kysely';
import type { DialectName } from './backendUri.js';
import type { Db } from './database.js';
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
