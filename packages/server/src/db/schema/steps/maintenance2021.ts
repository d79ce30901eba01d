/**
 * Revisions 14-18 (MLflow 1.15-1.30): is_nan CHECKs, run_uuid indexes, run deletion time,
 * longer params.
 */
import { rebuildSqliteTable, run, runOn } from './context.js';
import type { StepContext } from './context.js';

const IS_NAN_CHECK = 'CHECK (is_nan IN (0, 1))';

/**
 * 39d1c3be5f05 add is_nan constraint for metrics tables if necessary: Boolean with a CHECK on
 * databases without a native boolean. On MySQL the MODIFY omits the default, which drops
 * metrics.is_nan's DEFAULT 0 (restored by c48cb773bb87). PostgreSQL: nothing changes.
 */
export async function addIsNanConstraint_39d1c3be5f05(ctx: StepContext): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'latest_metrics', [
      '"key" VARCHAR(250) NOT NULL',
      'value FLOAT NOT NULL',
      'timestamp BIGINT',
      'step BIGINT NOT NULL',
      'is_nan BOOLEAN NOT NULL',
      'run_uuid VARCHAR(32) NOT NULL',
      'CONSTRAINT latest_metric_pk PRIMARY KEY ("key", run_uuid)',
      IS_NAN_CHECK,
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]);
    await rebuildSqliteTable(ctx, 'metrics', [
      '"key" VARCHAR(250) NOT NULL',
      'value FLOAT NOT NULL',
      'timestamp BIGINT NOT NULL',
      'run_uuid VARCHAR(32) NOT NULL',
      "step BIGINT DEFAULT '0' NOT NULL",
      "is_nan BOOLEAN DEFAULT '0' NOT NULL",
      'CONSTRAINT metric_pk PRIMARY KEY ("key", timestamp, step, run_uuid, value, is_nan)',
      IS_NAN_CHECK,
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: [
      `ALTER TABLE latest_metrics MODIFY is_nan BOOL NOT NULL, ADD ${IS_NAN_CHECK}`,
      `ALTER TABLE metrics MODIFY is_nan BOOL NOT NULL, ADD ${IS_NAN_CHECK}`,
    ],
  });
}

/**
 * c48cb773bb87 reset default value for is_nan in metrics table for mysql. MLflow's
 * alter_column with create_constraint=True also adds a second, identical CHECK.
 */
export async function resetIsNanDefaultForMysql_c48cb773bb87(ctx: StepContext): Promise<void> {
  await runOn(ctx, { mysql: [`ALTER TABLE metrics MODIFY is_nan BOOL NOT NULL DEFAULT '0', ADD ${IS_NAN_CHECK}`] });
}

/**
 * bd07f7e963c5 create index on run_uuid (MLflow issue #3785). On MySQL each replaces the index
 * InnoDB had created implicitly for the foreign key.
 */
export async function createIndexOnRunUuid_bd07f7e963c5(ctx: StepContext): Promise<void> {
  for (const table of ['params', 'metrics', 'latest_metrics', 'tags']) {
    await run(ctx, `CREATE INDEX index_${table}_run_uuid ON ${table} (run_uuid)`);
  }
}

/** 0c779009ac13 add deleted_time field to runs table. */
export async function addDeletedTimeToRuns_0c779009ac13(ctx: StepContext): Promise<void> {
  await run(ctx, 'ALTER TABLE runs ADD COLUMN deleted_time BIGINT');
}

/** cc1f77228345 change param value length to 500. */
export async function changeParamValueLengthTo500_cc1f77228345(ctx: StepContext): Promise<void> {
  await setParamValueLength(ctx, 500);
}

/** params.value VARCHAR(n) NOT NULL (cc1f77228345, and 2d6e25af4d3e later). */
export async function setParamValueLength(ctx: StepContext, length: number): Promise<void> {
  if (ctx.dialect === 'sqlite') {
    await rebuildSqliteTable(ctx, 'params', [
      '"key" VARCHAR(250) NOT NULL',
      `value VARCHAR(${length}) NOT NULL`,
      'run_uuid VARCHAR(32) NOT NULL',
      'CONSTRAINT param_pk PRIMARY KEY ("key", run_uuid)',
      'FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid)',
    ]);
    return;
  }
  await runOn(ctx, {
    mysql: [`ALTER TABLE params MODIFY value VARCHAR(${length}) NOT NULL`],
    postgres: [`ALTER TABLE params ALTER COLUMN value TYPE VARCHAR(${length}), ALTER COLUMN value SET NOT NULL`],
  });
}
