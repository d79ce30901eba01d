/**
 * Revisions 7-13 (MLflow 1.4-1.11): model registry tables, KILLED run status, registry tags,
 * model version run links.
 */
import { createTable } from '../sqlText.js';
import { mysqlCheckExists, rebuildSqliteTable, run, runOn } from './context.js';
import type { StepContext } from './context.js';

const RUN_STATUSES = "'SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED'";

/**
 * 2b4d017a5e9b add model registry tables to db. The UNIQUE (name) next to the primary key is
 * MLflow's (Column(unique=True)); PostgreSQL drops it as a duplicate of the primary key.
 */
export async function addModelRegistryTables_2b4d017a5e9b(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('registered_models', [
      'name VARCHAR(256) NOT NULL',
      'creation_time BIGINT',
      'last_updated_time BIGINT',
      'description VARCHAR(5000)',
      'CONSTRAINT registered_model_pk PRIMARY KEY (name)',
      'UNIQUE (name)',
    ]),
    createTable('model_versions', [...modelVersionColumns({ runIdNullable: false, runLink: false }), ...MODEL_VERSION_KEYS]),
  );
}

/**
 * cfd24bdc0731 update run status constraint with killed: status becomes a non-native enum,
 * VARCHAR(9) with an unnamed CHECK that includes KILLED. SQLite and PostgreSQL lose the old
 * `status` CHECK here; MySQL keeps it until 0a8213491aaa.
 */
export async function updateRunStatusConstraintWithKilled_cfd24bdc0731(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'runs', [
      'run_uuid VARCHAR(32) NOT NULL',
      'name VARCHAR(250)',
      'source_type VARCHAR(20)',
      'source_name VARCHAR(500)',
      'entry_point_name VARCHAR(50)',
      'user_id VARCHAR(256)',
      'status VARCHAR(9)',
      'start_time BIGINT',
      'end_time BIGINT',
      'source_version VARCHAR(50)',
      'lifecycle_stage VARCHAR(20)',
      'artifact_uri VARCHAR(200)',
      'experiment_id INTEGER',
      'CONSTRAINT run_pk PRIMARY KEY (run_uuid)',
      "CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'))",
      "CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted'))",
      `CHECK (status IN (${RUN_STATUSES}))`,
      'FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: ['ALTER TABLE runs MODIFY status VARCHAR(9) NULL', `ALTER TABLE runs ADD CHECK (status IN (${RUN_STATUSES}))`],
    postgres: [
      'ALTER TABLE runs DROP CONSTRAINT IF EXISTS status',
      'ALTER TABLE runs ALTER COLUMN status TYPE VARCHAR(9)',
      `ALTER TABLE runs ADD CHECK (status IN (${RUN_STATUSES}))`,
    ],
  });
}

/**
 * 0a8213491aaa drop duplicate killed constraint: MySQL only, drop the old `status` CHECK.
 * MLflow ignores a failure here (servers without CHECK support); we drop it only if present.
 */
export async function dropDuplicateKilledConstraint_0a8213491aaa(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'mysql' && (await mysqlCheckExists(ctx.db, 'runs', 'status'))) {
    await run(ctx, 'ALTER TABLE runs DROP CONSTRAINT status');
  }
}

/** 728d730b5ebd add registered model tags table. */
export async function addRegisteredModelTagsTable_728d730b5ebd(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('registered_model_tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value VARCHAR(5000)',
      'name VARCHAR(256) NOT NULL',
      'CONSTRAINT registered_model_tag_pk PRIMARY KEY ("key", name)',
      'FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE',
    ]),
  );
}

/** 27a6a02d2cf1 add model version tags table. */
export async function addModelVersionTagsTable_27a6a02d2cf1(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('model_version_tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value VARCHAR(5000)',
      'name VARCHAR(256) NOT NULL',
      'version INTEGER NOT NULL',
      'CONSTRAINT model_version_tag_pk PRIMARY KEY ("key", name, version)',
      'FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE',
    ]),
  );
}

/** 84291f40a231 add run_link to model_version. */
export async function addRunLinkToModelVersion_84291f40a231(ctx: StepContext): Promise<void> {
  await run(ctx, 'ALTER TABLE model_versions ADD COLUMN run_link VARCHAR(500)');
}

/** a8c4a736bde6 allow nulls for run_id (model_versions.run_id). */
export async function allowNullsForRunId_a8c4a736bde6(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    const columns = modelVersionColumns({ runIdNullable: true, runLink: true });
    await rebuildSqliteTable(ctx, 'model_versions', [...columns, ...MODEL_VERSION_KEYS]);
    return;
  }
  await runOn(ctx, {
    mysql: ['ALTER TABLE model_versions MODIFY run_id VARCHAR(32) NULL'],
    postgres: ['ALTER TABLE model_versions ALTER COLUMN run_id DROP NOT NULL'],
  });
}

const MODEL_VERSION_KEYS = [
  'CONSTRAINT model_version_pk PRIMARY KEY (name, version)',
  'FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE',
];

function modelVersionColumns(options: { runIdNullable: boolean; runLink: boolean }): string[] {
  return [
    'name VARCHAR(256) NOT NULL',
    'version INTEGER NOT NULL',
    'creation_time BIGINT',
    'last_updated_time BIGINT',
    'description VARCHAR(5000)',
    'user_id VARCHAR(256)',
    'current_stage VARCHAR(20)',
    'source VARCHAR(500)',
    options.runIdNullable ? 'run_id VARCHAR(32)' : 'run_id VARCHAR(32) NOT NULL',
    'status VARCHAR(20)',
    'status_message VARCHAR(500)',
    ...(options.runLink ? ['run_link VARCHAR(500)'] : []),
  ];
}
