-- darwin-mlflow schema dump (postgres)
-- alembic_version: bf29a5ff90ea

TABLE alembic_version
  COLUMN version_num character varying(32) NOT NULL
  PRIMARY KEY alembic_version_pkc (version_num)

TABLE assessments
  COLUMN assessment_id character varying(50) NOT NULL
  COLUMN trace_id character varying(50) NOT NULL
  COLUMN name character varying(250) NOT NULL
  COLUMN assessment_type character varying(20) NOT NULL
  COLUMN value text NOT NULL
  COLUMN error text NULL
  COLUMN created_timestamp bigint NOT NULL
  COLUMN last_updated_timestamp bigint NOT NULL
  COLUMN source_type character varying(50) NOT NULL
  COLUMN source_id character varying(250) NULL
  COLUMN run_id character varying(32) NULL
  COLUMN span_id character varying(50) NULL
  COLUMN rationale text NULL
  COLUMN overrides character varying(50) NULL
  COLUMN valid boolean NOT NULL
  COLUMN assessment_metadata text NULL
  PRIMARY KEY assessments_pk (assessment_id)
  FOREIGN KEY fk_assessments_trace_id (trace_id) REFERENCES trace_info (request_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_assessments_assessment_type (assessment_type)
  INDEX index_assessments_last_updated_timestamp (last_updated_timestamp)
  INDEX index_assessments_run_id_created_timestamp (run_id, created_timestamp)
  INDEX index_assessments_trace_id_created_timestamp (trace_id, created_timestamp)

TABLE datasets
  COLUMN dataset_uuid character varying(36) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN name character varying(500) NOT NULL
  COLUMN digest character varying(36) NOT NULL
  COLUMN dataset_source_type character varying(36) NOT NULL
  COLUMN dataset_source text NOT NULL
  COLUMN dataset_schema text NULL
  COLUMN dataset_profile text NULL
  PRIMARY KEY dataset_pk (experiment_id, name, digest)
  FOREIGN KEY fk_datasets_experiment_id_experiments (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_datasets_dataset_uuid (dataset_uuid)
  INDEX index_datasets_experiment_id_dataset_source_type (experiment_id, dataset_source_type)

TABLE entity_associations
  COLUMN association_id character varying(36) NOT NULL
  COLUMN source_type character varying(36) NOT NULL
  COLUMN source_id character varying(36) NOT NULL
  COLUMN destination_type character varying(36) NOT NULL
  COLUMN destination_id character varying(36) NOT NULL
  COLUMN created_time bigint NULL
  PRIMARY KEY entity_associations_pk (source_type, source_id, destination_type, destination_id)
  INDEX index_entity_associations_association_id (association_id)
  INDEX index_entity_associations_reverse_lookup (destination_type, destination_id, source_type, source_id)

TABLE evaluation_dataset_records
  COLUMN dataset_record_id character varying(36) NOT NULL
  COLUMN dataset_id character varying(36) NOT NULL
  COLUMN inputs json NOT NULL
  COLUMN expectations json NULL
  COLUMN tags json NULL
  COLUMN source json NULL
  COLUMN source_id character varying(36) NULL
  COLUMN source_type character varying(255) NULL
  COLUMN created_time bigint NULL
  COLUMN last_update_time bigint NULL
  COLUMN created_by character varying(255) NULL
  COLUMN last_updated_by character varying(255) NULL
  COLUMN input_hash character varying(64) NOT NULL
  COLUMN outputs json NULL
  PRIMARY KEY evaluation_dataset_records_pk (dataset_record_id)
  UNIQUE unique_dataset_input (dataset_id, input_hash)
  FOREIGN KEY fk_evaluation_dataset_records_dataset_id (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_evaluation_dataset_records_dataset_id (dataset_id)

TABLE evaluation_dataset_tags
  COLUMN dataset_id character varying(36) NOT NULL
  COLUMN key character varying(255) NOT NULL
  COLUMN value character varying(5000) NULL
  PRIMARY KEY evaluation_dataset_tags_pk (dataset_id, key)
  FOREIGN KEY fk_evaluation_dataset_tags_dataset_id (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_evaluation_dataset_tags_dataset_id (dataset_id)

TABLE evaluation_datasets
  COLUMN dataset_id character varying(36) NOT NULL
  COLUMN name character varying(255) NOT NULL
  COLUMN schema text NULL
  COLUMN profile text NULL
  COLUMN digest character varying(64) NULL
  COLUMN created_time bigint NULL
  COLUMN last_update_time bigint NULL
  COLUMN created_by character varying(255) NULL
  COLUMN last_updated_by character varying(255) NULL
  PRIMARY KEY evaluation_datasets_pk (dataset_id)
  INDEX index_evaluation_datasets_created_time (created_time)
  INDEX index_evaluation_datasets_name (name)

TABLE experiment_tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(5000) NULL
  COLUMN experiment_id integer NOT NULL
  PRIMARY KEY experiment_tag_pk (key, experiment_id)
  FOREIGN KEY experiment_tags_experiment_id_fkey (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION

TABLE experiments
  COLUMN experiment_id integer NOT NULL DEFAULT nextval('experiments_experiment_id_seq'::regclass)
  COLUMN name character varying(256) NOT NULL
  COLUMN artifact_location character varying(256) NULL
  COLUMN lifecycle_stage character varying(32) NULL
  COLUMN creation_time bigint NULL
  COLUMN last_update_time bigint NULL
  PRIMARY KEY experiment_pk (experiment_id)
  UNIQUE experiments_name_key (name)
  CHECK experiments_lifecycle_stage (lifecycle_stage::text = ANY (ARRAY['active'::character varying, 'deleted'::character varying]::text[]))

TABLE input_tags
  COLUMN input_uuid character varying(36) NOT NULL
  COLUMN name character varying(255) NOT NULL
  COLUMN value character varying(500) NOT NULL
  PRIMARY KEY input_tags_pk (input_uuid, name)

TABLE inputs
  COLUMN input_uuid character varying(36) NOT NULL
  COLUMN source_type character varying(36) NOT NULL
  COLUMN source_id character varying(36) NOT NULL
  COLUMN destination_type character varying(36) NOT NULL
  COLUMN destination_id character varying(36) NOT NULL
  COLUMN step bigint NOT NULL DEFAULT '0'::bigint
  PRIMARY KEY inputs_pk (source_type, source_id, destination_type, destination_id)
  INDEX index_inputs_destination_type_destination_id_source_type (destination_type, destination_id, source_type)
  INDEX index_inputs_input_uuid (input_uuid)

TABLE jobs
  COLUMN id character varying(36) NOT NULL
  COLUMN creation_time bigint NOT NULL
  COLUMN function_fullname character varying(500) NOT NULL
  COLUMN params text NOT NULL
  COLUMN timeout double precision NULL
  COLUMN status integer NOT NULL
  COLUMN result text NULL
  COLUMN retry_count integer NOT NULL
  COLUMN last_update_time bigint NOT NULL
  PRIMARY KEY jobs_pk (id)
  INDEX index_jobs_function_status_creation_time (function_fullname, status, creation_time)

TABLE latest_metrics
  COLUMN key character varying(250) NOT NULL
  COLUMN value double precision NOT NULL
  COLUMN timestamp bigint NULL
  COLUMN step bigint NOT NULL
  COLUMN is_nan boolean NOT NULL
  COLUMN run_uuid character varying(32) NOT NULL
  PRIMARY KEY latest_metric_pk (key, run_uuid)
  FOREIGN KEY latest_metrics_run_uuid_fkey (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_latest_metrics_run_uuid (run_uuid)

TABLE logged_model_metrics
  COLUMN model_id character varying(36) NOT NULL
  COLUMN metric_name character varying(500) NOT NULL
  COLUMN metric_timestamp_ms bigint NOT NULL
  COLUMN metric_step bigint NOT NULL
  COLUMN metric_value double precision NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN run_id character varying(32) NOT NULL
  COLUMN dataset_uuid character varying(36) NULL
  COLUMN dataset_name character varying(500) NULL
  COLUMN dataset_digest character varying(36) NULL
  PRIMARY KEY logged_model_metrics_pk (model_id, metric_name, metric_timestamp_ms, metric_step, run_id)
  FOREIGN KEY fk_logged_model_metrics_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  FOREIGN KEY fk_logged_model_metrics_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE NO ACTION ON DELETE CASCADE
  FOREIGN KEY fk_logged_model_metrics_run_id (run_id) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_logged_model_metrics_model_id (model_id)

TABLE logged_model_params
  COLUMN model_id character varying(36) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN param_key character varying(255) NOT NULL
  COLUMN param_value text NOT NULL
  PRIMARY KEY logged_model_params_pk (model_id, param_key)
  FOREIGN KEY fk_logged_model_params_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  FOREIGN KEY fk_logged_model_params_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE NO ACTION ON DELETE CASCADE

TABLE logged_model_tags
  COLUMN model_id character varying(36) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN tag_key character varying(255) NOT NULL
  COLUMN tag_value text NOT NULL
  PRIMARY KEY logged_model_tags_pk (model_id, tag_key)
  FOREIGN KEY fk_logged_model_tags_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  FOREIGN KEY fk_logged_model_tags_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE NO ACTION ON DELETE CASCADE

TABLE logged_models
  COLUMN model_id character varying(36) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN name character varying(500) NOT NULL
  COLUMN artifact_location character varying(1000) NOT NULL
  COLUMN creation_timestamp_ms bigint NOT NULL
  COLUMN last_updated_timestamp_ms bigint NOT NULL
  COLUMN status integer NOT NULL
  COLUMN lifecycle_stage character varying(32) NULL
  COLUMN model_type character varying(500) NULL
  COLUMN source_run_id character varying(32) NULL
  COLUMN status_message character varying(1000) NULL
  PRIMARY KEY logged_models_pk (model_id)
  FOREIGN KEY fk_logged_models_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE CASCADE
  CHECK logged_models_lifecycle_stage_check (lifecycle_stage::text = ANY (ARRAY['active'::character varying, 'deleted'::character varying]::text[]))

TABLE metrics
  COLUMN key character varying(250) NOT NULL
  COLUMN value double precision NOT NULL
  COLUMN timestamp bigint NOT NULL
  COLUMN run_uuid character varying(32) NOT NULL
  COLUMN step bigint NOT NULL DEFAULT '0'::bigint
  COLUMN is_nan boolean NOT NULL DEFAULT false
  PRIMARY KEY metric_pk (key, timestamp, step, run_uuid, value, is_nan)
  FOREIGN KEY metrics_run_uuid_fkey (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_metrics_run_uuid (run_uuid)

TABLE model_version_tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value text NULL
  COLUMN name character varying(256) NOT NULL
  COLUMN version integer NOT NULL
  PRIMARY KEY model_version_tag_pk (key, name, version)
  FOREIGN KEY model_version_tags_name_version_fkey (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE model_versions
  COLUMN name character varying(256) NOT NULL
  COLUMN version integer NOT NULL
  COLUMN creation_time bigint NULL
  COLUMN last_updated_time bigint NULL
  COLUMN description character varying(5000) NULL
  COLUMN user_id character varying(256) NULL
  COLUMN current_stage character varying(20) NULL
  COLUMN source character varying(500) NULL
  COLUMN run_id character varying(32) NULL
  COLUMN status character varying(20) NULL
  COLUMN status_message character varying(500) NULL
  COLUMN run_link character varying(500) NULL
  COLUMN storage_location character varying(500) NULL
  PRIMARY KEY model_version_pk (name, version)
  FOREIGN KEY model_versions_name_fkey (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE params
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(8000) NOT NULL
  COLUMN run_uuid character varying(32) NOT NULL
  PRIMARY KEY param_pk (key, run_uuid)
  FOREIGN KEY params_run_uuid_fkey (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_params_run_uuid (run_uuid)

TABLE registered_model_aliases
  COLUMN alias character varying(256) NOT NULL
  COLUMN version integer NOT NULL
  COLUMN name character varying(256) NOT NULL
  PRIMARY KEY registered_model_alias_pk (name, alias)
  FOREIGN KEY registered_model_alias_name_fkey (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE

TABLE registered_model_tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(5000) NULL
  COLUMN name character varying(256) NOT NULL
  PRIMARY KEY registered_model_tag_pk (key, name)
  FOREIGN KEY registered_model_tags_name_fkey (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE registered_models
  COLUMN name character varying(256) NOT NULL
  COLUMN creation_time bigint NULL
  COLUMN last_updated_time bigint NULL
  COLUMN description character varying(5000) NULL
  PRIMARY KEY registered_model_pk (name)

TABLE runs
  COLUMN run_uuid character varying(32) NOT NULL
  COLUMN name character varying(250) NULL
  COLUMN source_type character varying(20) NULL
  COLUMN source_name character varying(500) NULL
  COLUMN entry_point_name character varying(50) NULL
  COLUMN user_id character varying(256) NULL
  COLUMN status character varying(9) NULL
  COLUMN start_time bigint NULL
  COLUMN end_time bigint NULL
  COLUMN source_version character varying(50) NULL
  COLUMN lifecycle_stage character varying(20) NULL
  COLUMN artifact_uri character varying(200) NULL
  COLUMN experiment_id integer NULL
  COLUMN deleted_time bigint NULL
  PRIMARY KEY run_pk (run_uuid)
  FOREIGN KEY runs_experiment_id_fkey (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  CHECK runs_lifecycle_stage (lifecycle_stage::text = ANY (ARRAY['active'::character varying, 'deleted'::character varying]::text[]))
  CHECK runs_status_check (status::text = ANY (ARRAY['SCHEDULED'::character varying, 'FAILED'::character varying, 'FINISHED'::character varying, 'RUNNING'::character varying, 'KILLED'::character varying]::text[]))
  CHECK source_type (source_type::text = ANY (ARRAY['NOTEBOOK'::character varying, 'JOB'::character varying, 'LOCAL'::character varying, 'UNKNOWN'::character varying, 'PROJECT'::character varying]::text[]))

TABLE scorer_versions
  COLUMN scorer_id character varying(36) NOT NULL
  COLUMN scorer_version integer NOT NULL
  COLUMN serialized_scorer text NOT NULL
  COLUMN creation_time bigint NULL
  PRIMARY KEY scorer_version_pk (scorer_id, scorer_version)
  FOREIGN KEY fk_scorer_versions_scorer_id (scorer_id) REFERENCES scorers (scorer_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_scorer_versions_scorer_id (scorer_id)

TABLE scorers
  COLUMN experiment_id integer NOT NULL
  COLUMN scorer_name character varying(256) NOT NULL
  COLUMN scorer_id character varying(36) NOT NULL
  PRIMARY KEY scorer_pk (scorer_id)
  FOREIGN KEY fk_scorers_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE CASCADE
  UNIQUE INDEX index_scorers_experiment_id_scorer_name (experiment_id, scorer_name)

TABLE spans
  COLUMN trace_id character varying(50) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN span_id character varying(50) NOT NULL
  COLUMN parent_span_id character varying(50) NULL
  COLUMN name text NULL
  COLUMN type character varying(500) NULL
  COLUMN status character varying(50) NOT NULL
  COLUMN start_time_unix_nano bigint NOT NULL
  COLUMN end_time_unix_nano bigint NULL
  COLUMN duration_ns bigint NULL DEFAULT (end_time_unix_nano - start_time_unix_nano)
  COLUMN content text NOT NULL
  PRIMARY KEY spans_pk (trace_id, span_id)
  FOREIGN KEY fk_spans_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  FOREIGN KEY fk_spans_trace_id (trace_id) REFERENCES trace_info (request_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_spans_experiment_id (experiment_id)
  INDEX index_spans_experiment_id_duration (experiment_id, duration_ns)
  INDEX index_spans_experiment_id_status_type (experiment_id, status, type)
  INDEX index_spans_experiment_id_type_status (experiment_id, type, status)

TABLE tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(8000) NULL
  COLUMN run_uuid character varying(32) NOT NULL
  PRIMARY KEY tag_pk (key, run_uuid)
  FOREIGN KEY tags_run_uuid_fkey (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_tags_run_uuid (run_uuid)

TABLE trace_info
  COLUMN request_id character varying(50) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN timestamp_ms bigint NOT NULL
  COLUMN execution_time_ms bigint NULL
  COLUMN status character varying(50) NOT NULL
  COLUMN client_request_id character varying(50) NULL
  COLUMN request_preview character varying(1000) NULL
  COLUMN response_preview character varying(1000) NULL
  PRIMARY KEY trace_info_pk (request_id)
  FOREIGN KEY fk_trace_info_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_trace_info_experiment_id_timestamp_ms (experiment_id, timestamp_ms)

TABLE trace_request_metadata
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(8000) NULL
  COLUMN request_id character varying(50) NOT NULL
  PRIMARY KEY trace_request_metadata_pk (key, request_id)
  FOREIGN KEY fk_trace_request_metadata_request_id (request_id) REFERENCES trace_info (request_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_trace_request_metadata_request_id (request_id)

TABLE trace_tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(8000) NULL
  COLUMN request_id character varying(50) NOT NULL
  PRIMARY KEY trace_tag_pk (key, request_id)
  FOREIGN KEY fk_trace_tags_request_id (request_id) REFERENCES trace_info (request_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX index_trace_tags_request_id (request_id)

TABLE webhook_events
  COLUMN webhook_id character varying(256) NOT NULL
  COLUMN entity character varying(50) NOT NULL
  COLUMN action character varying(50) NOT NULL
  PRIMARY KEY webhook_event_pk (webhook_id, entity, action)
  FOREIGN KEY webhook_events_webhook_id_fkey (webhook_id) REFERENCES webhooks (webhook_id) ON UPDATE NO ACTION ON DELETE CASCADE
  INDEX idx_webhook_events_action (action)
  INDEX idx_webhook_events_entity (entity)
  INDEX idx_webhook_events_entity_action (entity, action)

TABLE webhooks
  COLUMN webhook_id character varying(256) NOT NULL
  COLUMN name character varying(256) NOT NULL
  COLUMN description character varying(1000) NULL
  COLUMN url character varying(500) NOT NULL
  COLUMN status character varying(20) NOT NULL DEFAULT 'ACTIVE'::character varying
  COLUMN secret character varying(1000) NULL
  COLUMN creation_timestamp bigint NULL
  COLUMN last_updated_timestamp bigint NULL
  COLUMN deleted_timestamp bigint NULL
  PRIMARY KEY webhook_pk (webhook_id)
  INDEX idx_webhooks_name (name)
  INDEX idx_webhooks_status (status)

SEQUENCE experiments_experiment_id_seq AS integer START 1 INCREMENT 1 OWNED BY experiments.experiment_id
