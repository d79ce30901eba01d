/**
 * The only place tracking entities and rows become wire JSON (MLflow's proto JSON shapes).
 *
 * Runs and metric points are presented from the array rows the stores read for large replies
 * (store/runRows.ts, store/metrics.ts), straight into the objects `encodeJson` serialises;
 * entities (runs/create, runs/update, GraphQL) take the same path through a small adapter, so
 * each shape has one presenter.
 */
import type * as wire from '@darwin-mlflow/contract';
import type { LifecycleStage, RunStatus } from '@darwin-mlflow/contract';
import { int64Of } from '../db/arrayRows.js';
import type { BoolCell, Int64Cell } from '../db/arrayRows.js';
import { toBool } from '../db/ints.js';
import { encodeJson, wireDouble } from '../http/json.js';
import type { DatasetInput, Experiment, KeyValue, Run, RunInfo } from './entities.js';
import { presentModelOutputs } from './loggedModelPresenters.js';
import type { KeyValueCells, MetricCells, RunInfoCells, RunRows } from './store/runRows.js';
import type { MetricPointCells } from './store/metrics.js';

/** A repeated field: omitted when empty, as proto JSON does. */
export function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** int64 fields that are 0 or NULL are unset in MLflow's protos, hence omitted. */
function setInt(v: wire.Int64 | null): wire.Int64 | undefined {
  return v === null || v === 0 || v === 0n ? undefined : v;
}

export function presentTags(tags: KeyValue[]): wire.KeyValue[] | undefined {
  return nonEmpty(tags.map((t) => ({ key: t.key, value: t.value })));
}

export function presentExperiment(e: Experiment): wire.Experiment {
  return {
    experiment_id: e.experiment_id,
    name: e.name,
    artifact_location: e.artifact_location || undefined,
    lifecycle_stage: e.lifecycle_stage,
    last_update_time: setInt(e.last_update_time),
    creation_time: setInt(e.creation_time),
    tags: presentTags(e.tags),
  };
}

// ---------------------------------------------------------------------------------------------
// Metrics and runs

function presentPoint(key: string, value: number, timestamp: Int64Cell | null, step: Int64Cell, isNan: BoolCell): wire.Metric {
  return { key, value: toBool(isNan) ? 'NaN' : wireDouble(value), timestamp: timestamp === null ? 0 : int64Of(timestamp), step: int64Of(step) };
}

/** The points of get-history (MLflow omits an empty list). */
export function presentMetricHistory(key: string, points: readonly MetricPointCells[]): wire.Metric[] | undefined {
  if (points.length === 0) return undefined;
  return points.map(([value, timestamp, step, isNan]) => presentPoint(key, value, timestamp, step, isNan));
}

/**
 * Points of get-history as wire JSON: the elements `encodeJson` writes for the array, as one
 * text: one JSON.stringify per chunk, as the buffered reply made one for the whole array (one per
 * point was part of the extra CPU per request measured on metric_history_10k).
 */
export function presentMetricHistoryJson(key: string, points: readonly MetricPointCells[]): string[] {
  const history = presentMetricHistory(key, points);
  return history ? [encodeJson(history).slice(1, -1)] : [];
}

function presentKeyValues(rows: readonly KeyValueCells[]): wire.KeyValue[] | undefined {
  if (rows.length === 0) return undefined;
  return rows.map(([, key, value]) => ({ key, value: value ?? '' }));
}

function presentRunInfoCells(info: RunInfoCells): wire.RunInfo {
  const [runId, name, userId, status, startTime, endTime, lifecycleStage, artifactUri, experimentId] = info;
  return {
    run_uuid: runId,
    experiment_id: experimentId === null ? '' : String(experimentId),
    run_name: name ?? undefined,
    user_id: userId ?? '',
    status: (status ?? 'RUNNING') as RunStatus,
    start_time: startTime === null ? 0 : int64Of(startTime),
    end_time: endTime === null ? undefined : setInt(int64Of(endTime)),
    artifact_uri: artifactUri || undefined,
    lifecycle_stage: (lifecycleStage ?? 'active') as LifecycleStage,
    run_id: runId,
  };
}

function presentDatasetInput(d: DatasetInput): wire.DatasetInput {
  return {
    tags: presentTags(d.tags),
    dataset: {
      name: d.dataset.name,
      digest: d.dataset.digest,
      source_type: d.dataset.source_type,
      source: d.dataset.source,
      schema: d.dataset.schema || undefined,
      profile: d.dataset.profile || undefined,
    },
  };
}

/** A run of runs/get or runs/search (with `inputs`) or of runs/create (without). */
export function presentRunRows(run: RunRows): wire.Run {
  return {
    info: presentRunInfoCells(run.info),
    data: {
      metrics: nonEmpty(run.metrics.map(([, key, value, timestamp, step, isNan]) => presentPoint(key, value, timestamp, step, isNan))),
      params: presentKeyValues(run.params),
      tags: presentKeyValues(run.tags),
    },
    inputs: run.inputs && {
      dataset_inputs: nonEmpty(run.inputs.map(presentDatasetInput)),
      model_inputs: run.modelInputs && nonEmpty(run.modelInputs.map((model_id) => ({ model_id }))),
    },
    ...(run.outputs ? { outputs: presentModelOutputs(run.outputs) } : {}),
  };
}

// Entities take the rows' path: cells carry int64 values beyond 2^53 as digits.

function cell(v: wire.Int64): Int64Cell {
  return typeof v === 'bigint' ? v.toString() : v;
}

function runInfoCells(info: RunInfo): RunInfoCells {
  const { start_time: start, end_time: end } = info;
  return [
    info.run_id,
    info.run_name,
    info.user_id,
    info.status,
    start === null ? null : cell(start),
    end === null ? null : cell(end),
    info.lifecycle_stage,
    info.artifact_uri,
    info.experiment_id,
  ];
}

export function presentRunInfo(info: RunInfo): wire.RunInfo {
  return presentRunInfoCells(runInfoCells(info));
}

export function presentRun(run: Run): wire.Run {
  const id = run.info.run_id;
  const keyValue = (t: KeyValue): KeyValueCells => [id, t.key, t.value];
  return presentRunRows({
    info: runInfoCells(run.info),
    metrics: run.data.metrics.map((m): MetricCells => [id, m.key, m.value, cell(m.timestamp), cell(m.step), m.is_nan]),
    params: run.data.params.map(keyValue),
    tags: run.data.tags.map(keyValue),
    inputs: run.inputs,
    ...(run.modelInputs ? { modelInputs: run.modelInputs } : {}),
    ...(run.outputs ? { outputs: run.outputs } : {}),
  });
}
