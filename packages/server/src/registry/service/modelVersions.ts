/**
 * Model-version use cases: source rules (§4.5 + security checklist), `models:/` sources
 * resolved to the stored location of the version they name, stage transitions.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DecodedMessage, registry } from '@darwin-mlflow/contract';
import type { ModelVersion } from '../entities.js';
import type { ModelVersionStore } from '../store/modelVersions.js';
import { ACTIVE_STAGES, canonicalStage, validateModelName, validateModelVersionTag } from '../validation.js';
import { isModelsUri, parseModelsVersionUri } from './modelUris.js';
import { validateModelVersionSource } from './sourceRules.js';
import type { RunArtifactUriLookup } from './sourceRules.js';
import { versionRef } from './versionRef.js';

type CreateModelVersionRequest = DecodedMessage<typeof registry.createModelVersion.request>;

export class ModelVersionService {
  constructor(
    private readonly store: ModelVersionStore,
    private readonly runArtifactUri: RunArtifactUriLookup,
    private readonly cwd: string,
  ) {}

  async createModelVersion(req: CreateModelVersionRequest): Promise<ModelVersion> {
    const source = req.source ?? '';
    const runId = req.run_id ?? '';
    await validateModelVersionSource(source, runId, this.runArtifactUri, this.cwd);
    const name = validateModelName(req.name);
    const tags = req.tags.map(validateModelVersionTag);
    const storageLocation = isModelsUri(source) ? await this.resolveModelsSource(source) : source;
    return this.store.createModelVersion({
      name,
      source,
      storageLocation,
      runId,
      runLink: req.run_link ?? '',
      description: req.description ?? '',
      tags,
    });
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
    return this.store.getModelVersion(versionRef(name, version));
  }

  /**
   * Where a version's artifacts live (its source, or what a `models:/` source resolved to).
   * Also used by the artifact routes (`/model-versions/get-artifact`).
   */
  getModelVersionDownloadUri(name: string | undefined, version: string | undefined): Promise<string> {
    return this.store.getModelVersionDownloadUri(versionRef(name, version));
  }

  /** MLflow writes the description it got: present sets it, absent clears it (NULL). */
  updateModelVersion(name: string | undefined, version: string | undefined, description: string | undefined): Promise<ModelVersion> {
    return this.store.updateModelVersion(versionRef(name, version), description ?? null);
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
    return this.store.transitionModelVersionStage(versionRef(name, version), target, archiveExisting);
  }

  deleteModelVersion(name: string | undefined, version: string | undefined): Promise<void> {
    return this.store.deleteModelVersion(versionRef(name, version));
  }
}
