-- darwin-mlflow schema dump (postgres)
-- alembic_version: acf3f17fdcc7

TABLE alembic_version
  COLUMN version_num character varying(32) NOT NULL
  PRIMARY KEY alembic_version_pkc (version_num)

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
  FOREIGN KEY datasets_experiment_id_fkey (experiment_id) REFERENCES experiments (experiment_id) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_datasets_dataset_uuid (dataset_uuid)
  INDEX index_datasets_experiment_id_dataset_source_type (experiment_id, dataset_source_type)

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
  PRIMARY KEY inputs_pk (source_type, source_id, destination_type, destination_id)
  INDEX index_inputs_destination_type_destination_id_source_type (destination_type, destination_id, source_type)
  INDEX index_inputs_input_uuid (input_uuid)

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
  COLUMN value character varying(5000) NULL
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

TABLE tags
  COLUMN key character varying(250) NOT NULL
  COLUMN value character varying(5000) NULL
  COLUMN run_uuid character varying(32) NOT NULL
  PRIMARY KEY tag_pk (key, run_uuid)
  FOREIGN KEY tags_run_uuid_fkey (run_uuid) REFERENCES runs (run_uuid) ON UPDATE NO ACTION ON DELETE NO ACTION
  INDEX index_tags_run_uuid (run_uuid)

SEQUENCE experiments_experiment_id_seq AS integer START 1 INCREMENT 1 OWNED BY experiments.experiment_id
