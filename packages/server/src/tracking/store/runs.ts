/**
 * The run store: every write is one transaction that first locks the run row (FOR UPDATE on
 * MySQL/PostgreSQL; SQLite write transactions are already exclusive), so concurrent writes to
 * one run serialize and nothing acknowledged is lost.
 */
import { randomUUID } from 'node:crypto';
import { MlflowError } from '@darwin-mlflow/contract';
import type { Int64, RunStatus } from '@darwin-mlflow/contract';
import type { Database, Db } from '../../db/database.js';
import { toInt } from '../../db/ints.js';
import { appendToUriPath } from '../../artifacts/uri.js';
import type { DatasetInput, KeyValue, Run, RunInfo } from '../entities.js';
import { assertExperimentActive, findExperimentRow, noSuchExperiment } from './experiments.js';
import { RUN_COLUMNS, assertRunActive, findRunRow, loadRuns, noSuchRun, toRunInfo } from './runRows.js';
import type { RunRow } from './runRows.js';
import { logMetrics, streamMetricHistory, toStoredMetric } from './metrics.js';
import type { MetricPoint, MetricHistory } from './metrics.js';
import { logParam, logParams } from './params.js';
import { RUN_NAME_TAG, deleteTag, setTags } from './tags.js';
import { logInputs } from './inputs.js';
import { logModelInputs, logModelOutputs } from './modelIO.js';
import { logModelMetrics } from './loggedModels.js';
import type { ModelOutput } from '../loggedModelEntities.js';
import { parseJsonPreservingFloats } from '../../http/json.js';
import type { JsonList } from '../../http/json.js';

export interface CreateRunInput {
  experimentId: string;
  userId: string;
  runName: string;
  startTime: Int64;
  tags: KeyValue[];
}

export interface BatchInput {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

export class RunStore {
  constructor(private readonly database: Database) {}

  private get dialect() {
    return this.database.dialect;
  }

  /** Runs fn on a locked, active run inside one write transaction. */
  private writeToActiveRun<T>(runId: string, fn: (tx: Db, run: RunRow) => Promise<T>): Promise<T> {
    return this.database.write(async (tx) => {
      const run = await findRunRow(tx, runId, this.dialect !== 'sqlite');
      if (!run) throw noSuchRun(runId);
      assertRunActive(run);
      return fn(tx, run);
    });
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    const runId = randomUUID().replace(/-/g, '');
    return this.database.write(async (tx) => {
      const experiment = await findExperimentRow(tx, input.experimentId);
      if (!experiment) throw noSuchExperiment(input.experimentId);
      assertExperimentActive(experiment);
      const row: RunRow = {
        run_uuid: runId,
        name: input.runName,
        user_id: input.userId,
        status: 'RUNNING',
        start_time: input.startTime,
        end_time: null,
        deleted_time: null,
        lifecycle_stage: 'active',
        artifact_uri: appendToUriPath(experiment.artifact_location ?? '', runId, 'artifacts'),
        experiment_id: toInt(experiment.experiment_id),
      };
      await tx
        .insertInto('runs')
        .values({
          run_uuid: runId,
          name: input.runName,
          user_id: input.userId,
          status: 'RUNNING',
          start_time: input.startTime,
          end_time: null,
          deleted_time: null,
          lifecycle_stage: 'active',
          artifact_uri: row.artifact_uri,
          experiment_id: toInt(experiment.experiment_id),
          source_type: 'UNKNOWN',
          source_name: '',
          entry_point_name: '',
          source_version: '',
        })
        .execute();
      const tags = new Map(input.tags.map((t) => [t.key, t.value]));
      if (tags.size > 0) {
        await tx.insertInto('tags').values([...tags].map(([key, value]) => ({ run_uuid: runId, key, value }))).execute();
      }
      const run: Run = { info: toRunInfo(row), data: { metrics: [], params: [], tags: [...tags].map(([key, value]) => ({ key, value })) } };
      // MLflow 3.x answers runs/create with an empty `inputs` (and no `outputs`)
      return this.database.generation === '3.x' ? { ...run, inputs: [] } : run;
    });
  }

  async getRun(runId: string): Promise<Run> {
    return this.database.read(async (db) => {
      const row = await findRunRow(db, runId);
      if (!row) throw noSuchRun(runId);
      return (await loadRuns(db, this.dialect, [row], this.database.generation))[0] as Run;
    });
  }

  /** Only the given fields change; a non-empty run name also upserts the mlflow.runName tag. */
  async updateRunInfo(runId: string, status: RunStatus | undefined, endTime: Int64 | undefined, runName: string | undefined): Promise<RunInfo> {
    return this.writeToActiveRun(runId, async (tx, run) => {
      const patch: { status?: RunStatus; end_time?: Int64; name?: string } = {};
      if (status !== undefined) patch.status = status;
      if (endTime !== undefined) patch.end_time = endTime;
      if (runName) patch.name = runName;
      if (Object.keys(patch).length > 0) await tx.updateTable('runs').set(patch).where('run_uuid', '=', runId).execute();
      if (runName) await setTags(tx, this.dialect, runId, [{ key: RUN_NAME_TAG, value: runName }]);
      return toRunInfo({ ...run, ...patch, name: patch.name ?? run.name, end_time: patch.end_time ?? run.end_time });
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    await this.setLifecycle(runId, 'active');
  }

  private async setLifecycle(runId: string, stage: 'active' | 'deleted'): Promise<void> {
    const now = Date.now();
    await this.database.write(async (tx) => {
      const result = await tx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
        .where('run_uuid', '=', runId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0 && !(await findRunRow(tx, runId))) throw noSuchRun(runId);
    });
  }

  async logMetric(runId: string, point: MetricPoint): Promise<void> {
    await this.writeToActiveRun(runId, async (tx, run) => {
      await logMetrics(tx, this.dialect, runId, [point]);
      await this.logModelMetrics(tx, run, [point]);
    });
  }

  /** Points with a model id also go to logged_model_metrics (MLflow's _log_model_metrics). */
  private async logModelMetrics(tx: Db, run: RunRow, points: readonly MetricPoint[]): Promise<void> {
    const linked = points.flatMap((p) => {
      if (!p.model) return [];
      const stored = toStoredMetric(p);
      return [{ key: p.key, value: stored.value, timestamp: p.timestamp, step: p.step, run_id: run.run_uuid, ...p.model }];
    });
    await logModelMetrics(tx, this.dialect, run.run_uuid, toInt(run.experiment_id ?? 0), linked);
  }

  async logParam(runId: string, param: KeyValue): Promise<void> {
    await this.writeToActiveRun(runId, (tx) => logParam(tx, this.dialect, runId, param));
  }

  async setTag(runId: string, tag: KeyValue): Promise<void> {
    await this.writeToActiveRun(runId, (tx) => setTags(tx, this.dialect, runId, [tag]));
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.writeToActiveRun(runId, (tx) => deleteTag(tx, runId, key));
  }

  /** All of the batch is written, or none of it (MLflow writes the three parts separately). */
  async logBatch(runId: string, batch: BatchInput): Promise<void> {
    await this.writeToActiveRun(runId, async (tx, run) => {
      await logParams(tx, this.dialect, runId, batch.params);
      await logMetrics(tx, this.dialect, runId, batch.metrics);
      await this.logModelMetrics(tx, run, batch.metrics);
      await setTags(tx, this.dialect, runId, batch.tags);
    });
  }

  async logInputs(runId: string, inputs: DatasetInput[], modelIds: readonly string[] = []): Promise<void> {
    await this.writeToActiveRun(runId, async (tx, run) => {
      await logInputs(tx, this.dialect, runId, toInt(run.experiment_id ?? 0), inputs);
      await logModelInputs(tx, this.dialect, runId, modelIds);
    });
  }

  /** MLflow 3.x runs/outputs: the logged models a run produced. */
  async logOutputs(runId: string, outputs: readonly ModelOutput[]): Promise<void> {
    await this.writeToActiveRun(runId, (tx) => logModelOutputs(tx, runId, outputs));
  }

  /** Appends a model's dict to the JSON list in tag `mlflow.log-model.history`. */
  async logModel(runId: string, model: Record<string, unknown>, encode: (history: unknown[]) => string): Promise<void> {
    await this.writeToActiveRun(runId, async (tx) => {
      const previous = await tx.selectFrom('tags').select('value').where('run_uuid', '=', runId).where('key', '=', LOGGED_MODELS_TAG).executeTakeFirst();
      let history: unknown[] = [];
      if (previous?.value) {
        try {
          const parsed: unknown = parseJsonPreservingFloats(previous.value);
          if (Array.isArray(parsed)) history = parsed;
        } catch {
          throw new MlflowError(`Run ${runId} has a malformed ${LOGGED_MODELS_TAG} tag.`, 'INVALID_STATE');
        }
      }
      await setTags(tx, this.dialect, runId, [{ key: LOGGED_MODELS_TAG, value: encode([...history, model]) }]);
    });
  }

  /** get-history's points chunk by chunk (see streamMetricHistory). */
  streamMetricHistory(runId: string, key: string): AsyncGenerator<MetricHistory<string[] | JsonList>> {
    return streamMetricHistory(this.database, runId, key);
  }

  async findRuns(runIds: readonly string[]): Promise<RunRow[]> {
    if (runIds.length === 0) return [];
    return this.database.read((db) => db.selectFrom('runs').select(RUN_COLUMNS).where('run_uuid', 'in', [...runIds]).execute());
  }
}

export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';
