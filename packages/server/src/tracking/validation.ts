/**
 * MLflow's input rules for runs and experiments (`mlflow/utils/validation.py`), with its
 * messages. Over-long param and run-tag values are cut to the limit when truncation is on
 * (MLFLOW_TRUNCATE_LONG_VALUES, default true), as MLflow does.
 */
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import type { Int64 } from '@darwin-mlflow/contract';
import { posixNormpath } from '../util/posixPath.js';
import { pyRepr } from '../http/pyrepr.js';

const VALID_KEY = /^[/\p{L}\p{N}_.\- ]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\p{L}\p{N}_-]{0,255}$/u;
const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';
const MISSING_KEY = 'A key name must be provided.';

function badPathMessage(name: string): string {
  return `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${posixNormpath(name)}'`;
}

function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

/** Metric, param and tag keys: `kind` is 'metric', 'parameter' or 'tag'. */
export function validateKeyName(kind: 'metric' | 'parameter' | 'tag', name: string | undefined): string {
  const title = kind === 'metric' ? 'Metric' : kind === 'parameter' ? 'Parameter' : 'Tag';
  if (name === undefined || name === null) {
    throw MlflowError.invalidParameter(`${title} name cannot be None. ${MISSING_KEY}`);
  }
  if (!VALID_KEY.test(name)) throw MlflowError.invalidParameter(`Invalid ${kind} name: '${name}'. ${BAD_CHARACTERS}`);
  if (pathNotUnique(name)) throw MlflowError.invalidParameter(`Invalid ${kind} name: '${name}'. ${badPathMessage(name)}`);
  return name;
}

/** Python len() counts code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

function pySlice(s: string, end: number): string {
  return Array.from(s).slice(0, end).join('');
}

export function validateLengthLimit(entity: string, limit: number, value: string, truncate = false): string {
  if (value.length <= limit) return value;
  const len = pyLen(value);
  if (len <= limit) return value;
  if (truncate) return pySlice(value, limit);
  throw MlflowError.invalidParameter(
    `${entity} '${pySlice(value, 250)}' had length ${len}, which exceeded length limit of ${limit}`,
  );
}

export interface MetricInput {
  key: string | undefined;
  value: number | undefined;
  timestamp: Int64 | undefined;
  step: Int64 | undefined;
}

export function validateMetric(m: MetricInput): void {
  const key = validateKeyName('metric', m.key);
  if (typeof m.value !== 'number') {
    throw MlflowError.invalidParameter(
      `Got invalid value ${m.value ?? 'None'} for metric '${key}' (timestamp=${m.timestamp ?? 'None'}). Please specify value as a valid double (64-bit floating point)`,
    );
  }
  if (m.timestamp === undefined || m.timestamp < 0) {
    throw MlflowError.invalidParameter(
      `Got invalid timestamp ${m.timestamp ?? 'None'} for metric '${key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  validateLengthLimit('Metric name', LIMITS.MAX_ENTITY_KEY_LENGTH, key);
}

export interface KeyValueInput {
  key: string | undefined;
  value: string | undefined;
}

/** Returns the param with its value truncated when allowed. */
export function validateParam(p: KeyValueInput, truncate: boolean): { key: string; value: string } {
  const key = validateKeyName('parameter', p.key);
  validateLengthLimit('Param key', LIMITS.MAX_ENTITY_KEY_LENGTH, key);
  const value = validateLengthLimit('Param value', LIMITS.MAX_PARAM_VAL_LENGTH, p.value ?? '', truncate);
  return { key, value };
}

export function validateTag(t: KeyValueInput, truncate: boolean): { key: string; value: string } {
  const key = validateKeyName('tag', t.key);
  validateLengthLimit('Tag key', LIMITS.MAX_ENTITY_KEY_LENGTH, key);
  const value = validateLengthLimit('Tag value', LIMITS.MAX_TAG_VAL_LENGTH, t.value ?? '', truncate);
  return { key, value };
}

export function validateExperimentTag(t: KeyValueInput): { key: string; value: string } {
  const key = validateKeyName('tag', t.key);
  validateLengthLimit('Tag key', LIMITS.MAX_EXPERIMENT_TAG_KEY_LENGTH, key);
  const value = validateLengthLimit('Tag value', LIMITS.MAX_EXPERIMENT_TAG_VAL_LENGTH, t.value ?? '');
  return { key, value };
}

export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw MlflowError.invalidParameter(`Invalid run ID: '${runId}'`);
}

export function validateExperimentName(name: string | undefined): string {
  if (name === undefined || name === '') throw MlflowError.invalidParameter(`Invalid experiment name: '${name ?? 'None'}'`);
  return name;
}

function batchLimit(what: string, limit: number, n: number): void {
  if (n > limit) {
    throw MlflowError.invalidParameter(
      `A batch logging request can contain at most ${limit} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`,
    );
  }
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  batchLimit('metrics', LIMITS.MAX_METRICS_PER_BATCH, metrics);
  batchLimit('params', LIMITS.MAX_PARAMS_TAGS_PER_BATCH, params);
  batchLimit('tags', LIMITS.MAX_PARAMS_TAGS_PER_BATCH, tags);
  batchLimit('metrics, params, and tags', LIMITS.MAX_ENTITIES_PER_BATCH, metrics + params + tags);
}

export function validateParamKeysUnique(params: readonly { key: string }[]): void {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const p of params) {
    if (seen.has(p.key)) dupes.push(p.key);
    seen.add(p.key);
  }
  if (dupes.length > 0) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: ${pyRepr(dupes)}. Please ensure the request contains only one param value per param key.`,
    );
  }
}
