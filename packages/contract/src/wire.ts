/**
 * Response shapes as MLflow 2.12.2 renders them (snake_case, unset fields omitted,
 * int64 as JSON numbers, enums by name, NaN/Infinity doubles as strings).
 */
import type { Int64 } from './proto.js';
import type { LifecycleStage, ModelVersionStatus, RunStatus } from './enums.js';

export interface KeyValue {
  key: string;
  value?: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: LifecycleStage;
  last_update_time?: Int64;
  creation_time?: Int64;
  tags?: KeyValue[];
}

/** A double on the wire: finite numbers as numbers, NaN and infinities as strings. */
export type WireDouble = number | 'NaN' | 'Infinity' | '-Infinity';

export interface Metric {
  key: string;
  value: WireDouble;
  timestamp: Int64;
  step: Int64;
}

export interface MetricWithRunId extends Metric {
  run_id: string;
}

export interface RunInfo {
  run_uuid: string;
  experiment_id: string;
  run_name?: string;
  user_id: string;
  status: RunStatus;
  start_time: Int64;
  end_time?: Int64;
  artifact_uri?: string;
  lifecycle_stage: LifecycleStage;
  run_id: string;
}

export interface RunData {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface RunInputs {
  dataset_inputs?: DatasetInput[];
  /** MLflow 3.x: logged models the run used. */
  model_inputs?: { model_id: string }[];
}

/** MLflow 3.x: logged models the run produced, with the step. */
export interface RunOutputs {
  model_outputs?: { model_id: string; step: Int64 }[];
}

export interface Run {
  info: RunInfo;
  data?: RunData;
  inputs?: RunInputs;
  outputs?: RunOutputs;
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: Int64;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: Int64;
  last_updated_timestamp?: Int64;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: ModelVersionStatus;
  status_message?: string;
  tags?: KeyValue[];
  run_link?: string;
  aliases?: string[];
}

export interface RegisteredModelAlias {
  alias: string;
  version: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: Int64;
  last_updated_timestamp?: Int64;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: RegisteredModelAlias[];
}

export interface DatasetSummary {
  experiment_id: string;
  name: string;
  digest: string;
  context?: string | null;
}
