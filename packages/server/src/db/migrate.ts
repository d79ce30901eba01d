/**
 * Schema lifecycle at startup and for `darwin-mlflow db upgrade`, matching MLflow 2.12.2
 * (mlflow/store/db/utils.py and SqlAlchemyStore.__init__):
 * - the tracking store initialises the schema when the MLflow tables are not all there
 *   (empty database: create the head schema; older layout: create what is missing and migrate);
 * - it then refuses to start unless alembic_version is at the head revision;
 * - with no experiment at all it inserts the Default experiment, id 0.
 * Every step holds the schema lock (./schema/lock.ts), so replicas may start together.
 */
import { sql } from 'kysely';
import type { Database } from './database.js';
import type { DialectName } from './backendUri.js';
import { execAll, listTables, readRevision, writeRevision } from './schema/catalog.js';
import type { AnyDb } from './schema/catalog.js';
import { headDdl } from './schema/ddl.js';
import { withSchemaLock } from './schema/lock.js';
import { HEAD_REVISION, MLFLOW_TABLES } from './schema/revisions.js';
import { runUpgrade } from './schema/upgrade.js';
import type { Revision } from './schema/revisions.js';

export { HEAD_REVISION } from './schema/revisions.js';

/** SQLite table rebuilds (./schema/steps/context.ts) need foreign keys off. */
const SCHEMA_WORK = { sqliteForeignKeysOff: true };

export interface UpgradeResult {
  /** Revision found before the upgrade; null for an empty database or the 0.9.1 base schema. */
  from: string | null;
  to: string;
}

/** The startup check: initialise if needed, then require the head revision. */
export async function ensureSchema(database: Database): Promise<void> {
  const state = await inspectSchema(database.db, database.dialect);
  // Fast path for every start after the first: nothing to lock for.
  if (state.allTables && state.revision === HEAD_REVISION) return;
  const revision = await withSchemaLock(
    database,
    async (db) => {
      const current = await inspectSchema(db, database.dialect);
      if (!current.allTables) await initialise(db, database.dialect, current);
      return readRevision(db, database.dialect);
    },
    SCHEMA_WORK,
  );
  if (revision !== HEAD_REVISION) throw outOfDateError(revision);
}

/**
 * `db upgrade`: brings an empty database, the 0.9.1 base schema, or any revision of the chain
 * to the head (or, for tests, to an older revision `to`). Data is kept, and migrated where a
 * revision says so.
 */
export async function upgradeDatabase(database: Database, options: { to?: Revision } = {}): Promise<UpgradeResult> {
  const target = options.to ?? HEAD_REVISION;
  return withSchemaLock(
    database,
    async (db) => {
      const state = await inspectSchema(db, database.dialect);
      if (target === HEAD_REVISION) await initialise(db, database.dialect, state);
      else await runUpgrade(db, database.dialect, state.revision, state.tables, target);
      return { from: state.revision, to: target };
    },
    SCHEMA_WORK,
  );
}

/** Inserts experiment 0 'Default' when the experiments table has no row at all. */
export async function ensureDefaultExperiment(database: Database, artifactLocation: string): Promise<void> {
  if (await hasAnyExperiment(database.db)) return;
  await withSchemaLock(database, async (db) => {
    if (await hasAnyExperiment(db)) return;
    const now = Date.now();
    const insert = sql`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
      VALUES (0, 'Default', ${artifactLocation}, 'active', ${now}, ${now})`;
    if (database.dialect === 'mysql') await withMysqlExplicitZeroId(db, (conn) => insert.execute(conn));
    else await insert.execute(db);
  });
}

interface SchemaState {
  tables: string[];
  revision: string | null;
  /** All 15 MLflow tables exist (other tables, e.g. auth ones, are allowed alongside). */
  allTables: boolean;
}

async function inspectSchema(db: AnyDb, dialect: DialectName): Promise<SchemaState> {
  const tables = await listTables(db, dialect);
  const revision = tables.includes('alembic_version') ? await readRevision(db, dialect) : null;
  return { tables, revision, allTables: MLFLOW_TABLES.every((t) => tables.includes(t)) };
}

async function initialise(db: AnyDb, dialect: DialectName, state: SchemaState): Promise<void> {
  const anyMlflowTable = MLFLOW_TABLES.some((t) => state.tables.includes(t));
  if (!anyMlflowTable && state.revision === null) {
    // A fresh database: the head DDL directly, which is what the whole chain produces.
    await execAll(db, await headDdl(db, dialect));
    await writeRevision(db, dialect, HEAD_REVISION);
    return;
  }
  await runUpgrade(db, dialect, state.revision, state.tables);
}

async function hasAnyExperiment(db: AnyDb): Promise<boolean> {
  const { rows } = await sql`SELECT 1 AS one FROM experiments LIMIT 1`.execute(db);
  return rows.length > 0;
}

/**
 * MySQL treats an explicit 0 in an AUTO_INCREMENT column as "next value" unless the session has
 * NO_AUTO_VALUE_ON_ZERO (MLflow's `_create_default_experiment` sets it too); the session's own
 * mode is put back afterwards because the connection returns to the pool. `conn` must be one
 * pinned connection (the schema lock's), since sql_mode is per session.
 */
async function withMysqlExplicitZeroId<T>(conn: AnyDb, fn: (conn: AnyDb) => Promise<T>): Promise<T> {
  const { rows } = await sql<{ mode: string }>`SELECT @@SESSION.sql_mode AS mode`.execute(conn);
  const previous = rows[0]?.mode ?? '';
  await sql`SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'NO_AUTO_VALUE_ON_ZERO')`.execute(conn);
  try {
    return await fn(conn);
  } finally {
    await sql`SET SESSION sql_mode = ${previous}`.execute(conn);
  }
}

function outOfDateError(found: string | null): Error {
  return new Error(
    `Detected out-of-date database schema (found version ${found ?? 'None'}, but expected ${HEAD_REVISION}). ` +
      "Take a backup of your database, then run 'darwin-mlflow db upgrade <database_uri>' to migrate your database " +
      "to the latest schema. NOTE: schema migration may result in database downtime - please consult your database's " +
      'documentation for more detail.',
  );
}
