/** Run use cases: MLflow's validation and run-name rules over the run store. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DecodedMessage, Int64, RunStatus, tracking } from '@darwin-mlflow/contract';
import type { RunStore } from '../store/runs.js';
import type { MetricPoint, MetricHistory } from '../store/metrics.js';
import { RUN_NAME_TAG } from '../store/tags.js';
import type { DatasetInput, KeyValue, Run, RunInfo } from '../entities.js';
import type { ModelOutput } from '../loggedModelEntities.js';
import { generateRunName } from '../../util/runNames.js';
import {
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateParamKeysUnique,
  validateRunId,
  validateTag,
} from '../validation.js';
import { validateDatasetInputs } from './datasetRules.js';
import { parseJsonPreservingFloats } from '../../http/json.js';
import type { JsonList } from '../../http/json.js';
import { pyJsonDumps } from '../../http/pyjson.js';
import { pyRepr } from '../../http/pyrepr.js';

type CreateRunRequest = DecodedMessage<typeof tracking.createRun.request>;
type LogBatchRequest = DecodedMessage<typeof tracking.logBatch.request>;
type MetricRequest = {
  key?: string;
  value?: number;
  timestamp?: Int64;
  step?: Int64;
  /** MLflow 3.x (decoded only at its schema). */
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
};
type KeyValueRequest = { key?: string; value?: string };

export class RunService {
  constructor(
    private readonly store: RunStore,
    private readonly truncateLongValues: boolean,
  ) {}

  async createRun(req: CreateRunRequest): Promise<Run> {
    const tags = req.tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));
    const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
    if (req.run_name && tagName && req.run_name !== tagName) {
      throw MlflowError.invalidParameter(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.run_name}', mlflow.runName='${tagName}').`,
      );
    }
    const runName = req.run_name || tagName || generateRunName();
    if (!tagName) tags.push({ key: RUN_NAME_TAG, value: runName });
    return this.store.createRun({
      experimentId: req.experiment_id ?? '0',
      userId: req.user_id ?? '',
      runName,
      startTime: req.start_time ?? 0,
      tags,
    });
  }

  getRun(runId: string): Promise<Run> {
    return this.store.getRun(runId);
  }

  updateRun(runId: string, status: string | undefined, endTime: Int64 | undefined, runName: string | undefined): Promise<RunInfo> {
    return this.store.updateRunInfo(runId, status as RunStatus | undefined, endTime, runName);
  }

  deleteRun(runId: string): Promise<void> {
    return this.store.deleteRun(runId);
  }

  restoreRun(runId: string): Promise<void> {
    return this.store.restoreRun(runId);
  }

  logMetric(runId: string, m: MetricRequest): Promise<void> {
    return this.store.logMetric(runId, this.metric(m));
  }

  logParam(runId: string, p: KeyValueRequest): Promise<void> {
    return this.store.logParam(runId, validateParam({ key: p.key, value: p.value }, this.truncateLongValues));
  }

  setTag(runId: string, t: KeyValueRequest): Promise<void> {
    return this.store.setTag(runId, validateTag({ key: t.key, value: t.value }, this.truncateLongValues));
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.store.deleteTag(runId, key);
  }

  /** Same checks and order as MLflow's log_batch; then one all-or-nothing transaction. */
  logBatch(req: LogBatchRequest): Promise<void> {
    const runId = req.run_id ?? '';
    validateRunId(runId);
    const metrics = req.metrics.map((m) => this.metric(m));
    const params = req.params.map((p) => validateParam({ key: p.key, value: p.value }, this.truncateLongValues));
    const tags = req.tags.map((t) => validateTag({ key: t.key, value: t.value }, this.truncateLongValues));
    validateBatchLimits(metrics.length, params.length, tags.length);
    validateParamKeysUnique(params);
    return this.store.logBatch(runId, { metrics, params, tags });
  }

  logInputs(runId: string, inputs: DatasetInput[], modelIds: readonly string[] = []): Promise<void> {
    validateRunId(runId);
    validateDatasetInputs(inputs);
    return this.store.logInputs(runId, inputs, modelIds);
  }

  /** MLflow 3.x runs/outputs. */
  logOutputs(runId: string, outputs: readonly ModelOutput[]): Promise<void> {
    validateRunId(runId);
    return this.store.logOutputs(runId, outputs);
  }

  /** `model_json` must be a JSON object with MLflow's mandatory model fields. */
  async logModel(runId: string, modelJson: string): Promise<void> {
    let model: unknown;
    try {
      model = parseJsonPreservingFloats(modelJson);
    } catch {
      model = undefined;
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw MlflowError.invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
    }
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((k) => !(k in model));
    if (missing.length > 0) {
      throw MlflowError.invalidParameter(`Model json is missing mandatory fields: {${missing.map((k) => pyRepr(k)).join(', ')}}`);
    }
    await this.store.logModel(runId, model as Record<string, unknown>, pyJsonDumps);
  }

  streamMetricHistory(runId: string, key: string): AsyncGenerator<MetricHistory<string[] | JsonList>> {
    return this.store.streamMetricHistory(runId, key);
  }

  private metric(m: MetricRequest): MetricPoint {
    validateMetric({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 });
    const point: MetricPoint = { key: m.key as string, value: m.value as number, timestamp: m.timestamp as Int64, step: m.step ?? 0 };
    if (!m.model_id) return point;
    return { ...point, model: { model_id: m.model_id, dataset_name: m.dataset_name || null, dataset_digest: m.dataset_digest || null } };
  }
}

export type { KeyValue };
