/**
 * Darwin's `/v1` app-layer API (same port as the MLflow routes): envelope
 * `{"status":"SUCCESS","data":…}`; errors are MLflow's `{"error_code","message"}` plus `detail`.
 */
import type { Readable } from 'node:stream';
import type { Api } from '../api.js';
import type { Query } from '../http.js';
import { Paged, page } from '../pager.js';
import type {
  Permission,
  Run,
  V1ArtifactListing,
  V1AuditEntry,
  V1CreatedRun,
  V1CreatedToken,
  V1Experiment,
  V1LogData,
  V1PermissionEntry,
  V1Token,
  V1User,
} from '../types.js';
import type { ViewType } from '@darwin-mlflow/contract';

interface Envelope<T> {
  status: 'SUCCESS';
  data: T;
  message?: string;
  next_page_token?: string | null;
}

const enc = encodeURIComponent;

export class DarwinApi {
  constructor(private readonly api: Api) {}

  async healthcheck(): Promise<string> {
    return (await this.api.raw<{ message: string }>('GET', '/healthcheck')).message;
  }

  experiments(options: { search?: string; viewType?: ViewType; pageSize?: number } = {}): Paged<V1Experiment> {
    return this.paged('/v1/experiments', { search: options.search, view_type: options.viewType, page_size: options.pageSize });
  }

  async createExperiment(name: string, options: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<{ experiment_id: string; experiment_name: string }> {
    return this.data('POST', '/v1/experiment', { json: { experiment_name: name, artifact_location: options.artifactLocation, tags: options.tags } });
  }

  getExperiment(id: string): Promise<V1Experiment> {
    return this.data('GET', `/v1/experiment/${enc(id)}`);
  }

  async updateExperiment(id: string, name: string): Promise<void> {
    await this.data('PUT', `/v1/experiment/${enc(id)}`, { json: { experiment_name: name } });
  }

  async deleteExperiment(id: string): Promise<void> {
    await this.data('DELETE', `/v1/experiment/${enc(id)}`);
  }

  async restoreExperiment(id: string): Promise<void> {
    await this.data('POST', `/v1/experiment/${enc(id)}/restore`, { idempotent: true });
  }

  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    await this.data('POST', `/v1/experiment/${enc(id)}/tags`, { json: { key, value }, idempotent: true });
  }

  runs(experimentId: string, options: { filter?: string; orderBy?: string; viewType?: ViewType; pageSize?: number } = {}): Paged<Run> {
    return this.paged(`/v1/experiment/${enc(experimentId)}/runs`, {
      filter: options.filter,
      order_by: options.orderBy,
      view_type: options.viewType,
      page_size: options.pageSize,
    });
  }

  createRun(experimentId: string, options: { runName?: string; tags?: Record<string, string> } = {}): Promise<V1CreatedRun> {
    return this.data('POST', `/v1/experiment/${enc(experimentId)}/run`, { json: { run_name: options.runName, tags: options.tags } });
  }

  getRun(experimentId: string, runId: string): Promise<Run> {
    return this.data('GET', `/v1/experiment/${enc(experimentId)}/run/${enc(runId)}`);
  }

  async deleteRun(experimentId: string, runId: string): Promise<void> {
    await this.data('DELETE', `/v1/experiment/${enc(experimentId)}/run/${enc(runId)}`);
  }

  async restoreRun(experimentId: string, runId: string): Promise<void> {
    await this.data('POST', `/v1/experiment/${enc(experimentId)}/run/${enc(runId)}/restore`, { idempotent: true });
  }

  async logData(runId: string, data: V1LogData): Promise<void> {
    await this.api.raw('POST', `/v1/run/${enc(runId)}/log-data`, { json: data, idempotent: true });
  }

  listArtifacts(runId: string, path?: string): Promise<V1ArtifactListing> {
    return this.data('GET', `/v1/run/${enc(runId)}/artifacts`, { query: { path } });
  }

  /** The file's bytes as a stream. */
  async downloadArtifact(runId: string, path: string): Promise<Readable> {
    const res = await this.api.transport.send({ method: 'GET', path: `/v1/run/${enc(runId)}/artifacts/download`, query: { path }, idempotent: true });
    return res.body;
  }

  models(options: { name?: string; tags?: Record<string, string>; pageSize?: number } = {}): Paged<unknown> {
    const filters = options.name === undefined && options.tags === undefined ? undefined : JSON.stringify({ name: options.name, tags: options.tags });
    return this.paged('/v1/models', { filters, page_size: options.pageSize });
  }

  createUser(username: string, password: string, isAdmin = false): Promise<V1User> {
    return this.data('POST', '/v1/user', { json: { username, password, is_admin: isAdmin } });
  }

  experimentPermissions(experimentId: string): Promise<V1PermissionEntry[]> {
    return this.data('GET', `/v1/experiment/${enc(experimentId)}/permissions`);
  }

  async setExperimentPermission(experimentId: string, username: string, permission: Permission): Promise<void> {
    await this.data('PUT', `/v1/experiment/${enc(experimentId)}/permissions/${enc(username)}`, { json: { permission } });
  }

  async deleteExperimentPermission(experimentId: string, username: string): Promise<void> {
    await this.data('DELETE', `/v1/experiment/${enc(experimentId)}/permissions/${enc(username)}`);
  }

  modelPermissions(name: string): Promise<V1PermissionEntry[]> {
    return this.data('GET', `/v1/models/${enc(name)}/permissions`);
  }

  async setModelPermission(name: string, username: string, permission: Permission): Promise<void> {
    await this.data('PUT', `/v1/models/${enc(name)}/permissions/${enc(username)}`, { json: { permission } });
  }

  async deleteModelPermission(name: string, username: string): Promise<void> {
    await this.data('DELETE', `/v1/models/${enc(name)}/permissions/${enc(username)}`);
  }

  /** A personal access token; its secret is in the answer only this once. */
  createToken(name: string, expiresInDays?: number): Promise<V1CreatedToken> {
    return this.data('POST', '/v1/tokens', { json: { name, expires_in_days: expiresInDays } });
  }

  listTokens(): Promise<V1Token[]> {
    return this.data('GET', '/v1/tokens');
  }

  async deleteToken(id: string): Promise<void> {
    await this.data('DELETE', `/v1/tokens/${enc(id)}`);
  }

  audit(options: { pageSize?: number } = {}): Paged<V1AuditEntry> {
    return this.paged('/v1/audit', { page_size: options.pageSize });
  }

  private async data<T>(method: string, path: string, options: { query?: Query; json?: unknown; idempotent?: boolean } = {}): Promise<T> {
    return (await this.api.raw<Envelope<T>>(method, path, options)).data;
  }

  private paged<T>(path: string, query: Query): Paged<T> {
    return new Paged(async (token) => {
      const res = await this.api.raw<Envelope<T[]>>('GET', path, { query: { ...query, page_token: token } });
      return page(res.data, res.next_page_token);
    });
  }
}
