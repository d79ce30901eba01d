-- darwin-mlflow schema dump (sqlite)
-- alembic_version: acf3f17fdcc7

TABLE alembic_version
  COLUMN version_num varchar(32) NOT NULL
  PRIMARY KEY alembic_version_pkc (version_num)

TABLE datasets
  COLUMN dataset_uuid varchar(36) NOT NULL
  COLUMN experiment_id integer NOT NULL
  COLUMN name varchar(500) NOT NULL
  COLUMN digest varchar(36) NOT NULL
  COLUMN dataset_source_type varchar(36) NOT NULL
  COLUMN dataset_source text NOT NULL
  COLUMN dataset_schema text NULL
  COLUMN dataset_profile text NULL
  PRIMARY KEY dataset_pk (experiment_id, name, digest)
  FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_datasets_dataset_uuid (dataset_uuid)
  INDEX index_datasets_experiment_id_dataset_source_type (experiment_id, dataset_source_type)

TABLE experiment_tags
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN experiment_id integer NOT NULL
  PRIMARY KEY experiment_tag_pk (key, experiment_id)
  FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION

TABLE experiments
  COLUMN experiment_id integer NOT NULL
  COLUMN name varchar(256) NOT NULL
  COLUMN artifact_location varchar(256) NULL
  COLUMN lifecycle_stage varchar(32) NULL
  COLUMN creation_time bigint NULL
  COLUMN last_update_time bigint NULL
  PRIMARY KEY experiment_pk (experiment_id)
  UNIQUE (name)
  CHECK experiments_lifecycle_stage (lifecycle_stage IN ('active', 'deleted'))

TABLE input_tags
  COLUMN input_uuid varchar(36) NOT NULL
  COLUMN name varchar(255) NOT NULL
  COLUMN value varchar(500) NOT NULL
  PRIMARY KEY input_tags_pk (input_uuid, name)

TABLE inputs
  COLUMN input_uuid varchar(36) NOT NULL
  COLUMN source_type varchar(36) NOT NULL
  COLUMN source_id varchar(36) NOT NULL
  COLUMN destination_type varchar(36) NOT NULL
  COLUMN destination_id varchar(36) NOT NULL
  PRIMARY KEY inputs_pk (source_type, source_id, destination_type, destination_id)
  INDEX index_inputs_destination_type_destination_id_source_type (destination_type, destination_id, source_type)
  INDEX index_inputs_input_uuid (input_uuid)

TABLE latest_metrics
  COLUMN key varchar(250) NOT NULL
  COLUMN value float NOT NULL
  COLUMN timestamp bigint NULL
  COLUMN step bigint NOT NULL
  COLUMN is_nan boolean NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY latest_metric_pk (key, run_uuid)
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_latest_metrics_run_uuid (run_uuid)
  CHECK (is_nan IN (0, 1))

TABLE metrics
  COLUMN key varchar(250) NOT NULL
  COLUMN value float NOT NULL
  COLUMN timestamp bigint NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  COLUMN step bigint NOT NULL DEFAULT '0'
  COLUMN is_nan boolean NOT NULL DEFAULT '0'
  PRIMARY KEY metric_pk (key, timestamp, step, run_uuid, value, is_nan)
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_metrics_run_uuid (run_uuid)
  CHECK (is_nan IN (0, 1))

TABLE model_version_tags
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN name varchar(256) NOT NULL
  COLUMN version integer NOT NULL
  PRIMARY KEY model_version_tag_pk (key, name, version)
  FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE model_versions
  COLUMN name varchar(256) NOT NULL
  COLUMN version integer NOT NULL
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
  PRIMARY KEY model_version_pk (name, version)
  FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE params
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(8000) NOT NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY param_pk (key, run_uuid)
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_params_run_uuid (run_uuid)

TABLE registered_model_aliases
  COLUMN alias varchar(256) NOT NULL
  COLUMN version integer NOT NULL
  COLUMN name varchar(256) NOT NULL
  PRIMARY KEY registered_model_alias_pk (name, alias)
  FOREIGN KEY registered_model_alias_name_fkey (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE

TABLE registered_model_tags
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN name varchar(256) NOT NULL
  PRIMARY KEY registered_model_tag_pk (key, name)
  FOREIGN KEY (name) REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE NO ACTION

TABLE registered_models
  COLUMN name varchar(256) NOT NULL
  COLUMN creation_time bigint NULL
  COLUMN last_updated_time bigint NULL
  COLUMN description varchar(5000) NULL
  PRIMARY KEY registered_model_pk (name)
  UNIQUE (name)

TABLE runs
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
  COLUMN experiment_id integer NULL
  COLUMN deleted_time bigint NULL
  PRIMARY KEY run_pk (run_uuid)
  FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'))
  CHECK runs_lifecycle_stage (lifecycle_stage IN ('active', 'deleted'))
  CHECK source_type (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'))

TABLE tags
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY tag_pk (key, run_uuid)
  FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_tags_run_uuid (run_uuid)
