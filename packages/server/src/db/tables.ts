/**
 * Kysely table types for MLflow's schema (tracking + registry database): 2.12.2's tables, and
 * those of MLflow 3.x's head that this server reads and writes (present only at that head).
 * Integer columns come back as number, bigint (SQLite safe integers) or string (PostgreSQL
 * int8, MySQL big numbers) depending on the driver; `toInt64` / `toInt` in ./ints.ts normalise.
 */
import type { ColumnType } from 'kysely';
import type { Int64 } from '@darwin-mlflow/contract';

/** An integer column as read from any driver. */
export type IntColumn = ColumnType<number | bigint | string, Int64, Int64>;
export type NullableIntColumn = ColumnType<number | bigint | string | null, Int64 | null, Int64 | null>;
/** Booleans: 0/1 on SQLite and MySQL, true/false on PostgreSQL. */
export type BoolColumn = ColumnType<boolean | number | bigint, boolean | number, boolean | number>;

export interface ExperimentsTable {
  experiment_id: ColumnType<number | bigint | string, Int64 | undefined, never>;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: NullableIntColumn;
  last_update_time: NullableIntColumn;
}

export interface ExperimentTagsTable {
  key: string;
  value: string | null;
  experiment_id: IntColumn;
}

export interface RunsTable {
  run_uuid: string;
  name: string | null;
  source_type: string | null;
  source_name: string | null;
  entry_point_name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: NullableIntColumn;
  end_time: NullableIntColumn;
  deleted_time: NullableIntColumn;
  source_version: string | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: NullableIntColumn;
}

export interface MetricsTable {
  key: string;
  value: number;
  timestamp: IntColumn;
  run_uuid: string;
  step: IntColumn;
  is_nan: BoolColumn;
}

export interface LatestMetricsTable {
  key: string;
  value: number;
  timestamp: NullableIntColumn;
  step: IntColumn;
  is_nan: BoolColumn;
  run_uuid: string;
}

export interface ParamsTable {
  key: string;
  value: string;
  run_uuid: string;
}

export interface TagsTable {
  key: string;
  value: string | null;
  run_uuid: string;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: IntColumn;
  name: string;
  digest: string;
  dataset_source_type: string;
  dataset_source: string;
  dataset_schema: string | null;
  dataset_profile: string | null;
}

export interface InputsTable extends InputsStepColumn {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: NullableIntColumn;
  last_updated_time: NullableIntColumn;
  description: string | null;
}

export interface ModelVersionsTable {
  name: string;
  version: IntColumn;
  creation_time: NullableIntColumn;
  last_updated_time: NullableIntColumn;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
}

export interface RegisteredModelTagsTable {
  key: string;
  value: string | null;
  name: string;
}

export interface ModelVersionTagsTable {
  key: string;
  value: string | null;
  name: string;
  version: IntColumn;
}

export interface RegisteredModelAliasesTable {
  alias: string;
  version: IntColumn;
  name: string;
}

/** MLflow 3.x: `inputs.step` (a model output's step); absent at 2.12.2's head. */
export interface InputsStepColumn {
  step: ColumnType<number | bigint | string, Int64 | undefined, Int64>;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: IntColumn;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: IntColumn;
  last_updated_timestamp_ms: IntColumn;
  status: IntColumn;
  lifecycle_stage: string | null;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  metric_name: string;
  metric_timestamp_ms: IntColumn;
  metric_step: IntColumn;
  metric_value: number | null;
  experiment_id: IntColumn;
  run_id: string;
  dataset_uuid: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export interface LoggedModelParamsTable {
  model_id: string;
  experiment_id: IntColumn;
  param_key: string;
  param_value: string;
}

export interface LoggedModelTagsTable {
  model_id: string;
  experiment_id: IntColumn;
  tag_key: string;
  tag_value: string;
}

/** MLflow 3.x tracing: one row per trace (`request_id` is the trace id). */
export interface TraceInfoTable {
  request_id: string;
  experiment_id: IntColumn;
  timestamp_ms: IntColumn;
  execution_time_ms: IntColumn | null;
  status: string;
  client_request_id: string | null;
  request_preview: string | null;
  response_preview: string | null;
}

export interface TraceKeyValueTable {
  key: string;
  value: string | null;
  request_id: string;
}

export interface AssessmentsTable {
  assessment_id: string;
  trace_id: string;
  name: string;
  assessment_type: string;
  value: string;
  error: string | null;
  created_timestamp: IntColumn;
  last_updated_timestamp: IntColumn;
  source_type: string;
  source_id: string | null;
  run_id: string | null;
  span_id: string | null;
  rationale: string | null;
  overrides: string | null;
  /** BOOLEAN on PostgreSQL; an integer 0/1 on SQLite and MySQL. */
  valid: ColumnType<boolean | number, boolean | number, boolean | number>;
  assessment_metadata: string | null;
}

/** MLflow 3.x: spans logged through OTLP (`duration_ns` is generated by the database). */
export interface SpansTable {
  trace_id: string;
  experiment_id: IntColumn;
  span_id: string;
  parent_span_id: string | null;
  name: string | null;
  type: string | null;
  status: string;
  start_time_unix_nano: IntColumn;
  end_time_unix_nano: NullableIntColumn;
  duration_ns: ColumnType<number | bigint | string | null, never, never>;
  content: string;
}

export interface EntityAssociationsTable {
  association_id: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
  created_time: IntColumn | null;
}

export interface AlembicVersionTable {
  version_num: string;
}

export interface Tables {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  params: ParamsTable;
  tags: TagsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: InputTagsTable;
  registered_models: RegisteredModelsTable;
  model_versions: ModelVersionsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  alembic_version: AlembicVersionTable;
  logged_models: LoggedModelsTable;
  logged_model_metrics: LoggedModelMetricsTable;
  logged_model_params: LoggedModelParamsTable;
  logged_model_tags: LoggedModelTagsTable;
  trace_info: TraceInfoTable;
  trace_tags: TraceKeyValueTable;
  trace_request_metadata: TraceKeyValueTable;
  assessments: AssessmentsTable;
  spans: SpansTable;
  entity_associations: EntityAssociationsTable;
}
