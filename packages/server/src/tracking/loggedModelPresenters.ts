/** Wire JSON of MLflow 3.x's logged models (LoggedModel.to_proto: no creator_id, no status_message). */
import { nonEmpty } from './presenters.js';
import type { LoggedModel, LoggedModelMetric, ModelOutput } from './loggedModelEntities.js';


function presentModelMetric(m: LoggedModelMetric) {
  return {
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step,
    dataset_name: m.dataset_name ?? undefined,
    dataset_digest: m.dataset_digest ?? undefined,
    model_id: m.model_id,
    run_id: m.run_id,
  };
}

export function presentLoggedModel(m: LoggedModel) {
  return {
    info: {
      model_id: m.model_id,
      experiment_id: m.experiment_id,
      name: m.name,
      creation_timestamp_ms: m.creation_timestamp_ms,
      last_updated_timestamp_ms: m.last_updated_timestamp_ms,
      artifact_uri: m.artifact_location,
      status: m.status,
      model_type: m.model_type ?? undefined,
      source_run_id: m.source_run_id ?? undefined,
      tags: nonEmpty(m.tags.map((t) => ({ key: t.key, value: t.value }))),
    },
    data: {
      params: nonEmpty(m.params.map((p) => ({ key: p.key, value: p.value }))),
      metrics: nonEmpty(m.metrics.map(presentModelMetric)),
    },
  };
}

export function presentModelOutputs(outputs: readonly ModelOutput[]) {
  return { model_outputs: nonEmpty(outputs.map((o) => ({ model_id: o.model_id, step: o.step }))) };
}
