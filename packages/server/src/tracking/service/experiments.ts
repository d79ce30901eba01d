/** Experiment use cases: validation and orchestration over the experiment store. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { ExperimentStore } from '../store/experiments.js';
import type { Experiment, KeyValue } from '../entities.js';
import { validateExperimentName, validateExperimentTag } from '../validation.js';
import { validateArtifactLocation } from '../../artifacts/locationRules.js';

export class ExperimentService {
  constructor(
    private readonly store: ExperimentStore,
    private readonly cwd: string,
  ) {}

  async createExperiment(name: string | undefined, artifactLocation: string | undefined, tags: Partial<KeyValue>[]): Promise<string> {
    const validName = validateExperimentName(name);
    const location = artifactLocation ? validateArtifactLocation(artifactLocation, this.cwd) : undefined;
    return this.store.createExperiment(
      validName,
      location,
      tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
    );
  }

  getExperiment(id: string): Promise<Experiment> {
    return this.store.getExperiment(id);
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    const experiment = await this.store.getExperimentByName(name);
    if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
    return experiment;
  }

  deleteExperiment(id: string): Promise<void> {
    return this.store.deleteExperiment(id);
  }

  restoreExperiment(id: string): Promise<void> {
    return this.store.restoreExperiment(id);
  }

  renameExperiment(id: string, newName: string): Promise<void> {
    return this.store.renameExperiment(id, newName);
  }

  deleteExperimentTag(id: string, key: string): Promise<void> {
    return this.store.deleteExperimentTag(id, key);
  }

  setExperimentTag(id: string, tag: Partial<KeyValue>): Promise<void> {
    return this.store.setExperimentTag(id, validateExperimentTag({ key: tag.key, value: tag.value }));
  }
}
