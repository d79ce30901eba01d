/**
 * Revisions 32-40 (MLflow 3.1-3.6): v3 trace columns, assessments, spans, entity
 * associations, webhooks, scorers, evaluation datasets, jobs (MLflow 3.x's head).
 * Booleans carry no CHECK here: MLflow 3 runs these with SQLAlchemy 2, whose Boolean creates none.
 */
import { createTable } from '../sqlText.js';
import { run } from './context.js';
import type { StepContext } from './context.js';

/** cbc13b556ace add v3 trace schema columns. */
export async function addV3TraceColumns_cbc13b556ace(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    'ALTER TABLE trace_info ADD COLUMN client_request_id VARCHAR(50)',
    'ALTER TABLE trace_info ADD COLUMN request_preview VARCHAR(1000)',
    'ALTER TABLE trace_info ADD COLUMN response_preview VARCHAR(1000)',
  );
}

/** 770bee3ae1dd add assessments table. */
export async function addAssessmentsTable_770bee3ae1dd(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('assessments', [
      'assessment_id VARCHAR(50) NOT NULL',
      'trace_id VARCHAR(50) NOT NULL',
      'name VARCHAR(250) NOT NULL',
      'assessment_type VARCHAR(20) NOT NULL',
      'value TEXT NOT NULL',
      'error TEXT',
      'created_timestamp BIGINT NOT NULL',
      'last_updated_timestamp BIGINT NOT NULL',
      'source_type VARCHAR(50) NOT NULL',
      'source_id VARCHAR(250)',
      'run_id VARCHAR(32)',
      'span_id VARCHAR(50)',
      'rationale TEXT',
      'overrides VARCHAR(50)',
      'valid {BOOL} NOT NULL',
      'assessment_metadata TEXT',
      'CONSTRAINT assessments_pk PRIMARY KEY (assessment_id)',
      'CONSTRAINT fk_assessments_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE',
    ]),
    'CREATE INDEX index_assessments_trace_id_created_timestamp ON assessments (trace_id, created_timestamp)',
    'CREATE INDEX index_assessments_run_id_created_timestamp ON assessments (run_id, created_timestamp)',
    'CREATE INDEX index_assessments_last_updated_timestamp ON assessments (last_updated_timestamp)',
    'CREATE INDEX index_assessments_assessment_type ON assessments (assessment_type)',
  );
}

/** a1b2c3d4e5f6 add spans table (duration_ns is a stored generated column). */
export async function addSpansTable_a1b2c3d4e5f6(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('spans', [
      'trace_id VARCHAR(50) NOT NULL',
      'experiment_id INTEGER NOT NULL',
      'span_id VARCHAR(50) NOT NULL',
      'parent_span_id VARCHAR(50)',
      'name TEXT',
      'type VARCHAR(500)',
      'status VARCHAR(50) NOT NULL',
      'start_time_unix_nano BIGINT NOT NULL',
      'end_time_unix_nano BIGINT',
      'duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED',
      'content {LONGTEXT} NOT NULL',
      'CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id)',
      'CONSTRAINT fk_spans_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE',
      'CONSTRAINT fk_spans_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
    ]),
    'CREATE INDEX index_spans_experiment_id ON spans (experiment_id)',
    'CREATE INDEX index_spans_experiment_id_status_type ON spans (experiment_id, status, type)',
    'CREATE INDEX index_spans_experiment_id_type_status ON spans (experiment_id, type, status)',
    'CREATE INDEX index_spans_experiment_id_duration ON spans (experiment_id, duration_ns)',
  );
}

/** de4033877273 create entity associations. */
export async function createEntityAssociations_de4033877273(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('entity_associations', [
      'association_id VARCHAR(36) NOT NULL',
      'source_type VARCHAR(36) NOT NULL',
      'source_id VARCHAR(36) NOT NULL',
      'destination_type VARCHAR(36) NOT NULL',
      'destination_id VARCHAR(36) NOT NULL',
      'created_time BIGINT',
      'CONSTRAINT entity_associations_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)',
    ]),
    'CREATE INDEX index_entity_associations_association_id ON entity_associations (association_id)',
    'CREATE INDEX index_entity_associations_reverse_lookup ON entity_associations (destination_type, destination_id, source_type, source_id)',
  );
}

/** 1a0cddfcaa16 add webhooks and webhook events tables. */
export async function addWebhooksTables_1a0cddfcaa16(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('webhooks', [
      'webhook_id VARCHAR(256) NOT NULL',
      'name VARCHAR(256) NOT NULL',
      'description VARCHAR(1000)',
      'url VARCHAR(500) NOT NULL',
      "status VARCHAR(20) DEFAULT 'ACTIVE' NOT NULL",
      'secret VARCHAR(1000)',
      'creation_timestamp BIGINT',
      'last_updated_timestamp BIGINT',
      'deleted_timestamp BIGINT',
      'CONSTRAINT webhook_pk PRIMARY KEY (webhook_id)',
    ]),
    'CREATE INDEX idx_webhooks_status ON webhooks (status)',
    'CREATE INDEX idx_webhooks_name ON webhooks (name)',
    createTable('webhook_events', [
      'webhook_id VARCHAR(256) NOT NULL',
      'entity VARCHAR(50) NOT NULL',
      'action VARCHAR(50) NOT NULL',
      'CONSTRAINT webhook_event_pk PRIMARY KEY (webhook_id, entity, action)',
      'FOREIGN KEY(webhook_id) REFERENCES webhooks (webhook_id) ON DELETE cascade',
    ]),
    'CREATE INDEX idx_webhook_events_entity ON webhook_events (entity)',
    'CREATE INDEX idx_webhook_events_action ON webhook_events (action)',
    'CREATE INDEX idx_webhook_events_entity_action ON webhook_events (entity, action)',
  );
}

/** 534353b11cbc add scorer tables. */
export async function addScorerTables_534353b11cbc(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('scorers', [
      'experiment_id INTEGER NOT NULL',
      'scorer_name VARCHAR(256) NOT NULL',
      'scorer_id VARCHAR(36) NOT NULL',
      'CONSTRAINT scorer_pk PRIMARY KEY (scorer_id)',
      'CONSTRAINT fk_scorers_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE',
    ]),
    createTable('scorer_versions', [
      'scorer_id VARCHAR(36) NOT NULL',
      'scorer_version INTEGER NOT NULL',
      'serialized_scorer TEXT NOT NULL',
      'creation_time BIGINT',
      'CONSTRAINT scorer_version_pk PRIMARY KEY (scorer_id, scorer_version)',
      'CONSTRAINT fk_scorer_versions_scorer_id FOREIGN KEY(scorer_id) REFERENCES scorers (scorer_id) ON DELETE CASCADE',
    ]),
    'CREATE UNIQUE INDEX index_scorers_experiment_id_scorer_name ON scorers (experiment_id, scorer_name)',
    'CREATE INDEX index_scorer_versions_scorer_id ON scorer_versions (scorer_id)',
  );
}

/** 71994744cf8e add evaluation datasets (datasets, their tags, their records). */
export async function addEvaluationDatasets_71994744cf8e(ctx: StepContext): Promise<void> {
  const datasetFk = (table: string) =>
    `CONSTRAINT fk_${table}_dataset_id FOREIGN KEY(dataset_id) REFERENCES evaluation_datasets (dataset_id) ON DELETE CASCADE`;
  await run(
    ctx,
    createTable('evaluation_datasets', [
      'dataset_id VARCHAR(36) NOT NULL',
      'name VARCHAR(255) NOT NULL',
      '"schema" TEXT',
      'profile TEXT',
      'digest VARCHAR(64)',
      'created_time BIGINT',
      'last_update_time BIGINT',
      'created_by VARCHAR(255)',
      'last_updated_by VARCHAR(255)',
      'CONSTRAINT evaluation_datasets_pk PRIMARY KEY (dataset_id)',
    ]),
    'CREATE INDEX index_evaluation_datasets_name ON evaluation_datasets (name)',
    'CREATE INDEX index_evaluation_datasets_created_time ON evaluation_datasets (created_time)',
    createTable('evaluation_dataset_tags', [
      'dataset_id VARCHAR(36) NOT NULL',
      '"key" VARCHAR(255) NOT NULL',
      'value VARCHAR(5000)',
      'CONSTRAINT evaluation_dataset_tags_pk PRIMARY KEY (dataset_id, "key")',
      datasetFk('evaluation_dataset_tags'),
    ]),
    'CREATE INDEX index_evaluation_dataset_tags_dataset_id ON evaluation_dataset_tags (dataset_id)',
    createTable('evaluation_dataset_records', [
      'dataset_record_id VARCHAR(36) NOT NULL',
      'dataset_id VARCHAR(36) NOT NULL',
      'inputs {JSON} NOT NULL',
      'expectations {JSON}',
      'tags {JSON}',
      'source {JSON}',
      'source_id VARCHAR(36)',
      'source_type VARCHAR(255)',
      'created_time BIGINT',
      'last_update_time BIGINT',
      'created_by VARCHAR(255)',
      'last_updated_by VARCHAR(255)',
      'input_hash VARCHAR(64) NOT NULL',
      'CONSTRAINT evaluation_dataset_records_pk PRIMARY KEY (dataset_record_id)',
      datasetFk('evaluation_dataset_records'),
      'CONSTRAINT unique_dataset_input UNIQUE (dataset_id, input_hash)',
    ]),
    'CREATE INDEX index_evaluation_dataset_records_dataset_id ON evaluation_dataset_records (dataset_id)',
  );
}

/** 3da73c924c2f add outputs to evaluation dataset records. */
export async function addOutputsToDatasetRecord_3da73c924c2f(ctx: StepContext): Promise<void> {
  await run(ctx, 'ALTER TABLE evaluation_dataset_records ADD COLUMN outputs {JSON}');
}

/** bf29a5ff90ea add jobs table (MLflow 3.x's head). */
export async function addJobsTable_bf29a5ff90ea(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('jobs', [
      'id VARCHAR(36) NOT NULL',
      'creation_time BIGINT NOT NULL',
      'function_fullname VARCHAR(500) NOT NULL',
      'params TEXT NOT NULL',
      'timeout {DOUBLE}',
      'status INTEGER NOT NULL',
      'result TEXT',
      'retry_count INTEGER NOT NULL',
      'last_update_time BIGINT NOT NULL',
      'CONSTRAINT jobs_pk PRIMARY KEY (id)',
    ]),
    'CREATE INDEX index_jobs_function_status_creation_time ON jobs (function_fullname, status, creation_time)',
  );
}
