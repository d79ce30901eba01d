/** Registered models and model versions: the ModelRegistryService RPCs of MLflow 2.12.2. */
import { registry } from '@darwin-mlflow/contract';
import type { ModelVersionStage } from '@darwin-mlflow/contract';
import type { Api } from '../api.js';
import { Paged, page } from '../pager.js';
import type {
  GetModelVersionDownloadUriResponse,
  ModelVersion,
  ModelVersionResponse,
  ModelVersionsResponse,
  RegisteredModel,
  RegisteredModelResponse,
  SearchModelVersionsResponse,
  SearchRegisteredModelsResponse,
} from '../types.js';
import { tagList } from './tracking.js';
import type { Tags } from './tracking.js';

export interface SearchOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
}

export class RegisteredModels {
  constructor(private readonly api: Api) {}

  async create(name: string, options: { description?: string; tags?: Tags } = {}): Promise<RegisteredModel> {
    const req = { name, description: options.description, tags: tagList(options.tags) };
    return (await this.api.call<RegisteredModelResponse>(registry.createRegisteredModel, req)).registered_model;
  }

  async get(name: string): Promise<RegisteredModel> {
    return (await this.api.call<RegisteredModelResponse>(registry.getRegisteredModel, { name })).registered_model;
  }

  async rename(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.api.call<RegisteredModelResponse>(registry.renameRegisteredModel, { name, new_name: newName })).registered_model;
  }

  async update(name: string, description: string): Promise<RegisteredModel> {
    return (await this.api.call<RegisteredModelResponse>(registry.updateRegisteredModel, { name, description })).registered_model;
  }

  async delete(name: string): Promise<void> {
    await this.api.call(registry.deleteRegisteredModel, { name });
  }

  search(options: SearchOptions = {}): Paged<RegisteredModel> {
    return new Paged(async (token) => {
      const res = await this.api.call<SearchRegisteredModelsResponse>(registry.searchRegisteredModels, {
        filter: options.filter,
        order_by: options.orderBy,
        max_results: options.maxResults,
        page_token: token,
      });
      return page(res.registered_models, res.next_page_token);
    });
  }

  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return (await this.api.call<ModelVersionsResponse>(registry.getLatestVersions, { name, stages })).model_versions ?? [];
  }

  async setTag(name: string, key: string, value: string): Promise<void> {
    await this.api.call(registry.setRegisteredModelTag, { name, key, value });
  }

  async deleteTag(name: string, key: string): Promise<void> {
    await this.api.call(registry.deleteRegisteredModelTag, { name, key });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.api.call(registry.setRegisteredModelAlias, { name, alias, version });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.api.call(registry.deleteRegisteredModelAlias, { name, alias });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.api.call<ModelVersionResponse>(registry.getModelVersionByAlias, { name, alias })).model_version;
  }
}

export class ModelVersions {
  constructor(private readonly api: Api) {}

  /** `source` is usually `runs:/<run_id>/<path>` or the run's artifact URI plus the path. */
  async create(name: string, source: string, options: { runId?: string; description?: string; tags?: Tags; runLink?: string } = {}): Promise<ModelVersion> {
    const req = { name, source, run_id: options.runId, description: options.description, run_link: options.runLink, tags: tagList(options.tags) };
    return (await this.api.call<ModelVersionResponse>(registry.createModelVersion, req)).model_version;
  }

  async get(name: string, version: string): Promise<ModelVersion> {
    return (await this.api.call<ModelVersionResponse>(registry.getModelVersion, { name, version })).model_version;
  }

  async update(name: string, version: string, description: string): Promise<ModelVersion> {
    return (await this.api.call<ModelVersionResponse>(registry.updateModelVersion, { name, version, description })).model_version;
  }

  async transitionStage(name: string, version: string, stage: ModelVersionStage | string, archiveExistingVersions = false): Promise<ModelVersion> {
    const req = { name, version, stage, archive_existing_versions: archiveExistingVersions };
    return (await this.api.call<ModelVersionResponse>(registry.transitionModelVersionStage, req)).model_version;
  }

  async delete(name: string, version: string): Promise<void> {
    await this.api.call(registry.deleteModelVersion, { name, version });
  }

  search(options: SearchOptions = {}): Paged<ModelVersion> {
    return new Paged(async (token) => {
      const res = await this.api.call<SearchModelVersionsResponse>(registry.searchModelVersions, {
        filter: options.filter,
        order_by: options.orderBy,
        max_results: options.maxResults,
        page_token: token,
      });
      return page(res.model_versions, res.next_page_token);
    });
  }

  async getDownloadUri(name: string, version: string): Promise<string> {
    return (await this.api.call<GetModelVersionDownloadUriResponse>(registry.getModelVersionDownloadUri, { name, version })).artifact_uri;
  }

  async setTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.api.call(registry.setModelVersionTag, { name, version, key, value });
  }

  async deleteTag(name: string, version: string, key: string): Promise<void> {
    await this.api.call(registry.deleteModelVersionTag, { name, version, key });
  }
}
