/** Alias use cases: MLflow's name, alias and version checks, then the alias store. */
import type { ModelVersion } from '../entities.js';
import type { AliasStore } from '../store/aliases.js';
import { validateAliasName, validateModelName } from '../validation.js';
import { versionRef } from './versionRef.js';

export class AliasService {
  constructor(
    private readonly store: AliasStore,
    private readonly mlflow3: () => boolean = () => false,
  ) {}

  setRegisteredModelAlias(name: string | undefined, alias: string | undefined, version: string | undefined): Promise<void> {
    validateModelName(name);
    const validAlias = validateAliasName(alias);
    return this.store.setRegisteredModelAlias(versionRef(name, version, this.mlflow3()), validAlias);
  }

  deleteRegisteredModelAlias(name: string | undefined, alias: string | undefined): Promise<void> {
    const validName = validateModelName(name);
    return this.store.deleteRegisteredModelAlias(validName, validateAliasName(alias));
  }

  getModelVersionByAlias(name: string | undefined, alias: string | undefined): Promise<ModelVersion> {
    const validName = validateModelName(name);
    return this.store.getModelVersionByAlias(validName, validateAliasName(alias));
  }
}
