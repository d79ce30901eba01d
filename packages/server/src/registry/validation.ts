/**
 * MLflow's input rules for the model registry (`mlflow/utils/validation.py` and
 * `model_version_stages.py`), with its messages.
 */
import { LIMITS, MlflowError, MODEL_VERSION_STAGES } from '@darwin-mlflow/contract';
import type { ModelVersionStage } from '@darwin-mlflow/contract';
import { pyInt } from '../http/decode.js';
import { validateKeyName, validateLengthLimit } from '../tracking/validation.js';

const ALIAS_NAME = /^[\p{L}\p{N}_-]*$/u;
const VERSION_ALIAS = /^[vV]\p{Nd}+$/u;
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

export function validateModelName(name: string | undefined): string {
  if (name === undefined || name === '') throw MlflowError.invalidParameter('Registered model name cannot be empty.');
  return name;
}

/**
 * A version as MLflow's `int(version)` reads it. Numbers outside the INTEGER column's range
 * can match no row, so they come back as undefined (the caller answers "not found").
 */
export function parseModelVersion(version: string | undefined, mlflow3 = false): number | undefined {
  const n = version === undefined ? undefined : pyInt(version);
  if (n === undefined) {
    const shown = version ?? 'None';
    throw MlflowError.invalidParameter(mlflow3 ? `Parameter 'version' must be an integer, got '${shown}'.` : `Model version must be an integer, got '${shown}'`);
  }
  return n >= BigInt(INT32_MIN) && n <= BigInt(INT32_MAX) ? Number(n) : undefined;
}

export function validateAliasName(alias: string | undefined): string {
  if (alias === undefined || alias === '') {
    throw MlflowError.invalidParameter('Registered model alias name cannot be empty.');
  }
  if (!ALIAS_NAME.test(alias)) {
    throw MlflowError.invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  validateLengthLimit('Registered model alias name', LIMITS.MAX_REGISTERED_MODEL_ALIAS_LENGTH, alias);
  if (alias.toLowerCase() === 'latest') {
    throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (VERSION_ALIAS.test(alias)) throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
  return alias;
}

export interface TagInput {
  key?: string;
  value?: string;
}

/** `_validate_registered_model_tag`: key rules and lengths, never truncated. */
export function validateRegisteredModelTag(tag: TagInput): { key: string; value: string } {
  const key = validateKeyName('tag', tag.key);
  validateLengthLimit('Registered model key', LIMITS.MAX_MODEL_REGISTRY_TAG_KEY_LENGTH, key);
  const value = tag.value ?? '';
  validateLengthLimit('Registered model value', LIMITS.MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH, value);
  return { key, value };
}

/** `_validate_model_version_tag`. Over REST an absent value is the proto default "". */
export function validateModelVersionTag(tag: TagInput): { key: string; value: string } {
  const key = validateKeyName('tag', tag.key);
  const value = tag.value ?? '';
  validateLengthLimit('Model version key', LIMITS.MAX_MODEL_REGISTRY_TAG_KEY_LENGTH, key);
  validateLengthLimit('Model version value', LIMITS.MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH, value);
  return { key, value };
}

/** `get_canonical_stage`: case-insensitive match against None, Staging, Production, Archived. */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw MlflowError.invalidParameter(
      `Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`,
    );
  }
  return found;
}

/** Stages whose existing versions `archive_existing_versions` may archive. */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];
