/**
 * Revisions 1-6 of MLflow's chain (MLflow 1.0-1.2): metric steps and NaN, run user tags,
 * experiment tags, longer run tags, and the latest_metrics table.
 */
import { sql } from 'kysely';
import { createTable } from '../sqlText.js';
import { rebuildSqliteTable, run, runOn } from './context.js';
import type { StepContext } from './context.js';

const METRICS_COLUMNS = [
  '"key" VARCHAR(250) NOT NULL',
  'value FLOAT NOT NULL',
  'timestamp BIGINT NOT NULL',
  'run_uuid VARCHAR(32) NOT NULL',
  "step BIGINT DEFAULT '0' NOT NULL",
];
const METRICS_FK = 'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)';

/** 451aebb31d03 add metric step: metrics.step, part of the primary key. */
export async function addMetricStep_451aebb31d03(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'metrics', [
      ...METRICS_COLUMNS,
      'CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value)',
      METRICS_FK,
    ]);
    return;
  }
  await runOn(ctx, {
    // One ALTER, so MySQL copies a large metrics table once rather than three times.
    mysql: [
      `ALTER TABLE metrics ADD COLUMN step BIGINT NOT NULL DEFAULT '0', DROP PRIMARY KEY,
        ADD CONSTRAINT metric_pk PRIMARY KEY (\`key\`, timestamp, step, run_uuid, value)`,
    ],
    postgres: [
      `ALTER TABLE metrics ADD COLUMN step BIGINT DEFAULT '0' NOT NULL, DROP CONSTRAINT metric_pk,
        ADD CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value)`,
    ],
  });
}

/** 90e64c465722 migrate user column to tags: runs.user_id becomes tag mlflow.user where missing. */
export async function migrateUserColumnToTags_90e64c465722(ctx: StepContext): Promise<void> {
  const key = sql.ref('key');
  await sql`
    INSERT INTO tags (${key}, value, run_uuid)
    SELECT 'mlflow.user', r.user_id, r.run_uuid FROM runs r
    WHERE r.user_id IS NOT NULL AND r.user_id <> ''
      AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.${key} = 'mlflow.user')`.execute(ctx.db);
}

/** 181f10493468 allow nulls for metric values: double precision values and an is_nan flag. */
export async function allowNullsForMetricValues_181f10493468(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'metrics', [
      ...METRICS_COLUMNS,
      "is_nan BOOLEAN DEFAULT '0' NOT NULL",
      'CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan)',
      METRICS_FK,
    ]);
    return;
  }
  await runOn(ctx, {
    // Boolean(create_constraint=False): no CHECK yet (39d1c3be5f05 adds it).
    mysql: [
      `ALTER TABLE metrics MODIFY value DOUBLE NOT NULL, ADD COLUMN is_nan BOOL NOT NULL DEFAULT '0', DROP PRIMARY KEY,
        ADD CONSTRAINT metric_pk PRIMARY KEY (\`key\`, timestamp, step, run_uuid, value, is_nan)`,
    ],
    postgres: [
      `ALTER TABLE metrics ALTER COLUMN value TYPE DOUBLE PRECISION, ALTER COLUMN value SET NOT NULL,
        ADD COLUMN is_nan BOOLEAN DEFAULT '0' NOT NULL, DROP CONSTRAINT metric_pk,
        ADD CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan)`,
    ],
  });
}

/** df50e92ffc5e add experiment tags table. */
export async function addExperimentTagsTable_df50e92ffc5e(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('experiment_tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value VARCHAR(5000)',
      'experiment_id INTEGER NOT NULL',
      'CONSTRAINT experiment_tag_pk PRIMARY KEY ("key", experiment_id)',
      'FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id)',
    ]),
  );
}

/** 7ac759974ad8 update run tags with larger limit: tags.value VARCHAR(5000). */
export async function updateRunTagsWithLargerLimit_7ac759974ad8(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'tags', [
      '"key" VARCHAR(250) NOT NULL',
      'value VARCHAR(5000)',
      'run_uuid VARCHAR(32) NOT NULL',
      'CONSTRAINT tag_pk PRIMARY KEY ("key", run_uuid)',
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: ['ALTER TABLE tags MODIFY value VARCHAR(5000) NULL'],
    postgres: ['ALTER TABLE tags ALTER COLUMN value TYPE VARCHAR(5000)'],
  });
}

/**
 * 89d4b8295536 create latest metrics table, filled with each run's latest value per key:
 * highest step, then highest timestamp, then highest value (MLflow's order). MLflow groups by
 * is_nan too and fails on the primary key when a NaN and a number tie on step and timestamp;
 * ranking the rows instead keeps one of them.
 */
export async function createLatestMetricsTable_89d4b8295536(ctx: StepContext): Promise<void> {
  await run(
    ctx,
    createTable('latest_metrics', [
      '"key" VARCHAR(250) NOT NULL',
      'value {DOUBLE} NOT NULL',
      'timestamp BIGINT',
      'step BIGINT NOT NULL',
      'is_nan {BOOL} NOT NULL',
      'run_uuid VARCHAR(32) NOT NULL',
      'CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid)',
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]),
  );
  const key = sql.ref('key');
  await sql`
    INSERT INTO latest_metrics (${key}, value, timestamp, step, is_nan, run_uuid)
    SELECT ${key}, value, timestamp, step, is_nan, run_uuid FROM (
      SELECT m.*, ROW_NUMBER() OVER (
        PARTITION BY m.run_uuid, m.${key} ORDER BY m.step DESC, m.timestamp DESC, m.value DESC, m.is_nan
      ) AS darwin_rank
      FROM metrics m
    ) ranked WHERE darwin_rank = 1`.execute(ctx.db);
}
