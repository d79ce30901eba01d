/**
 * Model-version use cases: source rules (§4.5 + security checklist), `models:/` sources
 * resolved to the stored location of the version they name, stage transitions.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DecodedMessage, registry } from '@darwin-mlflow/contract';
import type { ModelVersion } from '../entities.js';
import type { ModelVersionStore } from '../store/modelVersions.js';
import { ACTIVE_STAGES, canonicalStage, validateModelName, validateModelVersionTag } from '../validation.js';
import { isModelsUri, loggedModelIdOf, parseModelsVersionUri } from './modelUris.js';
import { validateLoggedModelSource, validateModelVersionSource } from './sourceRules.js';
import type { RunArtifactUriLookup } from './sourceRules.js';
import { versionRef } from './versionRef.js';

type CreateModelVersionRequest = DecodedMessage<typeof registry.createModelVersion.request>;

/** What the registry needs of MLflow 3.x's logged models (the tracking store's). */
export interface LoggedModelLookup {
  /** False while the tracking database is at MLflow 2.12.2's schema (no logged models, no prompts). */
  available(): boolean;
  get(modelId: string): Promise<{ artifact_location: string; source_run_id: string | null }>;
  appendModelVersion(modelId: string, name: string, version: number): Promise<void>;
}

/** MLflow 3.x's prompt marker tag: a prompt version's source is not validated (`dummy-source`). */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

export class ModelVersionService {
  constructor(
    private readonly store: ModelVersionStore,
    private readonly runArtifactUri: RunArtifactUriLookup,
    private readonly cwd: string,
    private readonly loggedModels?: LoggedModelLookup,
  ) {}

  /**
   * MLflow 3.x's fields (`model_id`, prompt tags) are decoded only at its schema; without them
   * this is MLflow 2.12.2's create.
   */
  async createModelVersion(req: CreateModelVersionRequest & { model_id?: string }): Promise<ModelVersion> {
    const source = req.source ?? '';
    let runId = req.run_id ?? '';
    const modelId = req.model_id || undefined;
    const isPrompt = this.mlflow3 && req.tags.some((t) => t.key === IS_PROMPT_TAG);
    if (isPrompt) {
      // MLflow 3.x validates no source for a prompt version (register_prompt sends `dummy-source`)
    } else if (modelId !== undefined) {
      validateLoggedModelSource(source, (await this.loggedModel(modelId)).artifact_location, this.cwd);
    } else {
      await validateModelVersionSource(source, runId, this.runArtifactUri, this.cwd);
    }
    const name = validateModelName(req.name);
    const tags = req.tags.map(validateModelVersionTag);
    let storageLocation = source;
    if (isModelsUri(source)) {
      const sourceModelId = this.mlflow3 ? loggedModelIdOf(source) : undefined;
      if (sourceModelId !== undefined) {
        const model = await this.fetchSourceModel(source, sourceModelId);
        storageLocation = model.artifact_location;
        runId ||= model.source_run_id ?? '';
      } else {
        storageLocation = await this.resolveModelsSource(source);
      }
    }
    if (!runId && modelId !== undefined) runId = (await this.loggedModel(modelId)).source_run_id ?? '';
    const version = await this.store.createModelVersion({
      name,
      source,
      storageLocation,
      runId,
      runLink: req.run_link ?? '',
      description: req.description ?? '',
      tags,
    });
    if (modelId !== undefined && !isPrompt) await this.loggedModels?.appendModelVersion(modelId, version.name, Number(version.version));
    return version;
  }

  /** Prompts and logged models exist from MLflow 3.x's schema on. */
  private get mlflow3(): boolean {
    return this.loggedModels?.available() ?? false;
  }

  private loggedModel(modelId: string) {
    if (!this.loggedModels) throw MlflowError.invalidParameter("Logged models need MLflow 3.x's schema.");
    return this.loggedModels.get(modelId);
  }

  /** `models:/<model id>`: the logged model's location (MLflow wraps any failure this way). */
  private async fetchSourceModel(source: string, modelId: string) {
    try {
      return await this.loggedModel(modelId);
    } catch (err) {
      if (!(err instanceof MlflowError) || err.code === 'INTERNAL_ERROR' || err.code === 'TEMPORARILY_UNAVAILABLE') throw err;
      throw MlflowError.invalidParameter(`Unable to fetch model from model URI source artifact location '${source}'.Error: ${err.message}`);
    }
  }

  /** `models:/<name>/<version>`: that version's download location, read from the database. */
  private async resolveModelsSource(source: string): Promise<string> {
    const target = parseModelsVersionUri(source);
    try {
      return await this.getModelVersionDownloadUri(target.name, target.version);
    } catch (err) {
      if (!(err instanceof MlflowError) || err.code === 'INTERNAL_ERROR' || err.code === 'TEMPORARILY_UNAVAILABLE') throw err;
      throw MlflowError.invalidParameter(
        `Unable to fetch model from model URI source artifact location '${source}'.Error: ${err.message}`,
      );
    }
  }

  getModelVersion(name: string | undefined, version: string | undefined): Promise<ModelVersion> {
    return this.store.getModelVersion(versionRef(name, version, this.mlflow3));
  }

  /**
   * Where a version's artifacts live (its source, or what a `models:/` source resolved to).
   * Also used by the artifact routes (`/model-versions/get-artifact`).
   */
  getModelVersionDownloadUri(name: string | undefined, version: string | undefined): Promise<string> {
    return this.store.getModelVersionDownloadUri(versionRef(name, version, this.mlflow3));
  }

  /** MLflow writes the description it got: present sets it, absent clears it (NULL). */
  updateModelVersion(name: string | undefined, version: string | undefined, description: string | undefined): Promise<ModelVersion> {
    return this.store.updateModelVersion(versionRef(name, version, this.mlflow3), description ?? null);
  }

  /**
   * `archive_existing_versions` only makes sense for Staging and Production. MLflow 2.12.2
   * answers 500 for the other stages; this is a 400 here.
   */
  transitionModelVersionStage(
    name: string | undefined,
    version: string | undefined,
    stage: string | undefined,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const target = canonicalStage(stage ?? '');
    if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
      throw MlflowError.invalidParameter(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are [${ACTIVE_STAGES.map((s) => `'${s}'`).join(', ')}]`,
      );
    }
    return this.store.transitionModelVersionStage(versionRef(name, version, this.mlflow3), target, archiveExisting);
  }

  deleteModelVersion(name: string | undefined, version: string | undefined): Promise<void> {
    return this.store.deleteModelVersion(versionRef(name, version, this.mlflow3));
  }
}
