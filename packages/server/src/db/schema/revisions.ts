/**
 * MLflow's tracking alembic chain (mlflow/store/db_migrations/versions), oldest first: MLflow
 * 2.12.2's 23 revisions, then the 17 that lead to MLflow 3.x's head (3.6). Before the first
 * revision comes the MLflow 0.9.1 base schema, which has no alembic_version row.
 */

/** MLflow 3.x's head (3.6: jobs table): where new databases and `db upgrade` go. */
export const HEAD_REVISION = 'bf29a5ff90ea';
/** MLflow 2.12.2's head (storage location on model versions), still served as it is. */
export const HEAD_2X_REVISION = 'acf3f17fdcc7';

export const REVISIONS = [
  '451aebb31d03', // add metric step
  '90e64c465722', // migrate user column to tags
  '181f10493468', // allow nulls for metric values
  'df50e92ffc5e', // add experiment tags table
  '7ac759974ad8', // update run tags with larger limit
  '89d4b8295536', // create latest metrics table
  '2b4d017a5e9b', // add model registry tables to db
  'cfd24bdc0731', // update run status constraint with killed
  '0a8213491aaa', // drop duplicate killed constraint
  '728d730b5ebd', // add registered model tags table
  '27a6a02d2cf1', // add model version tags table
  '84291f40a231', // add run_link to model_version
  'a8c4a736bde6', // allow nulls for run_id
  '39d1c3be5f05', // add is_nan constraint for metrics tables if necessary
  'c48cb773bb87', // reset default value for is_nan in metrics table for mysql
  'bd07f7e963c5', // create index on run_uuid
  '0c779009ac13', // add deleted_time field to runs table
  'cc1f77228345', // change param value length to 500
  '97727af70f4d', // creation_time / last_update_time on experiments
  '3500859a5d39', // add model aliases table
  '7f2a7d5fae7d', // add datasets, inputs, input_tags tables
  '2d6e25af4d3e', // increase max param val length from 500 to 8000
  HEAD_2X_REVISION, // add storage location field to model versions
  '867495a8f9d4', // add trace tables
  '5b0e9adcef9c', // add cascade deletion to trace tables foreign keys
  '4465047574b1', // increase max dataset schema size
  'f5a4f2784254', // increase run tag value limit
  '0584bdc529eb', // add cascading deletion to datasets from experiments
  '400f98739977', // add logged model tables
  '6953534de441', // add step to inputs table
  'bda7b8c39065', // increase model version tag value limit
  'cbc13b556ace', // add v3 trace schema columns
  '770bee3ae1dd', // add assessments table
  'a1b2c3d4e5f6', // add spans table
  'de4033877273', // create entity associations
  '1a0cddfcaa16', // add webhooks and webhook events tables
  '534353b11cbc', // add scorer tables
  '71994744cf8e', // add evaluation datasets
  '3da73c924c2f', // add outputs to dataset record
  HEAD_REVISION, // add jobs table
] as const;

export type Revision = (typeof REVISIONS)[number];

export function isKnownRevision(rev: string): rev is Revision {
  return (REVISIONS as readonly string[]).includes(rev);
}

/** The tables of the 0.9.1 base schema (mlflow/store/tracking/dbmodels/initial_models.py). */
export const BASE_TABLES = ['experiments', 'runs', 'tags', 'metrics', 'params'] as const;

/** The 15 tables of MLflow 2.12.2's head (alembic_* tables aside). */
export const MLFLOW_2X_TABLES = [
  'experiments',
  'runs',
  'metrics',
  'params',
  'tags',
  'experiment_tags',
  'latest_metrics',
  'registered_models',
  'model_versions',
  'registered_model_tags',
  'model_version_tags',
  'registered_model_aliases',
  'datasets',
  'inputs',
  'input_tags',
] as const;

/** The tables MLflow 3.x's head adds to those of 2.12.2. */
export const MLFLOW_3X_ONLY_TABLES = [
  'trace_info',
  'trace_tags',
  'trace_request_metadata',
  'logged_models',
  'logged_model_metrics',
  'logged_model_params',
  'logged_model_tags',
  'assessments',
  'spans',
  'entity_associations',
  'webhooks',
  'webhook_events',
  'scorers',
  'scorer_versions',
  'evaluation_datasets',
  'evaluation_dataset_tags',
  'evaluation_dataset_records',
  'jobs',
] as const;

/** Every table of MLflow 3.x's head. */
export const MLFLOW_TABLES = [...MLFLOW_2X_TABLES, ...MLFLOW_3X_ONLY_TABLES] as const;

/** The two heads this server serves, and what each is called in messages. */
export type SchemaGeneration = '2.12.2' | '3.x';

export function isPast2xHead(revision: Revision): boolean {
  return REVISIONS.indexOf(revision) > REVISIONS.indexOf(HEAD_2X_REVISION);
}

/** The tables a database at `revision` (one of the two heads) must hold. */
export function tablesAt(revision: Revision): readonly string[] {
  return isPast2xHead(revision) ? MLFLOW_TABLES : MLFLOW_2X_TABLES;
}
