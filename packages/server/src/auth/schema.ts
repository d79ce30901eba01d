/**
 * The auth database: MLflow 2.12.2's basic-auth tables (head `8606fa83a998`, spec §6.5) so an
 * existing MLflow auth database is adopted as is, plus Darwin's tables beside them (tokens,
 * sessions, audit, failed sign-ins). Created under the schema lock, so replicas may start together.
 *
 * One deliberate change on MySQL/MariaDB: MLflow names both foreign keys `fk_user_id`, which
 * InnoDB refuses (FK names are unique per schema), so MLflow's own migration stops half way
 * there. Ours names the second one `fk_rm_user_id`, and completes a half-migrated database.
 */
import type { DialectName } from '../db/backendUri.js';
import type { Database } from '../db/database.js';
import { execAll, listTables, readRevision, writeRevision } from '../db/schema/catalog.js';
import type { AnyDb } from '../db/schema/catalog.js';
import { mysqlTableOptions } from '../db/schema/ddl.js';
import { withSchemaLock } from '../db/schema/lock.js';

export const AUTH_HEAD_REVISION = '8606fa83a998';

interface Types {
  id: string;
  bool: string;
  bigint: string;
  text: string;
}

const TYPES: Readonly<Record<DialectName, Types>> = {
  sqlite: { id: 'INTEGER NOT NULL', bool: 'BOOLEAN', bigint: 'BIGINT', text: 'TEXT' },
  mysql: { id: 'INTEGER NOT NULL AUTO_INCREMENT', bool: 'BOOL', bigint: 'BIGINT', text: 'TEXT' },
  postgres: { id: 'SERIAL NOT NULL', bool: 'BOOLEAN', bigint: 'BIGINT', text: 'TEXT' },
};

function mlflowTables(dialect: DialectName, options: string): Record<string, string[]> {
  const t = TYPES[dialect];
  return {
    users: [
      `CREATE TABLE users (id ${t.id}, username VARCHAR(255), password_hash VARCHAR(255), is_admin ${t.bool}, PRIMARY KEY (id), UNIQUE (username))${options}`,
    ],
    experiment_permissions: [
      `CREATE TABLE experiment_permissions (id ${t.id}, experiment_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255), PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id), CONSTRAINT unique_experiment_user UNIQUE (experiment_id, user_id))${options}`,
    ],
    registered_model_permissions: [
      `CREATE TABLE registered_model_permissions (id ${t.id}, name VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255), PRIMARY KEY (id), CONSTRAINT ${dialect === 'mysql' ? 'fk_rm_user_id' : 'fk_user_id'} FOREIGN KEY(user_id) REFERENCES users (id), CONSTRAINT unique_name_user UNIQUE (name, user_id))${options}`,
    ],
  };
}

function darwinTables(dialect: DialectName, options: string): Record<string, string[]> {
  const t = TYPES[dialect];
  return {
    darwin_access_tokens: [
      `CREATE TABLE darwin_access_tokens (id VARCHAR(36) NOT NULL, user_id INTEGER NOT NULL, name VARCHAR(255) NOT NULL, token_hash VARCHAR(64) NOT NULL, created_at ${t.bigint} NOT NULL, expires_at ${t.bigint}, last_used_at ${t.bigint}, PRIMARY KEY (id), CONSTRAINT uq_darwin_token_hash UNIQUE (token_hash))${options}`,
      'CREATE INDEX idx_darwin_tokens_user ON darwin_access_tokens (user_id)',
    ],
    darwin_sessions: [
      `CREATE TABLE darwin_sessions (id_hash VARCHAR(64) NOT NULL, user_id INTEGER NOT NULL, csrf_token VARCHAR(64) NOT NULL, created_at ${t.bigint} NOT NULL, expires_at ${t.bigint} NOT NULL, PRIMARY KEY (id_hash))${options}`,
      'CREATE INDEX idx_darwin_sessions_user ON darwin_sessions (user_id)',
    ],
    darwin_audit_log: [
      `CREATE TABLE darwin_audit_log (id ${t.id}, time ${t.bigint} NOT NULL, username VARCHAR(255), action VARCHAR(64) NOT NULL, target VARCHAR(1000), client VARCHAR(255), PRIMARY KEY (id))${options}`,
    ],
    // failed sign-ins per `u:<username>` and `c:<client address>`, shared by replicas (./limiter.ts)
    darwin_login_failures: [
      `CREATE TABLE darwin_login_failures (subject VARCHAR(300) NOT NULL, failures INTEGER NOT NULL, reset_at ${t.bigint} NOT NULL, PRIMARY KEY (subject))${options}`,
    ],
  };
}

const ALL_TABLES = ['users', 'experiment_permissions', 'registered_model_permissions', 'darwin_access_tokens', 'darwin_sessions', 'darwin_audit_log', 'darwin_login_failures'];

/** Creates whatever is missing and records MLflow's auth revision; never alters existing tables. */
export async function ensureAuthSchema(database: Database): Promise<void> {
  const present = new Set(await listTables(database.db, database.dialect));
  if (ALL_TABLES.every((t) => present.has(t)) && (await readRevision(database.db, database.dialect)) === AUTH_HEAD_REVISION) return;
  await withSchemaLock(database, async (db) => {
    await createMissing(db, database.dialect);
    const revision = await readRevision(db, database.dialect);
    if (revision === null) await writeRevision(db, database.dialect, AUTH_HEAD_REVISION);
    else if (revision !== AUTH_HEAD_REVISION) {
      throw new Error(`The auth database is at revision ${revision}; this server knows MLflow 2.12.2's auth revision ${AUTH_HEAD_REVISION} only.`);
    }
  });
}

async function createMissing(db: AnyDb, dialect: DialectName): Promise<void> {
  const present = new Set(await listTables(db, dialect));
  const options = dialect === 'mysql' ? ` ${await mysqlTableOptions(db)}` : '';
  const tables = { ...mlflowTables(dialect, options), ...darwinTables(dialect, options) };
  for (const [name, statements] of Object.entries(tables)) {
    if (!present.has(name)) await execAll(db, statements);
  }
}
