/**
 * Schema lifecycle at startup and for `darwin-mlflow db upgrade`, matching MLflow
 * (mlflow/store/db/utils.py and SqlAlchemyStore.__init__), with two heads served:
 * - an empty database gets MLflow 3.x's head (or, when asked, MLflow 2.12.2's head);
 * - a database at either head is served as it is, so an MLflow 2.12.2 server can keep sharing
 *   one at 2.12.2's head; the generation found decides which routes answer;
 * - any other revision is refused with the message naming `darwin-mlflow db upgrade`;
 * - with no experiment at all it inserts the Default experiment, id 0.
 * Every step holds the schema lock (./schema/lock.ts), so replicas may start together; on
 * MySQL even the startup check does (see canReadOutsideLock).
 */
import { sql } from 'kysely';
import type { Database } from './database.js';
import type { DialectName } from './backendUri.js';
import { execAll, listTables, readRevision, writeRevision } from './schema/catalog.js';
import type { AnyDb } from './schema/catalog.js';
import { headDdl } from './schema/ddl.js';
import { withSchemaLock } from './schema/lock.js';
import { HEAD_2X_REVISION, HEAD_REVISION, MLFLOW_2X_TABLES, isPast2xHead, tablesAt } from './schema/revisions.js';
import type { Revision, SchemaGeneration } from './schema/revisions.js';
import { runUpgrade } from './schema/upgrade.js';

export { HEAD_2X_REVISION, HEAD_REVISION } from './schema/revisions.js';
export type { SchemaGeneration } from './schema/revisions.js';

/** SQLite table rebuilds (./schema/steps/context.ts) need foreign keys off. */
const SCHEMA_WORK = { sqliteForeignKeysOff: true };

export interface UpgradeResult {
  /** Revision found before the upgrade; null for an empty database or the 0.9.1 base schema. */
  from: string | null;
  to: string;
}

export interface EnsureSchemaOptions {
  /** The head an empty database is created at (default: MLflow 3.x's). */
  createAt?: typeof HEAD_REVISION | typeof HEAD_2X_REVISION;
}

/** The startup check: initialise if needed, then require one of the two heads. */
export async function ensureSchema(database: Database, options: EnsureSchemaOptions = {}): Promise<SchemaGeneration> {
  if (canReadOutsideLock(database.dialect)) {
    const state = await inspectSchema(database.db, database.dialect);
    // Fast path for every start after the first: nothing to lock for.
    if (state.complete && isServedHead(state.revision)) return (database.generation = generationOf(state.revision));
  }
  const revision = await withSchemaLock(
    database,
    async (db) => {
      const current = await inspectSchema(db, database.dialect);
      // An incomplete database at a served head stays at it; anything else goes to `createAt`.
      const target = isServedHead(current.revision) ? current.revision : (options.createAt ?? HEAD_REVISION);
      if (!current.complete) await initialise(db, database.dialect, current, target);
      return readRevision(db, database.dialect);
    },
    SCHEMA_WORK,
  );
  if (!isServedHead(revision)) throw outOfDateError(revision);
  return (database.generation = generationOf(revision));
}

/**
 * Whether a schema read without the lock shows only finished migrations. PostgreSQL and SQLite
 * migrate in one transaction, so a reader sees the revision before or after it. MySQL/MariaDB
 * commit each step's DDL and revision row as they go: a replica starting while another migrates
 * an older database to 3.x's head can find 2.12.2's head on the way (a served head, with all its
 * tables), take it as final, and be refused moments later when the revision has moved on
 * (770bee3ae1dd, say) — or serve the wrong generation. There the check waits for the lock.
 */
function canReadOutsideLock(dialect: DialectName): boolean {
  return dialect !== 'mysql';
}

/** The generation of a database a primary process already initialised (workers). */
export async function readSchemaGeneration(database: Database): Promise<SchemaGeneration> {
  const revision = await readRevision(database.db, database.dialect);
  if (!isServedHead(revision)) throw outOfDateError(revision);
  return (database.generation = generationOf(revision));
}

/**
 * `db upgrade`: brings an empty database, the 0.9.1 base schema, or any revision of the chain
 * to MLflow 3.x's head (or, for tests, to an older revision `to`). Data is kept, and migrated
 * where a revision says so.
 */
export async function upgradeDatabase(database: Database, options: { to?: Revision } = {}): Promise<UpgradeResult> {
  const target = options.to ?? HEAD_REVISION;
  return withSchemaLock(
    database,
    async (db) => {
      const state = await inspectSchema(db, database.dialect);
      if (isHead(target)) await initialise(db, database.dialect, state, target);
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
  /** The tables of the head the database is at (or of 2.12.2's) all exist; others may too. */
  complete: boolean;
}

async function inspectSchema(db: AnyDb, dialect: DialectName): Promise<SchemaState> {
  const tables = await listTables(db, dialect);
  const revision = tables.includes('alembic_version') ? await readRevision(db, dialect) : null;
  const required = isServedHead(revision) ? tablesAt(revision) : MLFLOW_2X_TABLES;
  return { tables, revision, complete: required.every((t) => tables.includes(t)) };
}

async function initialise(db: AnyDb, dialect: DialectName, state: SchemaState, target: Revision): Promise<void> {
  const anyMlflowTable = MLFLOW_2X_TABLES.some((t) => state.tables.includes(t));
  if (!anyMlflowTable && state.revision === null) {
    // A fresh database: 2.12.2's head DDL directly, which is what the chain up to it produces.
    await execAll(db, await headDdl(db, dialect));
    await writeRevision(db, dialect, HEAD_2X_REVISION);
    if (target !== HEAD_2X_REVISION) await runUpgrade(db, dialect, HEAD_2X_REVISION, await listTables(db, dialect), target);
    return;
  }
  await runUpgrade(db, dialect, state.revision, state.tables, target);
}

function isHead(revision: string): revision is typeof HEAD_REVISION | typeof HEAD_2X_REVISION {
  return revision === HEAD_REVISION || revision === HEAD_2X_REVISION;
}

function isServedHead(revision: string | null): revision is typeof HEAD_REVISION | typeof HEAD_2X_REVISION {
  return revision !== null && isHead(revision);
}

function generationOf(revision: Revision): SchemaGeneration {
  return isPast2xHead(revision) ? '3.x' : '2.12.2';
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
    `Detected out-of-date database schema (found version ${found ?? 'None'}, but expected ${HEAD_REVISION}, ` +
      `or ${HEAD_2X_REVISION} for MLflow 2.12.2). ` +
      "Take a backup of your database, then run 'darwin-mlflow db upgrade <database_uri>' to migrate your database " +
      "to the latest schema. NOTE: schema migration may result in database downtime - please consult your database's " +
      'documentation for more detail.',
  );
}
