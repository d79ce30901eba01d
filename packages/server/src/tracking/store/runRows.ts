/** Run rows and the bulk loading of run data (latest metrics, params, tags, inputs) for a page. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { LifecycleStage, RunStatus } from '@darwin-mlflow/contract';
import type { Db } from '../../db/database.js';
import { toBool, toInt64, toInt64OrNull } from '../../db/ints.js';
import type { DatasetInput, KeyValue, Metric, Run, RunInfo } from '../entities.js';

export const RUN_COLUMNS = [
  'run_uuid',
  'name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'deleted_time',
  'lifecycle_stage',
  'artifact_uri',
  'experiment_id',
] as const;

export interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | bigint | string | null;
  end_time: number | bigint | string | null;
  deleted_time: number | bigint | string | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number | bigint | string | null;
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    run_id: row.run_uuid,
    experiment_id: row.experiment_id === null ? '' : String(row.experiment_id),
    run_name: row.name,
    user_id: row.user_id,
    status: (row.status ?? 'RUNNING') as RunStatus,
    start_time: toInt64OrNull(row.start_time),
    end_time: toInt64OrNull(row.end_time),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as LifecycleStage,
    deleted_time: toInt64OrNull(row.deleted_time),
  };
}

export function noSuchRun(runId: string): MlflowError {
  return MlflowError.notFound(`Run with id=${runId} not found`);
}

export async function findRunRow(tx: Db, runId: string, forUpdate = false): Promise<RunRow | undefined> {
  let q = tx.selectFrom('runs').select(RUN_COLUMNS).where('run_uuid', '=', runId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export function assertRunActive(row: RunRow): void {
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The run ${row.run_uuid} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
}

const IN_CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

function group<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Loads the data of many runs with one query per table (never one per run). */
export async function loadRuns(tx: Db, rows: readonly RunRow[]): Promise<Run[]> {
  const ids = rows.map((r) => r.run_uuid);
  const metrics = new Map<string, Metric[]>();
  const params = new Map<string, KeyValue[]>();
  const tags = new Map<string, KeyValue[]>();
  for (const part of chunks(ids)) {
    const [m, p, t] = await Promise.all([
      tx.selectFrom('latest_metrics').select(['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan']).where('run_uuid', 'in', part).execute(),
      tx.selectFrom('params').select(['run_uuid', 'key', 'value']).where('run_uuid', 'in', part).execute(),
      tx.selectFrom('tags').select(['run_uuid', 'key', 'value']).where('run_uuid', 'in', part).execute(),
    ]);
    for (const r of m) {
      group(metrics, r.run_uuid, {
        key: r.key,
        value: r.value,
        timestamp: r.timestamp === null ? 0 : toInt64(r.timestamp),
        step: toInt64(r.step),
        is_nan: toBool(r.is_nan),
      });
    }
    for (const r of p) group(params, r.run_uuid, { key: r.key, value: r.value });
    for (const r of t) group(tags, r.run_uuid, { key: r.key, value: r.value ?? '' });
  }
  const inputs = await loadRunInputs(tx, ids);
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: metrics.get(row.run_uuid) ?? [],
      params: params.get(row.run_uuid) ?? [],
      tags: tags.get(row.run_uuid) ?? [],
    },
    inputs: inputs.get(row.run_uuid) ?? [],
  }));
}

/** Dataset inputs of runs: inputs -> datasets, plus each input's tags. */
export async function loadRunInputs(tx: Db, runIds: readonly string[]): Promise<Map<string, DatasetInput[]>> {
  const out = new Map<string, DatasetInput[]>();
  for (const part of chunks(runIds)) {
    const links = await tx
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select([
        'inputs.input_uuid',
        'inputs.destination_id',
        'datasets.name',
        'datasets.digest',
        'datasets.dataset_source_type',
        'datasets.dataset_source',
        'datasets.dataset_schema',
        'datasets.dataset_profile',
      ])
      .where('inputs.source_type', '=', 'DATASET')
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', part)
      .execute();
    if (links.length === 0) continue;
    const tagRows = await tx
      .selectFrom('input_tags')
      .select(['input_uuid', 'name', 'value'])
      .where('input_uuid', 'in', links.map((l) => l.input_uuid))
      .execute();
    const tagsByInput = new Map<string, KeyValue[]>();
    for (const t of tagRows) group(tagsByInput, t.input_uuid, { key: t.name, value: t.value });
    for (const l of links) {
      group(out, l.destination_id, {
        tags: tagsByInput.get(l.input_uuid) ?? [],
        dataset: {
          name: l.name,
          digest: l.digest,
          source_type: l.dataset_source_type,
          source: l.dataset_source,
          schema: l.dataset_schema,
          profile: l.dataset_profile,
        },
      });
    }
  }
  return out;
}
