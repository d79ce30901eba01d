/**
 * MLflow 3.x's logged models (logged_models and its metrics, params and tags), as
 * SqlAlchemyStore keeps them: ids `m-<uuid hex>`, artifacts under
 * `<experiment location>/models/<id>/artifacts`, deletion by lifecycle stage.
 */
import { randomUUID } from 'node:crypto';
import { LOGGED_MODEL_STATUS, MlflowError } from '@darwin-mlflow/contract';
import type { LoggedModelStatus } from '@darwin-mlflow/contract';
import type { Database, Db } from '../../db/database.js';
import { toInt, toInt64 } from '../../db/ints.js';
import { insertIgnore, upsert } from '../../db/upsert.js';
import { appendToUriPath } from '../../artifacts/uri.js';
import { pyJsonDumps } from '../../http/pyjson.js';
import type { KeyValue } from '../entities.js';
import type { LoggedModel, LoggedModelMetric } from '../loggedModelEntities.js';
import { assertExperimentActive, findExperimentRow, noSuchExperiment } from './experiments.js';
import { compileLoggedModelSearch } from './loggedModelSearch.js';
import type { LoggedModelSearch } from './loggedModelSearch.js';

export interface CreateLoggedModelInput {
  experimentId: string;
  name: string;
  modelType: string;
  sourceRunId: string;
  params: readonly KeyValue[];
  tags: readonly KeyValue[];
}

export function noSuchLoggedModel(modelId: string): MlflowError {
  return new MlflowError(`Logged model with ID '${modelId}' not found.`, 'RESOURCE_DOES_NOT_EXIST');
}

function statusName(n: number): LoggedModelStatus {
  const entry = Object.entries(LOGGED_MODEL_STATUS.values).find(([, v]) => v === n);
  return (entry?.[0] ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED') as LoggedModelStatus;
}

export class LoggedModelStore {
  constructor(private readonly database: Database) {}

  private get dialect() {
    return this.database.dialect;
  }

  async create(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const modelId = `m-${randomUUID().replace(/-/g, '')}`;
    await this.database.write(async (tx) => {
      const experiment = await findExperimentRow(tx, input.experimentId);
      if (!experiment) throw noSuchExperiment(input.experimentId);
      assertExperimentActive(experiment);
      const experimentId = toInt(experiment.experiment_id);
      const now = Date.now();
      await tx
        .insertInto('logged_models')
        .values({
          model_id: modelId,
          experiment_id: experimentId,
          name: input.name,
          artifact_location: appendToUriPath(experiment.artifact_location ?? '', 'models', modelId, 'artifacts'),
          creation_timestamp_ms: now,
          last_updated_timestamp_ms: now,
          status: LOGGED_MODEL_STATUS.values.LOGGED_MODEL_PENDING ?? 1,
          lifecycle_stage: 'active',
          model_type: input.modelType,
          source_run_id: input.sourceRunId,
        })
        .execute();
      await this.insertParams(tx, modelId, experimentId, input.params);
      if (input.tags.length > 0) await this.upsertTags(tx, modelId, experimentId, input.tags);
    });
    return this.get(modelId);
  }

  /** An active (not deleted) logged model. */
  async get(modelId: string): Promise<LoggedModel> {
    return this.database.read(async (db) => {
      const rows = await db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId).where('lifecycle_stage', '!=', 'deleted').execute();
      const [model] = await loadModels(db, rows);
      if (!model) throw noSuchLoggedModel(modelId);
      return model;
    });
  }

  async logParams(modelId: string, params: readonly KeyValue[]): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await this.findAny(tx, modelId);
      await this.insertParams(tx, modelId, toInt(row.experiment_id), params);
    });
  }

  async finalize(modelId: string, status: number): Promise<LoggedModel> {
    await this.database.write(async (tx) => {
      await this.findAny(tx, modelId);
      await tx.updateTable('logged_models').set({ status, last_updated_timestamp_ms: Date.now() }).where('model_id', '=', modelId).execute();
    });
    return this.getIncludingDeleted(modelId);
  }

  async delete(modelId: string): Promise<void> {
    await this.database.write(async (tx) => {
      await this.findAny(tx, modelId);
      await tx
        .updateTable('logged_models')
        .set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: Date.now() })
        .where('model_id', '=', modelId)
        .execute();
    });
  }

  async setTags(modelId: string, tags: readonly KeyValue[]): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await this.findAny(tx, modelId);
      await this.upsertTags(tx, modelId, toInt(row.experiment_id), tags);
    });
  }

  async deleteTag(modelId: string, key: string): Promise<void> {
    await this.database.write(async (tx) => {
      await this.findAny(tx, modelId);
      const result = await tx.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('tag_key', '=', key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new MlflowError(`No tag with key '${key}' found for model with ID '${modelId}'.`, 'RESOURCE_DOES_NOT_EXIST');
      }
    });
  }

  /** One page of a search (`maxResults + 1` rows are read to know whether a next page exists). */
  /** One page, and the offset of the next one when there is one. */
  async search(query: LoggedModelSearch): Promise<{ models: LoggedModel[]; nextOffset?: number }> {
    return this.database.read(async (db) => {
      const { rows } = await compileLoggedModelSearch(this.dialect, query).execute(db);
      const models = await loadModels(db, rows.slice(0, query.maxResults));
      if (!query.visible) return rows.length > query.maxResults ? { models, nextOffset: query.offset + query.maxResults } : { models };
      // a full page continues after its last model's unfiltered position, if anything follows it
      const last = rows.length === query.maxResults ? rows[rows.length - 1] : undefined;
      if (!last || Number(last.search_total) <= Number(last.search_position)) return { models };
      return { models, nextOffset: Number(last.search_position) };
    });
  }

  /**
   * Records a registered version in the model's `mlflow.modelVersions` tag, as MLflow's
   * set_model_versions_tags does: appended to the list, or the list replaced by that one entry
   * when it is already there.
   */
  async appendModelVersion(modelId: string, name: string, version: number): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await tx
        .selectFrom('logged_models')
        .select(['experiment_id'])
        .where('model_id', '=', modelId)
        .where('lifecycle_stage', '!=', 'deleted')
        .executeTakeFirst();
      if (!row) throw noSuchLoggedModel(modelId);
      const current = await tx
        .selectFrom('logged_model_tags')
        .select('tag_value')
        .where('model_id', '=', modelId)
        .where('tag_key', '=', MODEL_VERSIONS_TAG)
        .executeTakeFirst();
      const entry = { name, version };
      const existing = parseVersionList(current?.tag_value);
      const known = existing.some((e) => e.name === name && e.version === version);
      const value = pyJsonDumps(known || existing.length === 0 ? [entry] : [...existing, entry]);
      await this.upsertTags(tx, modelId, toInt(row.experiment_id), [{ key: MODEL_VERSIONS_TAG, value }]);
    });
  }

  private async getIncludingDeleted(modelId: string): Promise<LoggedModel> {
    return this.database.read(async (db) => {
      const rows = await db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId).execute();
      const [model] = await loadModels(db, rows);
      if (!model) throw noSuchLoggedModel(modelId);
      return model;
    });
  }

  /** The model row whatever its lifecycle stage (MLflow's `session.get`). */
  private async findAny(tx: Db, modelId: string) {
    const row = await tx.selectFrom('logged_models').select(['model_id', 'experiment_id']).where('model_id', '=', modelId).executeTakeFirst();
    if (!row) throw noSuchLoggedModel(modelId);
    return row;
  }

  private async insertParams(tx: Db, modelId: string, experimentId: number, params: readonly KeyValue[]): Promise<void> {
    if (params.length === 0) return;
    await tx
      .insertInto('logged_model_params')
      .values(params.map((p) => ({ model_id: modelId, experiment_id: experimentId, param_key: p.key, param_value: p.value })))
      .execute();
  }

  private async upsertTags(tx: Db, modelId: string, experimentId: number, tags: readonly KeyValue[]): Promise<void> {
    // The last of repeated keys wins, as successive session.merge calls do.
    const byKey = new Map(tags.map((t) => [t.key, t.value]));
    const rows = [...byKey].map(([key, value]) => ({ model_id: modelId, experiment_id: experimentId, tag_key: key, tag_value: value }));
    await upsert(tx, this.dialect, 'logged_model_tags', rows, ['model_id', 'tag_key'], ['tag_value']);
  }
}

export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

function parseVersionList(value: string | undefined): { name: string; version: unknown }[] {
  if (value === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as { name: string; version: unknown }[]) : [];
  } catch {
    return [];
  }
}

/** Metric points linked to logged models by runs/log-metric and log-batch (`model_id` set). */
export async function logModelMetrics(
  tx: Db,
  dialect: Database['dialect'],
  runId: string,
  experimentId: number,
  metrics: readonly LoggedModelMetric[],
): Promise<void> {
  if (metrics.length === 0) return;
  const rows = metrics.map((m) => ({
    model_id: m.model_id,
    metric_name: m.key,
    metric_timestamp_ms: m.timestamp,
    metric_step: m.step,
    metric_value: m.value,
    experiment_id: experimentId,
    run_id: runId,
    dataset_uuid: null,
    dataset_name: m.dataset_name,
    dataset_digest: m.dataset_digest,
  }));
  await insertIgnore(tx, dialect, 'logged_model_metrics', rows, ['model_id', 'metric_name', 'metric_timestamp_ms', 'metric_step', 'run_id']);
}

interface StoredModelRow {
  model_id: string;
  experiment_id: number | bigint | string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number | bigint | string;
  last_updated_timestamp_ms: number | bigint | string;
  status: number | bigint | string;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

/** Models with their tags, params and metrics, in the order of `rows`. */
export async function loadModels(db: Db, rows: readonly StoredModelRow[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [tags, params, metrics] = await Promise.all([
    db.selectFrom('logged_model_tags').select(['model_id', 'tag_key', 'tag_value']).where('model_id', 'in', ids).execute(),
    db.selectFrom('logged_model_params').select(['model_id', 'param_key', 'param_value']).where('model_id', 'in', ids).execute(),
    db.selectFrom('logged_model_metrics').selectAll().where('model_id', 'in', ids).execute(),
  ]);
  const group = <T>(items: readonly T[], id: (t: T) => string) => {
    const out = new Map<string, T[]>();
    for (const item of items) out.set(id(item), [...(out.get(id(item)) ?? []), item]);
    return out;
  };
  const tagsBy = group(tags, (t) => t.model_id);
  const paramsBy = group(params, (p) => p.model_id);
  const metricsBy = group(metrics, (m) => m.model_id);
  return rows.map((r) => ({
    model_id: r.model_id,
    experiment_id: String(r.experiment_id),
    name: r.name,
    artifact_location: r.artifact_location,
    creation_timestamp_ms: toInt64(r.creation_timestamp_ms),
    last_updated_timestamp_ms: toInt64(r.last_updated_timestamp_ms),
    status: statusName(toInt(r.status)),
    model_type: r.model_type,
    source_run_id: r.source_run_id,
    status_message: r.status_message,
    tags: (tagsBy.get(r.model_id) ?? []).map((t) => ({ key: t.tag_key, value: t.tag_value })),
    params: (paramsBy.get(r.model_id) ?? []).map((p) => ({ key: p.param_key, value: p.param_value })),
    metrics: (metricsBy.get(r.model_id) ?? []).map((m) => ({
      key: m.metric_name,
      value: m.metric_value ?? 0,
      timestamp: toInt64(m.metric_timestamp_ms),
      step: toInt64(m.metric_step),
      dataset_name: m.dataset_name,
      dataset_digest: m.dataset_digest,
      model_id: m.model_id,
      run_id: m.run_id,
    })),
  }));
}
