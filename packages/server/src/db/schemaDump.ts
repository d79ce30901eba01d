/**
 * A deterministic, normalised text dump of the schema in the database's current
 * database/schema, read from the catalog (sqlite_master + pragmas, information_schema,
 * pg_catalog). Used to compare our DDL and migrations with MLflow's, and to catch drift
 * (test/schema-dumps/*.sql).
 */
import type { Database } from './database.js';
import { readRevision } from './schema/catalog.js';
import { renderSchema } from './schema/dump/model.js';
import type { TableInfo } from './schema/dump/model.js';
import { readMysqlTables } from './schema/dump/mysql.js';
import { readPostgresSequences, readPostgresTables } from './schema/dump/postgres.js';
import { readSqliteTables } from './schema/dump/sqlite.js';

export async function dumpSchema(database: Database): Promise<string> {
  const db = database.db;
  let tables: TableInfo[];
  let others: string[] = [];
  switch (database.dialect) {
    case 'sqlite':
      tables = await readSqliteTables(db);
      break;
    case 'mysql':
      tables = await readMysqlTables(db);
      break;
    case 'postgres':
      tables = await readPostgresTables(db);
      others = await readPostgresSequences(db);
      break;
  }
  const revision = await readRevision(db, database.dialect);
  return renderSchema({ dialect: database.dialect, tables, others, revision });
}
