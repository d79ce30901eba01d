/** The only place tracking entities become wire JSON (MLflow's proto JSON shapes). */
import type * as wire from '@darwin-mlflow/contract';
import { wireDouble } from '../http/json.js';
import type { DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo } from './entities.js';

function nonEmpty<T>(items: T[]): T[] | undefined {
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

export function presentMetric(m: Metric): wire.Metric {
  return { key: m.key, value: m.is_nan ? 'NaN' : wireDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export function presentRunInfo(info: RunInfo): wire.RunInfo {
  return {
    run_uuid: info.run_id,
    experiment_id: info.experiment_id,
    run_name: info.run_name ?? undefined,
    user_id: info.user_id ?? '',
    status: info.status,
    start_time: info.start_time ?? 0,
    end_time: setInt(info.end_time),
    artifact_uri: info.artifact_uri || undefined,
    lifecycle_stage: info.lifecycle_stage,
    run_id: info.run_id,
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

export function presentRun(run: Run): wire.Run {
  return {
    info: presentRunInfo(run.info),
    data: { metrics: nonEmpty(run.data.metrics.map(presentMetric)), params: presentTags(run.data.params), tags: presentTags(run.data.tags) },
    inputs: run.inputs && { dataset_inputs: nonEmpty(run.inputs.map(presentDatasetInput)) },
  };
}
