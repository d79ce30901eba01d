/**
 * Users, permissions, tokens, sessions and the audit log: the operations behind MLflow's
 * basic-auth routes, the session endpoints and the /v1 admin routes, with their validation.
 * Every change of a credential or a grant drops this process's caches at once; other
 * processes see it within CACHE_TTL_MS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { MlflowError } from '@darwin-mlflow/contract';
import type { AuthConfig } from '../config/authConfig.js';
import { Database } from '../db/database.js';
import { AccessControl } from './access.js';
import { CredentialVerifier, sha256Hex } from './credentials.js';
import type { Authentication, Principal } from './credentials.js';
import { hashPassword } from './passwords.js';
import { validatePermission } from './permissions.js';
import type { PermissionName } from './permissions.js';
import { ensureAuthSchema } from './schema.js';
import { AuthStore } from './store.js';
import type { AuditEntry, TokenRow, UserRow } from './store.js';

export interface UserJson {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions: Array<{ experiment_id: string; permission: string; user_id: number }>;
  registered_model_permissions: Array<{ name: string; permission: string; user_id: number }>;
}

export interface NewToken {
  token: string;
  row: TokenRow;
}

export interface NewSession {
  cookie: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
}

const MAX_TOKEN_DAYS = 3650;

/** The routes (`METHOD keyPath`) whose success afterSuccess acts on; enforce.ts hooks only these. */
export const UPKEEP_ROUTES: ReadonlySet<string> = new Set([
  'POST /mlflow/experiments/create',
  'POST /mlflow/registered-models/create',
  'POST /mlflow/registered-models/rename',
  'DELETE /mlflow/registered-models/delete',
  'POST /mlflow/experiments/delete',
  'POST /mlflow/experiments/restore',
  'POST /mlflow/runs/delete',
  'DELETE /mlflow/model-versions/delete',
]);

export class AuthService {
  readonly store: AuthStore;
  readonly verifier: CredentialVerifier;
  readonly access: AccessControl;

  constructor(
    readonly config: AuthConfig,
    private readonly database: Database,
    tracking: Database,
  ) {
    this.store = new AuthStore(database);
    this.verifier = new CredentialVerifier(this.store, config);
    this.access = new AccessControl(this.store, tracking, config.defaultPermission);
  }

  static open(config: AuthConfig, tracking: Database, options: { cwd: string }): AuthService {
    return new AuthService(config, Database.open(config.databaseUri, { pool: { size: 4 }, cwd: options.cwd }), tracking);
  }

  /** Schema and first admin; safe to run from several processes at once. */
  async initialize(log: (line: string) => void = console.log): Promise<void> {
    await ensureAuthSchema(this.database);
    if (await this.store.findUser(this.config.adminUsername)) return;
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.store.createUser(this.config.adminUsername, await hashPassword(password), true);
    } catch (err) {
      // another process created it first
      if (await this.store.findUser(this.config.adminUsername)) return;
      throw err;
    }
    await this.audit(undefined, 'user.create_admin', this.config.adminUsername, 'startup');
    if (generated) {
      log(
        `Created the admin user '${this.config.adminUsername}' with the generated password: ${password}\n` +
          'It is shown only this once. Change it with PATCH /api/2.0/mlflow/users/update-password, ' +
          'or set admin_password in MLFLOW_AUTH_CONFIG_PATH / VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD before the first start.',
      );
    } else {
      log(`Created the admin user '${this.config.adminUsername}'.`);
    }
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  // ---- users

  async createUser(username: unknown, password: unknown, by: Principal | undefined, client: string, isAdmin = false): Promise<UserRow> {
    const name = validateUsername(username);
    const pw = validatePassword(password);
    const user = await this.store.createUser(name, await hashPassword(pw), isAdmin);
    await this.audit(by, 'user.create', name, client);
    return user;
  }

  async userJson(user: UserRow): Promise<UserJson> {
    const [experiments, models] = await Promise.all([
      this.store.listExperimentPermissionsOfUser(user.id),
      this.store.listModelPermissionsOfUser(user.id),
    ]);
    return {
      experiment_permissions: experiments.map((p) => ({ experiment_id: p.experimentId, permission: p.permission, user_id: p.userId })),
      id: user.id,
      is_admin: user.isAdmin,
      registered_model_permissions: models.map((p) => ({ name: p.name, permission: p.permission, user_id: p.userId })),
      username: user.username,
    };
  }

  async updatePassword(username: string, password: unknown, by: Principal, client: string): Promise<void> {
    const pw = validatePassword(password);
    const user = await this.store.updateUser(username, { passwordHash: await hashPassword(pw) });
    await this.store.deleteSessionsOfUser(user.id);
    this.verifier.forget(user.id);
    await this.audit(by, 'user.update_password', username, client);
  }

  async updateAdmin(username: string, isAdmin: unknown, by: Principal, client: string): Promise<void> {
    const flag = parseBool(isAdmin);
    const user = await this.store.updateUser(username, { isAdmin: flag });
    this.verifier.forget(user.id);
    await this.audit(by, flag ? 'user.grant_admin' : 'user.revoke_admin', username, client);
  }

  async deleteUser(username: string, by: Principal, client: string): Promise<void> {
    const user = await this.store.deleteUser(username);
    this.verifier.forget(user.id);
    await this.audit(by, 'user.delete', username, client);
  }

  // ---- permissions (MLflow routes and /v1)

  async createExperimentPermission(experimentId: string, username: string, permission: unknown, by: Principal, client: string) {
    const row = await this.store.createExperimentPermission(experimentId, username, validatePermission(permission));
    await this.audit(by, 'permission.experiment.create', `experiment:${experimentId} user:${username} ${row.permission}`, client);
    return row;
  }

  async updateExperimentPermission(experimentId: string, username: string, permission: unknown, by: Principal, client: string) {
    const p = validatePermission(permission);
    await this.store.updateExperimentPermission(experimentId, username, p);
    await this.audit(by, 'permission.experiment.update', `experiment:${experimentId} user:${username} ${p}`, client);
  }

  async deleteExperimentPermission(experimentId: string, username: string, by: Principal, client: string) {
    await this.store.deleteExperimentPermission(experimentId, username);
    await this.audit(by, 'permission.experiment.delete', `experiment:${experimentId} user:${username}`, client);
  }

  /** /v1 grant: creates or replaces the user's row. */
  async grantExperiment(experimentId: string, username: string, permission: unknown, by: Principal, client: string): Promise<PermissionName> {
    const p = validatePermission(permission);
    const user = await this.store.getUser(username);
    await this.store.setExperimentPermission(experimentId, user.id, p);
    await this.audit(by, 'permission.experiment.grant', `experiment:${experimentId} user:${username} ${p}`, client);
    return p;
  }

  async createModelPermission(name: string, username: string, permission: unknown, by: Principal, client: string) {
    const row = await this.store.createModelPermission(name, username, validatePermission(permission));
    await this.audit(by, 'permission.model.create', `model:${name} user:${username} ${row.permission}`, client);
    return row;
  }

  async updateModelPermission(name: string, username: string, permission: unknown, by: Principal, client: string) {
    const p = validatePermission(permission);
    await this.store.updateModelPermission(name, username, p);
    await this.audit(by, 'permission.model.update', `model:${name} user:${username} ${p}`, client);
  }

  async deleteModelPermission(name: string, username: string, by: Principal, client: string) {
    await this.store.deleteModelPermission(name, username);
    await this.audit(by, 'permission.model.delete', `model:${name} user:${username}`, client);
  }

  async grantModel(name: string, username: string, permission: unknown, by: Principal, client: string): Promise<PermissionName> {
    const p = validatePermission(permission);
    const user = await this.store.getUser(username);
    await this.store.setModelPermission(name, user.id, p);
    await this.audit(by, 'permission.model.grant', `model:${name} user:${username} ${p}`, client);
    return p;
  }

  /** The creator of an experiment manages it; grants left by an earlier experiment with the same id go. */
  async experimentCreated(experimentId: string, creator: Principal): Promise<void> {
    await this.store.deleteAllExperimentPermissions(experimentId);
    await this.store.setExperimentPermission(experimentId, creator.id, 'MANAGE');
    this.access.forgetGrants();
  }

  /**
   * A deleted experiment keeps no grants (a later experiment can never inherit them); whoever
   * restores it (an admin, or anyone when the default permission is MANAGE) then manages it.
   */
  async experimentDeleted(experimentId: string, by: Principal, client: string): Promise<void> {
    await this.store.deleteAllExperimentPermissions(experimentId);
    await this.audit(by, 'experiment.delete', `experiment:${experimentId}`, client);
  }

  async experimentRestored(experimentId: string, by: Principal): Promise<void> {
    if ((await this.store.listExperimentPermissions(experimentId)).length === 0) await this.store.setExperimentPermission(experimentId, by.id, 'MANAGE');
    this.access.forgetGrants();
  }

  async modelCreated(name: string, creator: Principal): Promise<void> {
    await this.store.deleteAllModelPermissions(name);
    await this.store.setModelPermission(name, creator.id, 'MANAGE');
    this.access.forgetGrants();
  }

  /**
   * After a successful request (see ./enforce.ts): the permission rows follow creates, renames
   * and deletes, and deletes are audited.
   */
  async afterSuccess(
    key: string,
    principal: Principal,
    values: () => Record<string, unknown>,
    payload: unknown,
    client: string,
  ): Promise<void> {
    switch (key) {
      case 'POST /mlflow/experiments/create': {
        const id = jsonField(payload, ['experiment_id']);
        if (id !== undefined) await this.experimentCreated(id, principal);
        return;
      }
      case 'POST /mlflow/registered-models/create': {
        const name = jsonField(payload, ['registered_model', 'name']);
        if (name !== undefined) await this.modelCreated(name, principal);
        return;
      }
      case 'POST /mlflow/registered-models/rename': {
        const v = values();
        if (typeof v.name === 'string' && typeof v.new_name === 'string') await this.store.renameModelPermissions(v.name, v.new_name);
        this.access.forgetGrants();
        return;
      }
      case 'DELETE /mlflow/registered-models/delete': {
        const name = values().name;
        if (typeof name === 'string') {
          await this.store.deleteAllModelPermissions(name);
          await this.audit(principal, 'model.delete', `model:${name}`, client);
        }
        return;
      }
      case 'POST /mlflow/experiments/delete':
        await this.experimentDeleted(String(values().experiment_id), principal, client);
        return;
      case 'POST /mlflow/experiments/restore':
        await this.experimentRestored(String(values().experiment_id), principal);
        return;
      case 'POST /mlflow/runs/delete':
        await this.audit(principal, 'run.delete', `run:${String(values().run_id ?? values().run_uuid)}`, client);
        return;
      case 'DELETE /mlflow/model-versions/delete':
        await this.audit(principal, 'model_version.delete', `model:${String(values().name)} version:${String(values().version)}`, client);
        return;
      default:
        return;
    }
  }

  // ---- tokens

  async createToken(principal: Principal, name: unknown, expiresInDays: unknown, client: string): Promise<NewToken> {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255) {
      throw MlflowError.invalidParameter("A token needs a 'name' of 1 to 255 characters.");
    }
    let expiresAt: number | null = null;
    if (expiresInDays !== undefined && expiresInDays !== null) {
      const days = Number(expiresInDays);
      if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
        throw MlflowError.invalidParameter(`'expires_in_days' must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}.`);
      }
      expiresAt = Date.now() + days * 86_400_000;
    }
    const token = `dmt_${randomBytes(32).toString('base64url')}`;
    const row: TokenRow = { id: randomUUID(), userId: principal.id, name: name.trim(), createdAt: Date.now(), expiresAt, lastUsedAt: null };
    await this.store.createToken({ ...row, tokenHash: sha256Hex(token) });
    await this.audit(principal, 'token.create', `token:${row.id} ${row.name}`, client);
    return { token, row };
  }

  async revokeToken(principal: Principal, id: string, client: string): Promise<void> {
    const deleted = await this.store.deleteToken(id, principal.isAdmin ? undefined : principal.id);
    if (!deleted) throw MlflowError.notFound(`Token with id=${id} not found`);
    this.verifier.forget(principal.id);
    // an admin may revoke another user's token: drop every cached bearer credential
    if (principal.isAdmin) this.verifier.forgetAll();
    await this.audit(principal, 'token.revoke', `token:${id}`, client);
  }

  // ---- sessions

  async login(username: unknown, password: unknown, client: string): Promise<NewSession | Authentication> {
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      throw MlflowError.invalidParameter("Sign in with a JSON body {'username': ..., 'password': ...}.");
    }
    const result = await this.verifier.checkPassword(username, password, client);
    if (result.kind !== 'ok') {
      await this.audit(undefined, 'session.login_failed', `user:${username}`, client);
      return result;
    }
    const cookie = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.config.sessionTtlMs;
    await this.store.createSession(sha256Hex(cookie), result.principal.id, csrfToken, now, expiresAt);
    await this.audit(result.principal, 'session.login', `user:${username}`, client);
    return { cookie, csrfToken, expiresAt, principal: { ...result.principal, via: 'session', csrfToken } };
  }

  async logout(cookie: string | undefined, principal: Principal | undefined, client: string): Promise<void> {
    if (!cookie) return;
    await this.store.deleteSession(sha256Hex(cookie));
    if (principal) {
      this.verifier.forget(principal.id);
      await this.audit(principal, 'session.logout', `user:${principal.username}`, client);
    }
  }

  // ---- audit

  async audit(by: Principal | undefined, action: string, target: string, client: string): Promise<void> {
    // every change made here is audited: cached grants of this process go with it
    this.access.forgetGrants();
    await this.store.appendAudit({ time: Date.now(), username: by?.username ?? null, action, target: target.slice(0, 1000), client: client.slice(0, 255) });
  }

  listAudit(limit: number, beforeId: number | undefined): Promise<AuditEntry[]> {
    return this.store.listAudit(limit, beforeId);
  }
}

/** MLflow `_validate_username`. */
function validateUsername(username: unknown): string {
  if (typeof username !== 'string' || username === '') throw MlflowError.invalidParameter('Username cannot be empty.');
  if (username.length > 255) throw MlflowError.invalidParameter('Username must be at most 255 characters.');
  return username;
}

/** MLflow accepts an empty password; we do not. */
function validatePassword(password: unknown): string {
  if (typeof password !== 'string' || password === '') throw MlflowError.invalidParameter('Password cannot be empty.');
  if (password.length > 4096) throw MlflowError.invalidParameter('Password must be at most 4096 characters.');
  return password;
}

function parseBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw MlflowError.invalidParameter(`Invalid value for 'is_admin': ${JSON.stringify(value)} is not a boolean.`);
}

function jsonField(payload: unknown, path: readonly string[]): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    let v: unknown = JSON.parse(payload);
    for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  } catch {
    return undefined;
  }
}
