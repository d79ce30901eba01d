/**
 * The MLflow 0.9.1 schema (mlflow/store/tracking/dbmodels/initial_models.py), which MLflow
 * creates with `create_all` before running the first alembic revision. Only tables that are
 * missing are created, as `create_all` does.
 */
import { createTable } from './sqlText.js';

export const BASE_TABLE_DDL: Record<string, string> = {
  experiments: createTable('experiments', [
    'experiment_id {AUTO_ID}',
    'name VARCHAR(256) NOT NULL',
    'artifact_location VARCHAR(256)',
    'lifecycle_stage VARCHAR(32)',
    'CONSTRAINT experiment_pk PRIMARY KEY (experiment_id)',
    "CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))",
    'UNIQUE (name)',
  ]),
  runs: createTable('runs', [
    'run_uuid VARCHAR(32) NOT NULL',
    'name VARCHAR(250)',
    'source_type VARCHAR(20)',
    'source_name VARCHAR(500)',
    'entry_point_name VARCHAR(50)',
    'user_id VARCHAR(256)',
    'status VARCHAR(20)',
    'start_time BIGINT',
    'end_time BIGINT',
    'source_version VARCHAR(50)',
    'lifecycle_stage VARCHAR(20)',
    'artifact_uri VARCHAR(200)',
    'experiment_id INTEGER',
    'CONSTRAINT run_pk PRIMARY KEY (run_uuid)',
    "CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'))",
    "CONSTRAINT status CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING'))",
    "CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))",
    'FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
  ]),
  tags: createTable('tags', [
    '"key" VARCHAR(250) NOT NULL',
    'value VARCHAR(250)',
    'run_uuid VARCHAR(32) NOT NULL',
    'CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid)',
    'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
  ]),
  metrics: createTable('metrics', [
    '"key" VARCHAR(250) NOT NULL',
    'value {FLOAT} NOT NULL',
    'timestamp BIGINT NOT NULL',
    'run_uuid VARCHAR(32) NOT NULL',
    'CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, run_uuid)',
    'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
  ]),
  params: createTable('params', [
    '"key" VARCHAR(250) NOT NULL',
    'value VARCHAR(250) NOT NULL',
    'run_uuid VARCHAR(32) NOT NULL',
    'CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid)',
    'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
  ]),
};

/** Creation order respects the foreign keys (MySQL and PostgreSQL check them at CREATE). */
export const BASE_CREATION_ORDER = ['experiments', 'runs', 'tags', 'metrics', 'params'] as const;

export function missingBaseTables(existing: readonly string[]): string[] {
  return BASE_CREATION_ORDER.filter((t) => !existing.includes(t));
}
