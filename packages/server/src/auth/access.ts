/**
 * Authorization decisions: a caller's effective permission on an experiment (runs inherit it)
 * or a registered model — their row if any, else the configured default; admins hold MANAGE on
 * everything — and the visibility filters that searches apply in SQL. Each check costs at most one
 * indexed query on the auth database (plus, for a run, one cached lookup of its experiment).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { Database } from '../db/database.js';
import { allows } from './permissions.js';
import type { Capability, PermissionName } from './permissions.js';
import type { Principal } from './credentials.js';
import type { AuthStore } from './store.js';
import type { Visibility } from '../search/visibility.js';


const RUN_CACHE_MAX = 100_000;
/** Grants are re-read at least this often, so a changed permission applies within 2 s on every replica. */
export const GRANT_CACHE_TTL_MS = 1_500;
const GRANT_CACHE_MAX = 100_000;

export class AccessControl {
  /** run_uuid -> experiment_id never changes, so it is cached. */
  private readonly runExperiments = new Map<string, string>();
  /** `<kind>:<userId>:<resource>` -> the user's row (null: none), briefly. */
  private readonly grants = new Map<string, { permission: PermissionName | null; expiresAt: number }>();

  constructor(
    private readonly store: AuthStore,
    private readonly tracking: Database,
    readonly defaultPermission: PermissionName,
  ) {}

  async experimentPermission(principal: Principal, experimentId: string): Promise<PermissionName> {
    if (principal.isAdmin) return 'MANAGE';
    return (await this.grant(`e:${principal.id}:${experimentId}`, () => this.store.experimentPermission(experimentId, principal.id))) ?? this.defaultPermission;
  }

  async modelPermission(principal: Principal, name: string): Promise<PermissionName> {
    if (principal.isAdmin) return 'MANAGE';
    return (await this.grant(`m:${principal.id}:${name}`, () => this.store.modelPermission(name, principal.id))) ?? this.defaultPermission;
  }

  /** Drops this process's cached grants (called on every grant change made here). */
  forgetGrants(): void {
    this.grants.clear();
  }

  private async grant(key: string, load: () => Promise<PermissionName | undefined>): Promise<PermissionName | undefined> {
    const now = Date.now();
    const hit = this.grants.get(key);
    if (hit && hit.expiresAt > now) return hit.permission ?? undefined;
    const permission = await load();
    if (this.grants.size >= GRANT_CACHE_MAX) this.grants.clear();
    this.grants.set(key, { permission: permission ?? null, expiresAt: now + GRANT_CACHE_TTL_MS });
    return permission;
  }

  async canOnExperiment(principal: Principal, experimentId: string, need: Capability): Promise<boolean> {
    return allows(await this.experimentPermission(principal, experimentId), need);
  }

  async canOnModel(principal: Principal, name: string, need: Capability): Promise<boolean> {
    return allows(await this.modelPermission(principal, name), need);
  }

  async canOnRun(principal: Principal, runId: string, need: Capability): Promise<boolean> {
    if (principal.isAdmin) return true;
    return this.canOnExperiment(principal, await this.runExperimentId(runId), need);
  }

  async experimentVisibility(principal: Principal): Promise<Visibility | undefined> {
    if (principal.isAdmin) return undefined;
    const rows = await this.store.listExperimentPermissionsOfUser(principal.id);
    return visibility(rows.map((r) => [r.experimentId, r.permission]), this.defaultPermission);
  }

  async modelVisibility(principal: Principal): Promise<Visibility | undefined> {
    if (principal.isAdmin) return undefined;
    const rows = await this.store.listModelPermissionsOfUser(principal.id);
    return visibility(rows.map((r) => [r.name, r.permission]), this.defaultPermission);
  }

  /** The run's experiment; 404 as MLflow's get_run when there is no such run. */
  async runExperimentId(runId: string): Promise<string> {
    const cached = this.runExperiments.get(runId);
    if (cached !== undefined) return cached;
    const row = await this.tracking.read((db) => db.selectFrom('runs').select('experiment_id').where('run_uuid', '=', runId).executeTakeFirst());
    if (!row || row.experiment_id === null) throw MlflowError.notFound(`Run with id=${runId} not found`);
    const id = String(row.experiment_id);
    if (this.runExperiments.size >= RUN_CACHE_MAX) this.runExperiments.clear();
    this.runExperiments.set(runId, id);
    return id;
  }

  /** MLflow 3.x: a logged model is covered by its experiment's permissions. */
  async loggedModelExperimentId(modelId: string): Promise<string> {
    const row = await this.tracking.read((db) => db.selectFrom('logged_models').select('experiment_id').where('model_id', '=', modelId).executeTakeFirst());
    if (!row) throw new MlflowError(`Logged model with ID '${modelId}' not found.`, 'RESOURCE_DOES_NOT_EXIST');
    return String(row.experiment_id);
  }

  /** MLflow 3.x: a trace is covered by its experiment's permissions. */
  async traceExperimentId(traceId: string): Promise<string> {
    const row = await this.tracking.read((db) => db.selectFrom('trace_info').select('experiment_id').where('request_id', '=', traceId).executeTakeFirst());
    if (!row) throw new MlflowError(`Trace with ID '${traceId}' not found.`, 'RESOURCE_DOES_NOT_EXIST');
    return String(row.experiment_id);
  }

  /** MLflow's basic-auth lookup for experiments/get-by-name. */
  async experimentIdByName(name: string): Promise<string> {
    const row = await this.tracking.read((db) => db.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst());
    if (!row) throw MlflowError.notFound(`Could not find experiment with name ${name}`);
    return String(row.experiment_id);
  }
}

function visibility(rows: Array<[string, PermissionName]>, fallback: PermissionName): Visibility {
  if (allows(fallback, 'read')) return { deny: rows.filter(([, p]) => !allows(p, 'read')).map(([id]) => id) };
  return { allow: rows.filter(([, p]) => allows(p, 'read')).map(([id]) => id) };
}
