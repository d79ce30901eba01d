/** Tag use cases for registered models and model versions (MLflow's checks, in its order). */
import type { RegistryTagStore } from '../store/tags.js';
import { validateKeyName } from '../../tracking/validation.js';
import { validateModelName, validateModelVersionTag, validateRegisteredModelTag } from '../validation.js';
import type { TagInput } from '../validation.js';
import { versionRef } from './versionRef.js';

export class RegistryTagService {
  constructor(
    private readonly store: RegistryTagStore,
    private readonly mlflow3: () => boolean = () => false,
  ) {}

  setRegisteredModelTag(name: string | undefined, tag: TagInput): Promise<void> {
    const validName = validateModelName(name);
    return this.store.setRegisteredModelTag(validName, validateRegisteredModelTag(tag));
  }

  deleteRegisteredModelTag(name: string | undefined, key: string | undefined): Promise<void> {
    const validName = validateModelName(name);
    return this.store.deleteRegisteredModelTag(validName, validateKeyName('tag', key));
  }

  setModelVersionTag(name: string | undefined, version: string | undefined, tag: TagInput): Promise<void> {
    const ref = versionRef(name, version, this.mlflow3());
    return this.store.setModelVersionTag(ref, validateModelVersionTag(tag));
  }

  deleteModelVersionTag(name: string | undefined, version: string | undefined, key: string | undefined): Promise<void> {
    const ref = versionRef(name, version, this.mlflow3());
    return this.store.deleteModelVersionTag(ref, validateKeyName('tag', key));
  }
}
