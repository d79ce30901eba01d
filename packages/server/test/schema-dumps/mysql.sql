-- darwin-mlflow schema dump (mysql)
-- alembic_version: acf3f17fdcc7

TABLE alembic_version (engine=InnoDB charset=utf8mb4)
  COLUMN version_num varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (version_num)

TABLE datasets (engine=InnoDB charset=utf8mb4)
  COLUMN dataset_uuid varchar(36) NOT NULL
  COLUMN experiment_id int NOT NULL
  COLUMN name varchar(500) NOT NULL
  COLUMN digest varchar(36) NOT NULL
  COLUMN dataset_source_type varchar(36) NOT NULL
  COLUMN dataset_source text NOT NULL
  COLUMN dataset_schema text NULL
  COLUMN dataset_profile mediumtext NULL
  PRIMARY KEY PRIMARY (experiment_id, name, digest)
  FOREIGN KEY datasets_ibfk_1 (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_datasets_dataset_uuid (dataset_uuid)
  INDEX index_datasets_experiment_id_dataset_source_type (experiment_id, dataset_source_type)

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
  PRIMARY KEY PRIMARY (source_type, source_id, destination_type, destination_id)
  INDEX index_inputs_destination_type_destination_id_source_type (destination_type, destination_id, source_type)
  INDEX index_inputs_input_uuid (input_uuid)

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
  COLUMN value varchar(5000) NULL
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

TABLE tags (engine=InnoDB charset=utf8mb4)
  COLUMN key varchar(250) NOT NULL
  COLUMN value varchar(5000) NULL
  COLUMN run_uuid varchar(32) NOT NULL
  PRIMARY KEY PRIMARY (key, run_uuid)
  FOREIGN KEY tags_ibfk_1 (run_uuid) REFERENCES runs (run_uuid) ON UPDATE RESTRICT ON DELETE RESTRICT
  INDEX index_tags_run_uuid (run_uuid)
