/** Registered-model use cases: MLflow's validation order over the registered-model store. */
import type { ModelVersion, RegisteredModel } from '../entities.js';
import type { RegisteredModelStore } from '../store/registeredModels.js';
import { canonicalStage, validateModelName, validateRegisteredModelTag } from '../validation.js';
import type { TagInput } from '../validation.js';

export class RegisteredModelService {
  constructor(private readonly store: RegisteredModelStore) {}

  createRegisteredModel(name: string | undefined, tags: TagInput[], description: string | undefined): Promise<RegisteredModel> {
    const validName = validateModelName(name);
    const validTags = tags.map(validateRegisteredModelTag);
    return this.store.createRegisteredModel({ name: validName, tags: validTags, description: description ?? '' });
  }

  getRegisteredModel(name: string | undefined): Promise<RegisteredModel> {
    return this.store.getRegisteredModel(validateModelName(name));
  }

  /** The description becomes what was sent; absent clears it (the proto default ""). */
  updateRegisteredModel(name: string | undefined, description: string | undefined): Promise<RegisteredModel> {
    return this.store.updateRegisteredModel(validateModelName(name), description ?? '');
  }

  renameRegisteredModel(name: string | undefined, newName: string | undefined): Promise<RegisteredModel> {
    const validNewName = validateModelName(newName);
    return this.store.renameRegisteredModel(validateModelName(name), validNewName);
  }

  deleteRegisteredModel(name: string | undefined): Promise<void> {
    return this.store.deleteRegisteredModel(validateModelName(name));
  }

  /** Latest live version per requested stage; the model is looked up before stages are checked. */
  async getLatestVersions(name: string | undefined, stages: readonly string[]): Promise<ModelVersion[]> {
    const model = await this.store.getRegisteredModel(validateModelName(name));
    const wanted = new Set<string>(stages.length === 0 ? ['None', 'Staging', 'Production', 'Archived'] : stages.map(canonicalStage));
    return model.latest_versions.filter((v) => wanted.has(v.current_stage ?? ''));
  }
}
