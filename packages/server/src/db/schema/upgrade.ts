/** Runs the per-revision migration steps from a database's revision to the head. */
import type { DialectName } from '../backendUri.js';
import type { AnyDb } from './catalog.js';

/** SQLite table rebuilds need foreign keys off for the whole transaction. */
export function needsForeignKeysOff(dialect: DialectName, revision: string | null, tables: readonly string[]): boolean {
  void revision;
  void tables;
  return dialect === 'sqlite';
}

export async function runUpgrade(db: AnyDb, dialect: DialectName, revision: string | null, tables: readonly string[]): Promise<void> {
  void db;
  void tables;
  throw new Error(`Upgrading a ${dialect} database from revision ${revision ?? 'None'} is not implemented yet.`);
}
