/** MLflow 3.x's logged-model entities, as the stores return them. */
import type { Int64, LoggedModelStatus } from '@darwin-mlflow/contract';
import type { KeyValue } from './entities.js';

/** A metric point linked to a logged model (and optionally a dataset). */
export interface LoggedModelMetric {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
  dataset_name: string | null;
  dataset_digest: string | null;
  model_id: string;
  run_id: string;
}

export interface LoggedModel {
  model_id: string;
  experiment_id: string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: Int64;
  last_updated_timestamp_ms: Int64;
  status: LoggedModelStatus;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
  tags: KeyValue[];
  params: KeyValue[];
  metrics: LoggedModelMetric[];
}

/** A run's model output: the model it produced and at which step. */
export interface ModelOutput {
  model_id: string;
  step: Int64;
}
