/**
 * Reads and writes of the auth database (MLflow's users and permission tables, our tokens,
 * sessions and audit log). Messages of user-facing errors are MLflow's (sqlalchemy_store.py).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { toBool, toInt } from '../db/ints.js';
import type { BoolColumn } from '../db/tables.js';
import type { PermissionName } from './permissions.js';

type Id = ColumnType<number | bigint | string, number | undefined, never>;
type Big = ColumnType<number | bigint | string, number, number>;
type NullableBig = ColumnType<number | bigint | string | null, number | null, number | null>;

export interface AuthTables {
  users: { id: Id; username: string; password_hash: string | null; is_admin: BoolColumn | null };
  experiment_permissions: { id: Id; experiment_id: string; user_id: number; permission: string | null };
  registered_model_permissions: { id: Id; name: string; user_id: number; permission: string | null };
  darwin_access_tokens: {
    id: string;
    user_id: number;
    name: string;
    token_hash: string;
    created_at: Big;
    expires_at: NullableBig;
    last_used_at: NullableBig;
  };
  darwin_sessions: { id_hash: string; user_id: number; csrf_token: string; created_at: Big; expires_at: Big };
  darwin_audit_log: { id: Id; time: Big; username: string | null; action: string; target: string | null; client: string | null };
  darwin_login_failures: { subject: string; failures: ColumnType<number | bigint | string, number, unknown>; reset_at: ColumnType<number | bigint | string, number, unknown> };
}

type AuthDb = Kysely<AuthTables>;

export interface UserRow {
  id: number;
  username: string;
  passwordHash: string | null;
  isAdmin: boolean;
}

export interface ExperimentPermissionRow {
  experimentId: string;
  userId: number;
  permission: PermissionName;
}

export interface ModelPermissionRow {
  name: string;
  userId: number;
  permission: PermissionName;
}

export interface TokenRow {
  id: string;
  userId: number;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export interface SessionRow {
  userId: number;
  csrfToken: string;
  expiresAt: number;
}

export interface AuditEntry {
  id: number;
  time: number;
  username: string | null;
  action: string;
  target: string | null;
  client: string | null;
}

function userRow(r: { id: number | bigint | string; username: string; password_hash: string | null; is_admin: unknown }): UserRow {
  return { id: toInt(r.id), username: r.username, passwordHash: r.password_hash, isAdmin: r.is_admin === null ? false : toBool(r.is_admin as number) };
}

const num = (v: number | bigint | string): number => Number(v);
const numOrNull = (v: number | bigint | string | null): number | null => (v === null ? null : Number(v));

export function userNotFound(username: string): MlflowError {
  return MlflowError.notFound(`User with username=${username} not found`);
}

export class AuthStore {
  constructor(readonly database: Database) {}

  private get db(): AuthDb {
    return this.database.db as unknown as AuthDb;
  }

  private read<T>(fn: (db: AuthDb) => Promise<T>): Promise<T> {
    return this.database.read((db) => fn(db as unknown as AuthDb));
  }

  private write<T>(fn: (db: AuthDb) => Promise<T>): Promise<T> {
    return this.database.write((db) => fn(db as unknown as AuthDb));
  }

  // ---- users

  async findUser(username: string): Promise<UserRow | undefined> {
    const r = await this.read((db) => db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst());
    return r ? userRow(r) : undefined;
  }

  async findUserById(id: number): Promise<UserRow | undefined> {
    const r = await this.read((db) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
    return r ? userRow(r) : undefined;
  }

  async getUser(username: string): Promise<UserRow> {
    const user = await this.findUser(username);
    if (!user) throw userNotFound(username);
    return user;
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.read((db) => db.selectFrom('users').selectAll().orderBy('id').execute());
    return rows.map(userRow);
  }

  async createUser(username: string, passwordHash: string, isAdmin: boolean): Promise<UserRow> {
    try {
      await this.write((db) => db.insertInto('users').values({ username, password_hash: passwordHash, is_admin: this.bool(isAdmin) }).execute());
    } catch (err) {
      if (this.isUnique(err)) {
        throw MlflowError.alreadyExists(`User (username=${username}) already exists. Error: ${uniqueDetail(err)}`);
      }
      throw err;
    }
    return this.getUser(username);
  }

  async updateUser(username: string, changes: { passwordHash?: string; isAdmin?: boolean }): Promise<UserRow> {
    const user = await this.getUser(username);
    const values: { password_hash?: string; is_admin?: boolean | number } = {};
    if (changes.passwordHash !== undefined) values.password_hash = changes.passwordHash;
    if (changes.isAdmin !== undefined) values.is_admin = this.bool(changes.isAdmin);
    if (Object.keys(values).length > 0) await this.write((db) => db.updateTable('users').set(values).where('id', '=', user.id).execute());
    return { ...user, ...(changes.passwordHash !== undefined ? { passwordHash: changes.passwordHash } : {}), ...(changes.isAdmin !== undefined ? { isAdmin: changes.isAdmin } : {}) };
  }

  /** Deletes the user with everything that hangs off it (MLflow fails while permission rows exist). */
  async deleteUser(username: string): Promise<UserRow> {
    const user = await this.getUser(username);
    await this.write(async (db) => {
      await db.deleteFrom('experiment_permissions').where('user_id', '=', user.id).execute();
      await db.deleteFrom('registered_model_permissions').where('user_id', '=', user.id).execute();
      await db.deleteFrom('darwin_access_tokens').where('user_id', '=', user.id).execute();
      await db.deleteFrom('darwin_sessions').where('user_id', '=', user.id).execute();
      await db.deleteFrom('users').where('id', '=', user.id).execute();
    });
    return user;
  }

  // ---- experiment permissions

  async experimentPermission(experimentId: string, userId: number): Promise<PermissionName | undefined> {
    const r = await this.read((db) =>
      db.selectFrom('experiment_permissions').select('permission').where('experiment_id', '=', experimentId).where('user_id', '=', userId).executeTakeFirst(),
    );
    return (r?.permission ?? undefined) as PermissionName | undefined;
  }

  async listExperimentPermissionsOfUser(userId: number): Promise<ExperimentPermissionRow[]> {
    const rows = await this.read((db) =>
      db.selectFrom('experiment_permissions').select(['experiment_id', 'user_id', 'permission']).where('user_id', '=', userId).orderBy('id').execute(),
    );
    return rows.map((r) => ({ experimentId: r.experiment_id, userId: toInt(r.user_id), permission: r.permission as PermissionName }));
  }

  async listExperimentPermissions(experimentId: string): Promise<Array<{ username: string; permission: PermissionName }>> {
    const rows = await this.read((db) =>
      db
        .selectFrom('experiment_permissions')
        .innerJoin('users', 'users.id', 'experiment_permissions.user_id')
        .select(['users.username', 'experiment_permissions.permission'])
        .where('experiment_permissions.experiment_id', '=', experimentId)
        .orderBy('users.username')
        .execute(),
    );
    return rows.map((r) => ({ username: r.username, permission: r.permission as PermissionName }));
  }

  async createExperimentPermission(experimentId: string, username: string, permission: PermissionName): Promise<ExperimentPermissionRow> {
    const user = await this.getUser(username);
    try {
      await this.write((db) => db.insertInto('experiment_permissions').values({ experiment_id: experimentId, user_id: user.id, permission }).execute());
    } catch (err) {
      if (this.isUnique(err)) {
        throw MlflowError.alreadyExists(
          `Experiment permission (experiment_id=${experimentId}, username=${username}) already exists. Error: ${uniqueDetail(err)}`,
        );
      }
      throw err;
    }
    return { experimentId, userId: user.id, permission };
  }

  /** Grants `permission`, replacing any row the user had (the creator's MANAGE, /v1 grants). */
  async setExperimentPermission(experimentId: string, userId: number, permission: PermissionName): Promise<void> {
    await this.write(async (db) => {
      await db.deleteFrom('experiment_permissions').where('experiment_id', '=', experimentId).where('user_id', '=', userId).execute();
      await db.insertInto('experiment_permissions').values({ experiment_id: experimentId, user_id: userId, permission }).execute();
    });
  }

  async getExperimentPermission(experimentId: string, username: string): Promise<ExperimentPermissionRow> {
    const user = await this.getUser(username);
    const permission = await this.experimentPermission(experimentId, user.id);
    if (permission === undefined) {
      throw MlflowError.notFound(`Experiment permission with experiment_id=${experimentId} and username=${username} not found`);
    }
    return { experimentId, userId: user.id, permission };
  }

  async updateExperimentPermission(experimentId: string, username: string, permission: PermissionName): Promise<void> {
    const row = await this.getExperimentPermission(experimentId, username);
    await this.write((db) =>
      db.updateTable('experiment_permissions').set({ permission }).where('experiment_id', '=', experimentId).where('user_id', '=', row.userId).execute(),
    );
  }

  async deleteExperimentPermission(experimentId: string, username: string): Promise<void> {
    const row = await this.getExperimentPermission(experimentId, username);
    await this.write((db) =>
      db.deleteFrom('experiment_permissions').where('experiment_id', '=', experimentId).where('user_id', '=', row.userId).execute(),
    );
  }

  async deleteAllExperimentPermissions(experimentId: string): Promise<void> {
    await this.write((db) => db.deleteFrom('experiment_permissions').where('experiment_id', '=', experimentId).execute());
  }

  // ---- registered model permissions

  async modelPermission(name: string, userId: number): Promise<PermissionName | undefined> {
    const r = await this.read((db) =>
      db.selectFrom('registered_model_permissions').select('permission').where('name', '=', name).where('user_id', '=', userId).executeTakeFirst(),
    );
    return (r?.permission ?? undefined) as PermissionName | undefined;
  }

  async listModelPermissionsOfUser(userId: number): Promise<ModelPermissionRow[]> {
    const rows = await this.read((db) =>
      db.selectFrom('registered_model_permissions').select(['name', 'user_id', 'permission']).where('user_id', '=', userId).orderBy('id').execute(),
    );
    return rows.map((r) => ({ name: r.name, userId: toInt(r.user_id), permission: r.permission as PermissionName }));
  }

  async listModelPermissions(name: string): Promise<Array<{ username: string; permission: PermissionName }>> {
    const rows = await this.read((db) =>
      db
        .selectFrom('registered_model_permissions')
        .innerJoin('users', 'users.id', 'registered_model_permissions.user_id')
        .select(['users.username', 'registered_model_permissions.permission'])
        .where('registered_model_permissions.name', '=', name)
        .orderBy('users.username')
        .execute(),
    );
    return rows.map((r) => ({ username: r.username, permission: r.permission as PermissionName }));
  }

  async createModelPermission(name: string, username: string, permission: PermissionName): Promise<ModelPermissionRow> {
    const user = await this.getUser(username);
    try {
      await this.write((db) => db.insertInto('registered_model_permissions').values({ name, user_id: user.id, permission }).execute());
    } catch (err) {
      if (this.isUnique(err)) {
        throw MlflowError.alreadyExists(`Registered model permission (name=${name}, username=${username}) already exists. Error: ${uniqueDetail(err)}`);
      }
      throw err;
    }
    return { name, userId: user.id, permission };
  }

  async setModelPermission(name: string, userId: number, permission: PermissionName): Promise<void> {
    await this.write(async (db) => {
      await db.deleteFrom('registered_model_permissions').where('name', '=', name).where('user_id', '=', userId).execute();
      await db.insertInto('registered_model_permissions').values({ name, user_id: userId, permission }).execute();
    });
  }

  async getModelPermission(name: string, username: string): Promise<ModelPermissionRow> {
    const user = await this.getUser(username);
    const permission = await this.modelPermission(name, user.id);
    if (permission === undefined) {
      throw MlflowError.notFound(`Registered model permission with name=${name} and username=${username} not found`);
    }
    return { name, userId: user.id, permission };
  }

  async updateModelPermission(name: string, username: string, permission: PermissionName): Promise<void> {
    const row = await this.getModelPermission(name, username);
    await this.write((db) =>
      db.updateTable('registered_model_permissions').set({ permission }).where('name', '=', name).where('user_id', '=', row.userId).execute(),
    );
  }

  async deleteModelPermission(name: string, username: string): Promise<void> {
    const row = await this.getModelPermission(name, username);
    await this.write((db) => db.deleteFrom('registered_model_permissions').where('name', '=', name).where('user_id', '=', row.userId).execute());
  }

  async deleteAllModelPermissions(name: string): Promise<void> {
    await this.write((db) => db.deleteFrom('registered_model_permissions').where('name', '=', name).execute());
  }

  /** A renamed model keeps its grants, and the old name keeps none. */
  async renameModelPermissions(from: string, to: string): Promise<void> {
    await this.write(async (db) => {
      await db.deleteFrom('registered_model_permissions').where('name', '=', to).execute();
      await db.updateTable('registered_model_permissions').set({ name: to }).where('name', '=', from).execute();
    });
  }

  // ---- access tokens

  async createToken(row: { id: string; userId: number; name: string; tokenHash: string; createdAt: number; expiresAt: number | null }): Promise<void> {
    await this.write((db) =>
      db
        .insertInto('darwin_access_tokens')
        .values({ id: row.id, user_id: row.userId, name: row.name, token_hash: row.tokenHash, created_at: row.createdAt, expires_at: row.expiresAt, last_used_at: null })
        .execute(),
    );
  }

  async findTokenByHash(tokenHash: string): Promise<(TokenRow & { user: UserRow }) | undefined> {
    const r = await this.read((db) =>
      db
        .selectFrom('darwin_access_tokens')
        .innerJoin('users', 'users.id', 'darwin_access_tokens.user_id')
        .select([
          'darwin_access_tokens.id as token_id',
          'darwin_access_tokens.name',
          'darwin_access_tokens.created_at',
          'darwin_access_tokens.expires_at',
          'darwin_access_tokens.last_used_at',
          'users.id',
          'users.username',
          'users.password_hash',
          'users.is_admin',
        ])
        .where('darwin_access_tokens.token_hash', '=', tokenHash)
        .executeTakeFirst(),
    );
    if (!r) return undefined;
    const user = userRow(r);
    return { id: r.token_id, userId: user.id, name: r.name, createdAt: num(r.created_at), expiresAt: numOrNull(r.expires_at), lastUsedAt: numOrNull(r.last_used_at), user };
  }

  async touchToken(id: string, now: number): Promise<void> {
    await this.write((db) => db.updateTable('darwin_access_tokens').set({ last_used_at: now }).where('id', '=', id).execute());
  }

  async listTokens(userId: number): Promise<TokenRow[]> {
    const rows = await this.read((db) =>
      db.selectFrom('darwin_access_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map((r) => ({ id: r.id, userId: toInt(r.user_id), name: r.name, createdAt: num(r.created_at), expiresAt: numOrNull(r.expires_at), lastUsedAt: numOrNull(r.last_used_at) }));
  }

  /** True when a token of that user was deleted. */
  async deleteToken(id: string, userId: number | undefined): Promise<boolean> {
    const result = await this.write((db) => {
      let q = db.deleteFrom('darwin_access_tokens').where('id', '=', id);
      if (userId !== undefined) q = q.where('user_id', '=', userId);
      return q.executeTakeFirst();
    });
    return Number(result.numDeletedRows) > 0;
  }

  // ---- sessions

  async createSession(idHash: string, userId: number, csrfToken: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.write(async (db) => {
      await db.deleteFrom('darwin_sessions').where('expires_at', '<', createdAt).execute();
      await db.insertInto('darwin_sessions').values({ id_hash: idHash, user_id: userId, csrf_token: csrfToken, created_at: createdAt, expires_at: expiresAt }).execute();
    });
  }

  async findSession(idHash: string): Promise<(SessionRow & { user: UserRow }) | undefined> {
    const r = await this.read((db) =>
      db
        .selectFrom('darwin_sessions')
        .innerJoin('users', 'users.id', 'darwin_sessions.user_id')
        .select(['darwin_sessions.csrf_token', 'darwin_sessions.expires_at', 'users.id', 'users.username', 'users.password_hash', 'users.is_admin'])
        .where('darwin_sessions.id_hash', '=', idHash)
        .executeTakeFirst(),
    );
    if (!r) return undefined;
    const user = userRow(r);
    return { userId: user.id, csrfToken: r.csrf_token, expiresAt: num(r.expires_at), user };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.write((db) => db.deleteFrom('darwin_sessions').where('id_hash', '=', idHash).execute());
  }

  async deleteSessionsOfUser(userId: number): Promise<void> {
    await this.write((db) => db.deleteFrom('darwin_sessions').where('user_id', '=', userId).execute());
  }

  // ---- audit

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.write((db) => db.insertInto('darwin_audit_log').values(entry).execute());
  }

  /** Newest first; `beforeId` pages backwards. */
  async listAudit(limit: number, beforeId: number | undefined): Promise<AuditEntry[]> {
    const rows = await this.read((db) => {
      let q = db.selectFrom('darwin_audit_log').selectAll();
      if (beforeId !== undefined) q = q.where('id', '<', beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute();
    });
    return rows.map((r) => ({ id: toInt(r.id), time: num(r.time), username: r.username, action: r.action, target: r.target, client: r.client }));
  }

  /** BOOLEAN is an integer on SQLite and MySQL. */
  private bool(value: boolean): boolean | number {
    return this.database.dialect === 'postgres' ? value : value ? 1 : 0;
  }

  private isUnique(err: unknown): boolean {
    return this.database.classify(err instanceof MlflowError ? err.cause : err) === 'unique';
  }
}

function uniqueDetail(err: unknown): string {
  const cause = err instanceof MlflowError ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
