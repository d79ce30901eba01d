/**
 * Revisions 24-31 (MLflow 2.13-3.0): trace tables, wider tag values, cascading deletes,
 * logged models, `inputs.step`.
 */
import { sql } from 'kysely';
import { createTable } from '../sqlText.js';
import { rebuildSqliteTable, run, runOn } from './context.js';
import type { StepContext } from './context.js';

/** 867495a8f9d4 add trace tables (trace_info, trace_tags, trace_request_metadata). */
export async function addTraceTables_867495a8f9d4(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('trace_info', [
      'request_id VARCHAR(50) NOT NULL',
      'experiment_id INTEGER NOT NULL',
      'timestamp_ms BIGINT NOT NULL',
      'execution_time_ms BIGINT',
      'status VARCHAR(50) NOT NULL',
      'CONSTRAINT trace_info_pk PRIMARY KEY (request_id)',
      'CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
    ]),
    'CREATE INDEX index_trace_info_experiment_id_timestamp_ms ON trace_info (experiment_id, timestamp_ms)',
    createTable('trace_tags', traceKeyValueElements('trace_tag_pk', 'fk_trace_tags_request_id', '')),
    'CREATE INDEX index_trace_tags_request_id ON trace_tags (request_id)',
    createTable('trace_request_metadata', traceKeyValueElements('trace_request_metadata_pk', 'fk_trace_request_metadata_request_id', '')),
    'CREATE INDEX index_trace_request_metadata_request_id ON trace_request_metadata (request_id)',
  );
}

function traceKeyValueElements(pk: string, fk: string, onDelete: string): string[] {
  return [
    '"key" VARCHAR(250) NOT NULL',
    'value VARCHAR(8000)',
    'request_id VARCHAR(50) NOT NULL',
    `CONSTRAINT ${pk} PRIMARY KEY ("key", request_id)`,
    `CONSTRAINT ${fk} FOREIGN KEY(request_id) REFERENCES trace_info (request_id)${onDelete}`,
  ];
}

/** 5b0e9adcef9c trace tags and request metadata are deleted with their trace. */
export async function addTraceCascades_5b0e9adcef9c(ctx: StepContext): Promise<void> {
  for (const [table, pk] of [
    ['trace_tags', 'trace_tag_pk'],
    ['trace_request_metadata', 'trace_request_metadata_pk'],
  ] as const) {
    const fk = `fk_${table}_request_id`;
    if (ctx.dialect === 'sqlite') {
      await rebuildSqliteTable(ctx, table, traceKeyValueElements(pk, fk, ' ON DELETE CASCADE'));
      continue;
    }
    await replaceForeignKey(ctx, table, fk, fk, 'FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE');
  }
}

/** 4465047574b1 datasets.dataset_schema becomes MEDIUMTEXT on MySQL (TEXT elsewhere is enough). */
export async function increaseDatasetSchemaSize_4465047574b1(ctx: StepContext): Promise<void> {
  await runOn(ctx, { mysql: ['ALTER TABLE datasets MODIFY dataset_schema MEDIUMTEXT NULL'] });
}

/** f5a4f2784254 run tag values up to 8000 characters. */
export async function increaseRunTagValueLimit_f5a4f2784254(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value VARCHAR(8000)',
      'run_uuid VARCHAR(32) NOT NULL',
      'CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid)',
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: ['ALTER TABLE tags MODIFY value VARCHAR(8000) NULL'],
    postgres: ['ALTER TABLE tags ALTER COLUMN value TYPE VARCHAR(8000)'],
  });
}

/**
 * 0584bdc529eb datasets are deleted with their experiment; the foreign key, unnamed until now
 * (`datasets_ibfk_1`, `datasets_experiment_id_fkey`), gets SQLite's convention name.
 */
export async function cascadeDatasetsFromExperiments_0584bdc529eb(ctx: StepContext): Promise<void> {
  const name = 'fk_datasets_experiment_id_experiments';
  const definition = 'FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE';
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'datasets', [
      'dataset_uuid VARCHAR(36) NOT NULL',
      'experiment_id INTEGER NOT NULL',
      'name VARCHAR(500) NOT NULL',
      'digest VARCHAR(36) NOT NULL',
      'dataset_source_type VARCHAR(36) NOT NULL',
      'dataset_source TEXT NOT NULL',
      'dataset_schema TEXT',
      'dataset_profile TEXT',
      'CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest)',
      `CONSTRAINT ${name} ${definition}`,
    ]);
    return;
  }
  const old = await foreignKeyName(ctx, 'datasets', 'experiments');
  await replaceForeignKey(ctx, 'datasets', old, name, definition);
}

/** 400f98739977 add logged model tables (models, metrics, params, tags). */
export async function addLoggedModelTables_400f98739977(ctx: StepContext): Promise<void> {
  const experimentFk = (table: string, cascade: boolean) =>
    `CONSTRAINT fk_${table}_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)${cascade ? ' ON DELETE CASCADE' : ''}`;
  const modelFk = (table: string) =>
    `CONSTRAINT fk_${table}_model_id FOREIGN KEY(model_id) REFERENCES logged_models (model_id) ON DELETE CASCADE`;
  await run(
    ctx,
    createTable('logged_models', [
      'model_id VARCHAR(36) NOT NULL',
      'experiment_id INTEGER NOT NULL',
      'name VARCHAR(500) NOT NULL',
      'artifact_location VARCHAR(1000) NOT NULL',
      'creation_timestamp_ms BIGINT NOT NULL',
      'last_updated_timestamp_ms BIGINT NOT NULL',
      'status INTEGER NOT NULL',
      'lifecycle_stage VARCHAR(32)',
      'model_type VARCHAR(500)',
      'source_run_id VARCHAR(32)',
      'status_message VARCHAR(1000)',
      'CONSTRAINT logged_models_pk PRIMARY KEY (model_id)',
      "CONSTRAINT logged_models_lifecycle_stage_check CHECK (lifecycle_stage IN ('active', 'deleted'))",
      experimentFk('logged_models', true),
    ]),
    createTable('logged_model_metrics', [
      'model_id VARCHAR(36) NOT NULL',
      'metric_name VARCHAR(500) NOT NULL',
      'metric_timestamp_ms BIGINT NOT NULL',
      'metric_step BIGINT NOT NULL',
      'metric_value {DOUBLE}',
      'experiment_id INTEGER NOT NULL',
      'run_id VARCHAR(32) NOT NULL',
      'dataset_uuid VARCHAR(36)',
      'dataset_name VARCHAR(500)',
      'dataset_digest VARCHAR(36)',
      'CONSTRAINT logged_model_metrics_pk PRIMARY KEY (model_id, metric_name, metric_timestamp_ms, metric_step, run_id)',
      experimentFk('logged_model_metrics', false),
      modelFk('logged_model_metrics'),
      'CONSTRAINT fk_logged_model_metrics_run_id FOREIGN KEY(run_id) REFERENCES runs (run_uuid) ON DELETE CASCADE',
    ]),
    'CREATE INDEX index_logged_model_metrics_model_id ON logged_model_metrics (model_id)',
    ...(['params', 'tags'] as const).map((kind) => {
      const [key, table] = kind === 'params' ? ['param', 'logged_model_params'] : ['tag', 'logged_model_tags'];
      return createTable(table, [
        'model_id VARCHAR(36) NOT NULL',
        'experiment_id INTEGER NOT NULL',
        `${key}_key VARCHAR(255) NOT NULL`,
        `${key}_value TEXT NOT NULL`,
        `CONSTRAINT ${table}_pk PRIMARY KEY (model_id, ${key}_key)`,
        experimentFk(table, false),
        modelFk(table),
      ]);
    }),
  );
}

/** 6953534de441 add step to inputs (which step of a run a model input belongs to). */
export async function addStepToInputs_6953534de441(ctx: StepContext): Promise<void> {
  await run(ctx, "ALTER TABLE inputs ADD COLUMN step BIGINT DEFAULT '0' NOT NULL");
}

/** bda7b8c39065 model version tag values become TEXT. */
export async function increaseModelVersionTagValueLimit_bda7b8c39065(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'model_version_tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value TEXT',
      'name VARCHAR(256) NOT NULL',
      'version INTEGER NOT NULL',
      'CONSTRAINT model_version_tag_pk PRIMARY KEY ("key", name, version)',
      'FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: ['ALTER TABLE model_version_tags MODIFY value TEXT NULL'],
    postgres: ['ALTER TABLE model_version_tags ALTER COLUMN value TYPE TEXT'],
  });
}

/** Drops a foreign key and adds its replacement (MySQL and PostgreSQL). */
async function replaceForeignKey(ctx: StepContext, table: string, old: string, name: string, definition: string): Promise<void> {
  const drop = ctx.dialect === 'mysql' ? `ALTER TABLE ${table} DROP FOREIGN KEY ${old}` : `ALTER TABLE ${table} DROP CONSTRAINT ${old}`;
  await run(ctx, drop, `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${definition}`);
}

/** The name of `table`'s foreign key to `refTable` (MLflow's get_datasets_experiment_fk_name). */
async function foreignKeyName(ctx: StepContext, table: string, refTable: string): Promise<string> {
  const query =
    ctx.dialect === 'mysql'
      ? sql<{ name: string }>`SELECT constraint_name AS name FROM information_schema.referential_constraints
          WHERE constraint_schema = DATABASE() AND table_name = ${table} AND referenced_table_name = ${refTable}`
      : sql<{ name: string }>`SELECT c.conname AS name FROM pg_catalog.pg_constraint c
          JOIN pg_catalog.pg_class t ON t.oid = c.conrelid JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
          WHERE c.contype = 'f' AND t.relname = ${table} AND r.relname = ${refTable}
            AND t.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())`;
  const { rows } = await query.execute(ctx.db);
  const name = rows[0]?.name;
  if (name === undefined) throw new Error(`Unable to find the foreign key constraint name from ${table} to ${refTable}.`);
  return name;
}
