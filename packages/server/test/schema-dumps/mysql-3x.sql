-- darwin-mlflow schema dump (mysql)
-- alembic_version: bf29a5ff90ea

TABLE alembic_version (engine=InnoDB charset=utf8mb4)
  COLUMN version_num varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (version_num)

TABLE assessments (engine=InnoDB charset=utf8mb4)
  COLUMN assessment_id varchar(50) NOT NULL
  COLUMN trace_id varchar(50) NOT NULL
  COLUMN name varchar(250) NOT NULL
  COLUMN assessment_type varchar(20) NOT NULL
  COLUMN value text NOT NULL
  COLUMN error text NULL
  COLUMN created_timestamp bigint NOT NULL
  COLUMN last_updated_timestamp bigint NOT NULL
  COLUMN source_type varchar(50) NOT NULL
  COLUMN source_id varchar(250) NULL
  COLUMN run_id varchar(32) NULL
  COLUMN span_id varchar(50) NULL
  COLUMN rationale text NULL
  COLUMN overrides varchar(50) NULL
  COLUMN valid tinyint(1) NOT NULL
  COLUMN assessment_metadata text NULL
  PRIMARY KEY PRIMARY (assessment_id)
  FOREIGN KEY fk_assessments_trace_id (trace_id) REFERENCES trace_info (request_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_assessments_assessment_type (assessment_type)
  INDEX index_assessments_last_updated_timestamp (last_updated_timestamp)
  INDEX index_assessments_run_id_created_timestamp (run_id, created_timestamp)
  INDEX index_assessments_trace_id_created_timestamp (trace_id, created_timestamp)

TABLE datasets (engine=InnoDB charset=utf8mb4)
  COLUMN dataset_uuid varchar(36) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN name varchar(500) NOT NULL
  COLUMN digest varchar(36) NOT NULL
  COLUMN dataset_source_type varchar(36) NOT NULL
  COLUMN dataset_source text NOT NULL
  COLUMN dataset_schema mediumtext NULL
  COLUMN dataset_profile mediumtext NULL
  PRIMARY KEY PRIMARY (experiment_id, name, digest)
  FOREIGN KEY fk_datasets_experiment_id_experiments (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_datasets_dataset_uuid (dataset_uuid)
  INDEX index_datasets_experiment_id_dataset_source_type (experiment_id, dataset_source_type)

TABLE entity_associations (engine=InnoDB charset=utf8mb4)
  COLUMN association_id varchar(36) NOT NULL
  COLUMN source_type varchar(36) NOT NULL
  COLUMN source_id varchar(36) NOT NULL
  COLUMN destination_type varchar(36) NOT NULL
  COLUMN destination_id varchar(36) NOT NULL
  COLUMN created_time bigint NULL
  PRIMARY KEY PRIMARY (source_type, source_id, destination_type, destination_id)
  INDEX index_entity_associations_association_id (association_id)
  INDEX index_entity_associations_reverse_lookup (destination_type, destination_id, source_type, source_id)

TABLE evaluation_dataset_records (engine=InnoDB charset=utf8mb4)
  COLUMN dataset_record_id varchar(36) NOT NULL
  COLUMN dataset_id varchar(36) NOT NULL
  COLUMN inputs longtext NOT NULL
  COLUMN expectations longtext NULL
  COLUMN tags longtext NULL
  COLUMN source longtext NULL
  COLUMN source_id varchar(36) NULL
  COLUMN source_type varchar(255) NULL
  COLUMN created_time bigint NULL
  COLUMN last_update_time bigint NULL
  COLUMN created_by varchar(255) NULL
  COLUMN last_updated_by varchar(255) NULL
  COLUMN input_hash varchar(64) NOT NULL
  COLUMN outputs longtext NULL
  PRIMARY KEY PRIMARY (dataset_record_id)
  FOREIGN KEY fk_evaluation_dataset_records_dataset_id (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_evaluation_dataset_records_dataset_id (dataset_id)
  UNIQUE INDEX unique_dataset_input (dataset_id, input_hash)
  CHECK expectations (json_valid(expectations))
  CHECK inputs (json_valid(inputs))
  CHECK outputs (json_valid(outputs))
  CHECK source (json_valid(source))
  CHECK tags (json_valid(tags))

TABLE evaluation_dataset_tags (engine=InnoDB charset=utf8mb4)
  COLUMN dataset_id varchar(36) NOT NULL
  COLUMN key varchar(255) NOT NULL
  COLUMN value varchar(5000) NULL
  PRIMARY KEY PRIMARY (dataset_id, key)
  FOREIGN KEY fk_evaluation_dataset_tags_dataset_id (dataset_id) REFERENCES evaluation_datasets (dataset_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_evaluation_dataset_tags_dataset_id (dataset_id)

TABLE evaluation_datasets (engine=InnoDB charset=utf8mb4)
  COLUMN dataset_id varchar(36) NOT NULL
  COLUMN name varchar(255) NOT NULL
  COLUMN schema text NULL
  COLUMN profile text NULL
  COLUMN digest varchar(64) NULL
  COLUMN created_time bigint NULL
  COLUMN last_update_time bigint NULL
  COLUMN created_by varchar(255) NULL
  COLUMN last_updated_by varchar(255) NULL
  PRIMARY KEY PRIMARY (dataset_id)
  INDEX index_evaluation_datasets_created_time (created_time)
  INDEX index_evaluation_datasets_name (name)

TABLE experiment_tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN experiment_id int NOT NULL
  PRIMARY KEY PRIMARY (key, experiment_id)
  FOREIGN KEY experiment_tags_ibfk_1 (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX experiment_id (experiment_id)

TABLE experiments (engine=InnoDB charset=utf8mb4)
  COLUMN experiment_id int NOT NULL auto_increment
  COLUMN name varchar(256) NOT NULL
  COLUMN artifact_location varchar(256) NULL
  COLUMN lifecycle_stage varchar(32) NULL
  COLUMN creation_time bigint NULL
  COLUMN last_update_time bigint NULL
  PRIMARY KEY PRIMARY (experiment_id)
  UNIQUE INDEX name (name)
  CHECK experiments_lifecycle_stage (lifecycle_stage in ('active','deleted'))

TABLE input_tags (engine=InnoDB charset=utf8mb4)
  COLUMN input_uuid varchar(36) NOT NULL
  COLUMN name varchar(255) NOT NULL
  COLUMN value varchar(500) NOT NULL
  PRIMARY KEY PRIMARY (input_uuid, name)

TABLE inputs (engine=InnoDB charset=utf8mb4)
  COLUMN input_uuid varchar(36) NOT NULL
  COLUMN source_type varchar(36) NOT NULL
  COLUMN source_id varchar(36) NOT NULL
  COLUMN destination_type varchar(36) NOT NULL
  COLUMN destination_id varchar(36) NOT NULL
  COLUMN step bigint NOT NULL DEFAULT 0
  PRIMARY KEY PRIMARY (source_type, source_id, destination_type, destination_id)
  INDEX index_inputs_destination_type_destination_id_source_type (destination_type, destination_id, source_type)
  INDEX index_inputs_input_uuid (input_uuid)

TABLE jobs (engine=InnoDB charset=utf8mb4)
  COLUMN id varchar(36) NOT NULL
  COLUMN creation_time bigint NOT NULL
  COLUMN function_fullname varchar(500) NOT NULL
  COLUMN params text NOT NULL
  COLUMN timeout double NULL
  COLUMN status int NOT NULL
  COLUMN result text NULL
  COLUMN retry_count int NOT NULL
  COLUMN last_update_time bigint NOT NULL
  PRIMARY KEY PRIMARY (id)
  INDEX index_jobs_function_status_creation_time (function_fullname, status, creation_time)

TABLE latest_metrics (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value double NOT NULL
  COLUMN timestamp bigint NULL
  COLUMN step bigint NOT NULL
  COLUMN is_nan tinyint(1) NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (key, run_uuid)
  FOREIGN KEY latest_metrics_ibfk_1 (run_uuid) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_latest_metrics_run_uuid (run_uuid)
  CHECK CONSTRAINT_1 (is_nan in (0,1))

TABLE logged_model_metrics (engine=InnoDB charset=utf8mb4)
  COLUMN model_id varchar(36) NOT NULL
  COLUMN metric_name varchar(500) NOT NULL
  COLUMN metric_timestamp_ms bigint NOT NULL
  COLUMN metric_step bigint NOT NULL
  COLUMN metric_value double NULL
  COLUMN experiment_id int NOT NULL
  COLUMN run_id varchar(32) NOT NULL
  COLUMN dataset_uuid varchar(36) NULL
  COLUMN dataset_name varchar(500) NULL
  COLUMN dataset_digest varchar(36) NULL
  PRIMARY KEY PRIMARY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id)
  FOREIGN KEY fk_logged_model_metrics_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  FOREIGN KEY fk_logged_model_metrics_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE RESTRICT ON DELETE CASCADE
  FOREIGN KEY fk_logged_model_metrics_run_id (run_id) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX fk_logged_model_metrics_experiment_id (experiment_id)
  INDEX fk_logged_model_metrics_run_id (run_id)
  INDEX index_logged_model_metrics_model_id (model_id)

TABLE logged_model_params (engine=InnoDB charset=utf8mb4)
  COLUMN model_id varchar(36) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN param_key varchar(255) NOT NULL
  COLUMN param_value text NOT NULL
  PRIMARY KEY PRIMARY (model_id, param_key)
  FOREIGN KEY fk_logged_model_params_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  FOREIGN KEY fk_logged_model_params_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX fk_logged_model_params_experiment_id (experiment_id)

TABLE logged_model_tags (engine=InnoDB charset=utf8mb4)
  COLUMN model_id varchar(36) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN tag_key varchar(255) NOT NULL
  COLUMN tag_value text NOT NULL
  PRIMARY KEY PRIMARY (model_id, tag_key)
  FOREIGN KEY fk_logged_model_tags_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  FOREIGN KEY fk_logged_model_tags_model_id (model_id) REFERENCES logged_models (model_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX fk_logged_model_tags_experiment_id (experiment_id)

TABLE logged_models (engine=InnoDB charset=utf8mb4)
  COLUMN model_id varchar(36) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN name varchar(500) NOT NULL
  COLUMN artifact_location varchar(1000) NOT NULL
  COLUMN creation_timestamp_ms bigint NOT NULL
  COLUMN last_updated_timestamp_ms bigint NOT NULL
  COLUMN status int NOT NULL
  COLUMN lifecycle_stage varchar(32) NULL
  COLUMN model_type varchar(500) NULL
  COLUMN source_run_id varchar(32) NULL
  COLUMN status_message varchar(1000) NULL
  PRIMARY KEY PRIMARY (model_id)
  FOREIGN KEY fk_logged_models_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX fk_logged_models_experiment_id (experiment_id)
  CHECK logged_models_lifecycle_stage_check (lifecycle_stage in ('active','deleted'))

TABLE metrics (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value double NOT NULL
  COLUMN timestamp bigint NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  COLUMN step bigint NOT NULL DEFAULT 0
  COLUMN is_nan tinyint(1) NOT NULL DEFAULT 0
  PRIMARY KEY PRIMARY (key, timestamp, step, run_uuid, value, is_nan)
  FOREIGN KEY metrics_ibfk_1 (run_uuid) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_metrics_run_uuid (run_uuid)
  CHECK CONSTRAINT_1 (is_nan in (0,1))
  CHECK CONSTRAINT_2 (is_nan in (0,1))

TABLE model_version_tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value text NULL
  COLUMN name varchar(256) NOT NULL
  COLUMN version int NOT NULL
  PRIMARY KEY PRIMARY (key, name, version)
  FOREIGN KEY model_version_tags_ibfk_1 (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE RESTRICT
  INDEX name (name, version)

TABLE model_versions (engine=InnoDB charset=utf8mb4)
  COLUMN name varchar(256) NOT NULL
  COLUMN version int NOT NULL
  COLUMN creation_time bigint NULL
  COLUMN last_updated_time bigint NULL
  COLUMN description varchar(5000) NULL
  COLUMN user_id varchar(256) NULL
  COLUMN current_stage varchar(20) NULL
  COLUMN source varchar(500) NULL
  COLUMN run_id varchar(32) NULL
  COLUMN status varchar(20) NULL
  COLUMN status_message varchar(500) NULL
  COLUMN run_link varchar(500) NULL
  COLUMN storage_location varchar(500) NULL
  PRIMARY KEY PRIMARY (name, version)
  FOREIGN KEY model_versions_ibfk_1 (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE RESTRICT

TABLE params (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(8000) NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (key, run_uuid)
  FOREIGN KEY params_ibfk_1 (run_uuid) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_params_run_uuid (run_uuid)

TABLE registered_model_aliases (engine=InnoDB charset=utf8mb4)
  COLUMN alias varchar(256) NOT NULL
  COLUMN version int NOT NULL
  COLUMN name varchar(256) NOT NULL
  PRIMARY KEY PRIMARY (name, alias)
  FOREIGN KEY registered_model_alias_name_fkey (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE

TABLE registered_model_tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN name varchar(256) NOT NULL
  PRIMARY KEY PRIMARY (key, name)
  FOREIGN KEY registered_model_tags_ibfk_1 (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE RESTRICT
  INDEX name (name)

TABLE registered_models (engine=InnoDB charset=utf8mb4)
  COLUMN name varchar(256) NOT NULL
  COLUMN creation_time bigint NULL
  COLUMN last_updated_time bigint NULL
  COLUMN description varchar(5000) NULL
  PRIMARY KEY PRIMARY (name)
  UNIQUE INDEX name (name)

TABLE runs (engine=InnoDB charset=utf8mb4)
  COLUMN run_uuid varchar(32) NOT NULL
  COLUMN name varchar(250) NULL
  COLUMN source_type varchar(20) NULL
  COLUMN source_name varchar(500) NULL
  COLUMN entry_point_name varchar(50) NULL
  COLUMN user_id varchar(256) NULL
  COLUMN status varchar(9) NULL
  COLUMN start_time bigint NULL
  COLUMN end_time bigint NULL
  COLUMN source_version varchar(50) NULL
  COLUMN lifecycle_stage varchar(20) NULL
  COLUMN artifact_uri varchar(200) NULL
  COLUMN experiment_id int NULL
  COLUMN deleted_time bigint NULL
  PRIMARY KEY PRIMARY (run_uuid)
  FOREIGN KEY runs_ibfk_1 (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX experiment_id (experiment_id)
  CHECK CONSTRAINT_1 (status in ('SCHEDULED','FAILED','FINISHED','RUNNING','KILLED'))
  CHECK runs_lifecycle_stage (lifecycle_stage in ('active','deleted'))
  CHECK source_type (source_type in ('NOTEBOOK','JOB','LOCAL','UNKNOWN','PROJECT'))

TABLE scorer_versions (engine=InnoDB charset=utf8mb4)
  COLUMN scorer_id varchar(36) NOT NULL
  COLUMN scorer_version int NOT NULL
  COLUMN serialized_scorer text NOT NULL
  COLUMN creation_time bigint NULL
  PRIMARY KEY PRIMARY (scorer_id, scorer_version)
  FOREIGN KEY fk_scorer_versions_scorer_id (scorer_id) REFERENCES scorers (scorer_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_scorer_versions_scorer_id (scorer_id)

TABLE scorers (engine=InnoDB charset=utf8mb4)
  COLUMN experiment_id int NOT NULL
  COLUMN scorer_name varchar(256) NOT NULL
  COLUMN scorer_id varchar(36) NOT NULL
  PRIMARY KEY PRIMARY (scorer_id)
  FOREIGN KEY fk_scorers_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE CASCADE
  UNIQUE INDEX index_scorers_experiment_id_scorer_name (experiment_id, scorer_name)

TABLE spans (engine=InnoDB charset=utf8mb4)
  COLUMN trace_id varchar(50) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN span_id varchar(50) NOT NULL
  COLUMN parent_span_id varchar(50) NULL
  COLUMN name text NULL
  COLUMN type varchar(500) NULL
  COLUMN status varchar(50) NOT NULL
  COLUMN start_time_unix_nano bigint NOT NULL
  COLUMN end_time_unix_nano bigint NULL
  COLUMN duration_ns bigint NULL stored generated
  COLUMN content longtext NOT NULL
  PRIMARY KEY PRIMARY (trace_id, span_id)
  FOREIGN KEY fk_spans_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  FOREIGN KEY fk_spans_trace_id (trace_id) REFERENCES trace_info (request_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_spans_experiment_id (experiment_id)
  INDEX index_spans_experiment_id_duration (experiment_id, duration_ns)
  INDEX index_spans_experiment_id_status_type (experiment_id, status, type)
  INDEX index_spans_experiment_id_type_status (experiment_id, type, status)

TABLE tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(8000) NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (key, run_uuid)
  FOREIGN KEY tags_ibfk_1 (run_uuid) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_tags_run_uuid (run_uuid)

TABLE trace_info (engine=InnoDB charset=utf8mb4)
  COLUMN request_id varchar(50) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN timestamp_ms bigint NOT NULL
  COLUMN execution_time_ms bigint NULL
  COLUMN status varchar(50) NOT NULL
  COLUMN client_request_id varchar(50) NULL
  COLUMN request_preview varchar(1000) NULL
  COLUMN response_preview varchar(1000) NULL
  PRIMARY KEY PRIMARY (request_id)
  FOREIGN KEY fk_trace_info_experiment_id (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_trace_info_experiment_id_timestamp_ms (experiment_id, timestamp_ms)

TABLE trace_request_metadata (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(8000) NULL
  COLUMN request_id varchar(50) NOT NULL
  PRIMARY KEY PRIMARY (key, request_id)
  FOREIGN KEY fk_trace_request_metadata_request_id (request_id) REFERENCES trace_info (request_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_trace_request_metadata_request_id (request_id)

TABLE trace_tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(8000) NULL
  COLUMN request_id varchar(50) NOT NULL
  PRIMARY KEY PRIMARY (key, request_id)
  FOREIGN KEY fk_trace_tags_request_id (request_id) REFERENCES trace_info (request_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX index_trace_tags_request_id (request_id)

TABLE webhook_events (engine=InnoDB charset=utf8mb4)
  COLUMN webhook_id varchar(256) NOT NULL
  COLUMN entity varchar(50) NOT NULL
  COLUMN action varchar(50) NOT NULL
  PRIMARY KEY PRIMARY (webhook_id, entity, action)
  FOREIGN KEY webhook_events_ibfk_1 (webhook_id) REFERENCES webhooks (webhook_id) ON UPDATE RESTRICT ON DELETE CASCADE
  INDEX idx_webhook_events_action (action)
  INDEX idx_webhook_events_entity (entity)
  INDEX idx_webhook_events_entity_action (entity, action)

TABLE webhooks (engine=InnoDB charset=utf8mb4)
  COLUMN webhook_id varchar(256) NOT NULL
  COLUMN name varchar(256) NOT NULL
  COLUMN description varchar(1000) NULL
  COLUMN url varchar(500) NOT NULL
  COLUMN status varchar(20) NOT NULL DEFAULT ACTIVE
  COLUMN secret varchar(1000) NULL
  COLUMN creation_timestamp bigint NULL
  COLUMN last_updated_timestamp bigint NULL
  COLUMN deleted_timestamp bigint NULL
  PRIMARY KEY PRIMARY (webhook_id)
  INDEX idx_webhooks_name (name)
  INDEX idx_webhooks_status (status)
