/**
 * MLflow basic-auth admin RPCs (`mlflow.server.auth`, same paths and bodies as MLflow 2.12.2)
 * and Darwin's `auth/me`. Available when the server runs with `--app-name basic-auth`.
 */
import type { Api } from '../api.js';
import type { ExperimentPermission, Permission, RegisteredModelPermission, SessionInfo, User } from '../types.js';

const BASE = '/api/2.0/mlflow';

export class Users {
  constructor(private readonly api: Api) {}

  async create(username: string, password: string): Promise<User> {
    return (await this.api.raw<{ user: User }>('POST', `${BASE}/users/create`, { json: { username, password } })).user;
  }

  async get(username: string): Promise<User> {
    return (await this.api.raw<{ user: User }>('GET', `${BASE}/users/get`, { query: { username } })).user;
  }

  async updatePassword(username: string, password: string): Promise<void> {
    await this.api.raw('PATCH', `${BASE}/users/update-password`, { json: { username, password }, idempotent: true });
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    await this.api.raw('PATCH', `${BASE}/users/update-admin`, { json: { username, is_admin: isAdmin }, idempotent: true });
  }

  async delete(username: string): Promise<void> {
    await this.api.raw('DELETE', `${BASE}/users/delete`, { json: { username } });
  }

  /** Who the configured credentials are (`GET auth/me`, public; Darwin servers only). */
  me(): Promise<SessionInfo> {
    return this.api.raw<SessionInfo>('GET', '/auth/me');
  }
}

interface PermissionKinds {
  experiment: { key: 'experiment_id'; path: 'experiments'; result: ExperimentPermission; field: 'experiment_permission' };
  model: { key: 'name'; path: 'registered-models'; result: RegisteredModelPermission; field: 'registered_model_permission' };
}

/** Per-user permissions on one experiment or one registered model. */
export class ResourcePermissions<K extends keyof PermissionKinds> {
  constructor(
    private readonly api: Api,
    private readonly key: PermissionKinds[K]['key'],
    private readonly path: PermissionKinds[K]['path'],
    private readonly field: PermissionKinds[K]['field'],
  ) {}

  async create(resource: string, username: string, permission: Permission): Promise<PermissionKinds[K]['result']> {
    const res = await this.api.raw<Record<string, PermissionKinds[K]['result']>>('POST', this.url('create'), {
      json: { [this.key]: resource, username, permission },
    });
    return res[this.field] as PermissionKinds[K]['result'];
  }

  async get(resource: string, username: string): Promise<PermissionKinds[K]['result']> {
    const res = await this.api.raw<Record<string, PermissionKinds[K]['result']>>('GET', this.url('get'), {
      query: { [this.key]: resource, username },
    });
    return res[this.field] as PermissionKinds[K]['result'];
  }

  async update(resource: string, username: string, permission: Permission): Promise<void> {
    await this.api.raw('PATCH', this.url('update'), { json: { [this.key]: resource, username, permission }, idempotent: true });
  }

  async delete(resource: string, username: string): Promise<void> {
    await this.api.raw('DELETE', this.url('delete'), { json: { [this.key]: resource, username } });
  }

  private url(action: string): string {
    return `${BASE}/${this.path}/permissions/${action}`;
  }
}

export class Permissions {
  readonly experiments: ResourcePermissions<'experiment'>;
  readonly registeredModels: ResourcePermissions<'model'>;

  constructor(api: Api) {
    this.experiments = new ResourcePermissions(api, 'experiment_id', 'experiments', 'experiment_permission');
    this.registeredModels = new ResourcePermissions(api, 'name', 'registered-models', 'registered_model_permission');
  }
}
