/**
 * Revisions 19-23 (MLflow 2.2-2.12): experiment timestamps, model aliases, datasets and
 * inputs, longer params, model version storage location.
 */
import { listTables } from '../catalog.js';
import { createTable } from '../sqlText.js';
import { run } from './context.js';
import type { StepContext } from './context.js';
import { setParamValueLength } from './maintenance2021.js';

/** 97727af70f4d creation_time and last_update_time on experiments. */
export async function addExperimentTimes_97727af70f4d(ctx: StepContext): Promise<void> {
  await run(ctx, 'ALTER TABLE experiments ADD COLUMN creation_time BIGINT', 'ALTER TABLE experiments ADD COLUMN last_update_time BIGINT');
}

/** 3500859a5d39 add model aliases table (skipped when it already exists, as MLflow does). */
export async function addModelAliasesTable_3500859a5d39(ctx: StepContext): Promise<void> {
  if ((await listTables(ctx.db, ctx.dialect)).includes('registered_model_aliases')) return;
  await run(
    ctx,
    createTable('registered_model_aliases', [
      'alias VARCHAR(256) NOT NULL',
      'version INTEGER NOT NULL',
      'name VARCHAR(256) NOT NULL',
      'CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias)',
      'CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE',
    ]),
  );
}

/** 7f2a7d5fae7d add datasets, inputs and input_tags tables (no foreign key on the last two). */
export async function addDatasetsInputsTables_7f2a7d5fae7d(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('datasets', [
      'dataset_uuid VARCHAR(36) NOT NULL',
      'experiment_id INTEGER NOT NULL',
      'name VARCHAR(500) NOT NULL',
      'digest VARCHAR(36) NOT NULL',
      'dataset_source_type VARCHAR(36) NOT NULL',
      'dataset_source TEXT NOT NULL',
      'dataset_schema TEXT',
      'dataset_profile {MEDIUMTEXT}',
      'CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest)',
      'FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
    ]),
    'CREATE INDEX index_datasets_dataset_uuid ON datasets (dataset_uuid)',
    'CREATE INDEX index_datasets_experiment_id_dataset_source_type ON datasets (experiment_id, dataset_source_type)',
    createTable('inputs', [
      'input_uuid VARCHAR(36) NOT NULL',
      'source_type VARCHAR(36) NOT NULL',
      'source_id VARCHAR(36) NOT NULL',
      'destination_type VARCHAR(36) NOT NULL',
      'destination_id VARCHAR(36) NOT NULL',
      'CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id)',
    ]),
    'CREATE INDEX index_inputs_input_uuid ON inputs (input_uuid)',
    'CREATE INDEX index_inputs_destination_type_destination_id_source_type ON inputs (destination_type, destination_id, source_type)',
    createTable('input_tags', [
      'input_uuid VARCHAR(36) NOT NULL',
      'name VARCHAR(255) NOT NULL',
      'value VARCHAR(500) NOT NULL',
      'CONSTRAINT input_tags_pk PRIMARY KEY (input_uuid, name)',
    ]),
  );
}

/** 2d6e25af4d3e increase max param val length from 500 to 8000. */
export async function increaseParamValueLength_2d6e25af4d3e(ctx: StepContext): Promise<void> {
  await setParamValueLength(ctx, 8000);
}

/** acf3f17fdcc7 add storage location field to model versions (the head). */
export async function addStorageLocation_acf3f17fdcc7(ctx: StepContext): Promise<void> {
  await run(ctx, 'ALTER TABLE model_versions ADD COLUMN storage_location VARCHAR(500)');
}
