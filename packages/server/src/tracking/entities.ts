/** Tracking entities as the stores return them (plain data, MLflow's field names). */
import type { ModelOutput } from './loggedModelEntities.js';
import type { Int64, LifecycleStage, RunStatus } from '@darwin-mlflow/contract';

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: LifecycleStage;
  creation_time: Int64 | null;
  last_update_time: Int64 | null;
  tags: KeyValue[];
}

export interface RunInfo {
  run_id: string;
  experiment_id: string;
  run_name: string | null;
  user_id: string | null;
  status: RunStatus;
  start_time: Int64 | null;
  end_time: Int64 | null;
  artifact_uri: string | null;
  lifecycle_stage: LifecycleStage;
  deleted_time: Int64 | null;
}

/** A metric point as stored: NaN is value 0 with is_nan set. */
export interface Metric {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
  is_nan: boolean;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface DatasetInput {
  tags: KeyValue[];
  dataset: Dataset;
}

export interface RunData {
  metrics: Metric[];
  params: KeyValue[];
  tags: KeyValue[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  /** Absent when not loaded: runs/create answers without `inputs`, as MLflow does. */
  inputs?: DatasetInput[];
  /** MLflow 3.x schema only: logged models the run used (`inputs.model_inputs`). */
  modelInputs?: string[];
  /** MLflow 3.x schema only, absent on runs/create: logged models the run produced. */
  outputs?: ModelOutput[];
}
