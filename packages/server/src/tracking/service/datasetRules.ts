/** MLflow's dataset-input checks (`_validate_dataset_inputs`), with its messages. */
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import type { DatasetInput } from '../entities.js';

function need(value: unknown, what: string): void {
  if (value === undefined || value === null) throw MlflowError.invalidParameter(`${what} cannot be None`);
}

function max(value: string | null | undefined, limit: number, what: string): void {
  if (value && value.length > limit) throw MlflowError.invalidParameter(`${what} exceeds the maximum length of ${limit}`);
}

export function validateDatasetInputs(inputs: readonly DatasetInput[]): void {
  for (const input of inputs) {
    const d = input.dataset;
    need(d, 'Dataset');
    need(d.name, 'Dataset name');
    need(d.digest, 'Dataset digest');
    need(d.source_type, 'Dataset source_type');
    need(d.source, 'Dataset source');
    max(d.name, LIMITS.MAX_DATASET_NAME_SIZE, 'Dataset name');
    max(d.digest, LIMITS.MAX_DATASET_DIGEST_SIZE, 'Dataset digest');
    max(d.source, LIMITS.MAX_DATASET_SOURCE_SIZE, 'Dataset source');
    max(d.schema, LIMITS.MAX_DATASET_SCHEMA_SIZE, 'Dataset schema');
    max(d.profile, LIMITS.MAX_DATASET_PROFILE_SIZE, 'Dataset profile');
    for (const tag of input.tags) {
      need(tag.key, 'InputTag key');
      need(tag.value, 'InputTag value');
      max(tag.key, LIMITS.MAX_INPUT_TAG_KEY_SIZE, 'InputTag key');
      max(tag.value, LIMITS.MAX_INPUT_TAG_VALUE_SIZE, 'InputTag value');
    }
  }
}
