/**
 * Runs MLflow's chain from a database's revision (or from the 0.9.1 base schema) to a target
 * revision, one small step per revision (./steps), recording each revision as it completes so
 * that a MySQL upgrade interrupted half-way (its DDL is not transactional) resumes where it
 * stopped.
 */
import type { DialectName } from '../backendUri.js';
import { BASE_TABLE_DDL, missingBaseTables } from './base.js';
import { execAll, listTables, writeRevision } from './catalog.js';
import type { AnyDb } from './catalog.js';
import { headDdl, mysqlTableOptions } from './ddl.js';
import { BASE_TABLES, HEAD_REVISION, MLFLOW_TABLES, REVISIONS, isKnownRevision } from './revisions.js';
import type { Revision } from './revisions.js';
import { run } from './steps/context.js';
import type { Step, StepContext } from './steps/context.js';
import * as maintenance from './steps/maintenance2021.js';
import * as recent from './steps/recent2023.js';
import * as registry from './steps/registry2020.js';
import * as tracking from './steps/tracking2019.js';

export const STEPS: Record<Revision, Step> = {
  '451aebb31d03': tracking.addMetricStep_451aebb31d03,
  '90e64c465722': tracking.migrateUserColumnToTags_90e64c465722,
  '181f10493468': tracking.allowNullsForMetricValues_181f10493468,
  df50e92ffc5e: tracking.addExperimentTagsTable_df50e92ffc5e,
  '7ac759974ad8': tracking.updateRunTagsWithLargerLimit_7ac759974ad8,
  '89d4b8295536': tracking.createLatestMetricsTable_89d4b8295536,
  '2b4d017a5e9b': registry.addModelRegistryTables_2b4d017a5e9b,
  cfd24bdc0731: registry.updateRunStatusConstraintWithKilled_cfd24bdc0731,
  '0a8213491aaa': registry.dropDuplicateKilledConstraint_0a8213491aaa,
  '728d730b5ebd': registry.addRegisteredModelTagsTable_728d730b5ebd,
  '27a6a02d2cf1': registry.addModelVersionTagsTable_27a6a02d2cf1,
  '84291f40a231': registry.addRunLinkToModelVersion_84291f40a231,
  a8c4a736bde6: registry.allowNullsForRunId_a8c4a736bde6,
  '39d1c3be5f05': maintenance.addIsNanConstraint_39d1c3be5f05,
  c48cb773bb87: maintenance.resetIsNanDefaultForMysql_c48cb773bb87,
  bd07f7e963c5: maintenance.createIndexOnRunUuid_bd07f7e963c5,
  '0c779009ac13': maintenance.addDeletedTimeToRuns_0c779009ac13,
  cc1f77228345: maintenance.changeParamValueLengthTo500_cc1f77228345,
  '97727af70f4d': recent.addExperimentTimes_97727af70f4d,
  '3500859a5d39': recent.addModelAliasesTable_3500859a5d39,
  '7f2a7d5fae7d': recent.addDatasetsInputsTables_7f2a7d5fae7d,
  '2d6e25af4d3e': recent.increaseParamValueLength_2d6e25af4d3e,
  acf3f17fdcc7: recent.addStorageLocation_acf3f17fdcc7,
};

/**
 * From `revision` (null: no alembic_version row) to `target`. The caller holds the schema lock
 * (and, on SQLite, a transaction with foreign keys off).
 */
export async function runUpgrade(
  db: AnyDb,
  dialect: DialectName,
  revision: string | null,
  tables: readonly string[],
  target: Revision = HEAD_REVISION,
): Promise<void> {
  const ctx: StepContext = { db, dialect, tableOptions: dialect === 'mysql' ? await mysqlTableOptions(db) : '' };
  if (revision === null && target === HEAD_REVISION && tables.some(isPostBaseTable)) {
    // No revision row, yet tables the 0.9.1 schema never had: a head-schema install that was
    // cut short (MySQL DDL is not transactional, and head DDL creates registered_models first).
    await createMissingHeadTables(ctx, tables);
    await writeRevision(db, dialect, HEAD_REVISION);
    return;
  }
  if (revision !== null && !isKnownRevision(revision)) {
    // alembic's message; e.g. a database written by a newer MLflow.
    throw new Error(`Can't locate revision identified by '${revision}'`);
  }
  const from = revision === null ? 0 : REVISIONS.indexOf(revision) + 1;
  const to = REVISIONS.indexOf(target) + 1;
  if (from > to) throw new Error(`The database is at revision ${revision}, past ${target}; downgrades are not supported.`);
  // MLflow's _initialize_tables: create_all of the 0.9.1 tables that are missing.
  if (revision === null) for (const table of missingBaseTables(tables)) await run(ctx, BASE_TABLE_DDL[table] as string);
  for (const step of REVISIONS.slice(from, to)) {
    await STEPS[step](ctx);
    await writeRevision(db, dialect, step);
  }
  if (target === HEAD_REVISION) await createMissingHeadTables(ctx, await listTables(db, dialect));
}

function isPostBaseTable(table: string): boolean {
  return (MLFLOW_TABLES as readonly string[]).includes(table) && !(BASE_TABLES as readonly string[]).includes(table);
}

/**
 * Creates, from the head DDL, MLflow tables that are still missing at the head (a table dropped
 * by hand, or an interrupted install), with their indexes. MLflow would start and then fail on
 * first use of such a table.
 */
async function createMissingHeadTables(ctx: StepContext, tables: readonly string[]): Promise<void> {
  const missing = new Set<string>([...MLFLOW_TABLES, 'alembic_version'].filter((t) => !tables.includes(t)));
  if (missing.size === 0) return;
  const statements = (await headDdl(ctx.db, ctx.dialect)).filter((s) => {
    const m = /^CREATE (?:TABLE|INDEX \S+ ON) (\w+)/.exec(s);
    return m !== null && missing.has(m[1] as string);
  });
  await execAll(ctx.db, statements);
}
