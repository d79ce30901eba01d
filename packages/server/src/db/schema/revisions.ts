/**
 * MLflow 2.12.2's tracking alembic chain (mlflow/store/db_migrations/versions), oldest first.
 * Before the first revision comes the MLflow 0.9.1 base schema, which has no alembic_version row.
 */

export const HEAD_REVISION = 'acf3f17fdcc7';

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
  HEAD_REVISION, // add storage location field to model versions
] as const;

export type Revision = (typeof REVISIONS)[number];

export function isKnownRevision(rev: string): rev is Revision {
  return (REVISIONS as readonly string[]).includes(rev);
}

/** The tables of the 0.9.1 base schema (mlflow/store/tracking/dbmodels/initial_models.py). */
export const BASE_TABLES = ['experiments', 'runs', 'tags', 'metrics', 'params'] as const;

/** The 15 tables MLflow's `_all_tables_exist` expects (alembic_* tables aside). */
export const MLFLOW_TABLES = [
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
