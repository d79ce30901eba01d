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
import { BASE_TABLES, HEAD_2X_REVISION, HEAD_REVISION, MLFLOW_2X_TABLES, REVISIONS, isKnownRevision, isPast2xHead } from './revisions.js';
import type { Revision } from './revisions.js';
import { run } from './steps/context.js';
import type { Step, StepContext } from './steps/context.js';
import * as genai from './steps/genai2025.js';
import * as maintenance from './steps/maintenance2021.js';
import * as models from './steps/models2024.js';
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
  '867495a8f9d4': models.addTraceTables_867495a8f9d4,
  '5b0e9adcef9c': models.addTraceCascades_5b0e9adcef9c,
  '4465047574b1': models.increaseDatasetSchemaSize_4465047574b1,
  f5a4f2784254: models.increaseRunTagValueLimit_f5a4f2784254,
  '0584bdc529eb': models.cascadeDatasetsFromExperiments_0584bdc529eb,
  '400f98739977': models.addLoggedModelTables_400f98739977,
  '6953534de441': models.addStepToInputs_6953534de441,
  bda7b8c39065: models.increaseModelVersionTagValueLimit_bda7b8c39065,
  cbc13b556ace: genai.addV3TraceColumns_cbc13b556ace,
  '770bee3ae1dd': genai.addAssessmentsTable_770bee3ae1dd,
  a1b2c3d4e5f6: genai.addSpansTable_a1b2c3d4e5f6,
  de4033877273: genai.createEntityAssociations_de4033877273,
  '1a0cddfcaa16': genai.addWebhooksTables_1a0cddfcaa16,
  '534353b11cbc': genai.addScorerTables_534353b11cbc,
  '71994744cf8e': genai.addEvaluationDatasets_71994744cf8e,
  '3da73c924c2f': genai.addOutputsToDatasetRecord_3da73c924c2f,
  bf29a5ff90ea: genai.addJobsTable_bf29a5ff90ea,
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
  const reaches2xHead = target === HEAD_2X_REVISION || isPast2xHead(target);
  if (revision === null && reaches2xHead && tables.some(isPostBaseTable)) {
    // No revision row, yet tables the 0.9.1 schema never had: a 2.12.2 head-schema install that
    // was cut short (MySQL DDL is not transactional, and head DDL creates registered_models first).
    await createMissing2xHeadTables(ctx, tables);
    await writeRevision(db, dialect, HEAD_2X_REVISION);
    await runUpgrade(db, dialect, HEAD_2X_REVISION, await listTables(db, dialect), target);
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
  const after2xHead = REVISIONS.indexOf(HEAD_2X_REVISION) + 1;
  if (from > after2xHead || to < after2xHead) {
    await runSteps(ctx, REVISIONS.slice(from, to));
    return;
  }
  // The 2.12.2 head is on the way (or is where the database is): tables missing there are
  // created in their 2.12.2 form, before later revisions alter them.
  await runSteps(ctx, REVISIONS.slice(from, after2xHead));
  await createMissing2xHeadTables(ctx, await listTables(db, dialect));
  await runSteps(ctx, REVISIONS.slice(after2xHead, to));
}

async function runSteps(ctx: StepContext, steps: readonly Revision[]): Promise<void> {
  for (const step of steps) {
    await STEPS[step](ctx);
    await writeRevision(ctx.db, ctx.dialect, step);
  }
}

function isPostBaseTable(table: string): boolean {
  return (MLFLOW_2X_TABLES as readonly string[]).includes(table) && !(BASE_TABLES as readonly string[]).includes(table);
}

/**
 * Creates, from the 2.12.2 head DDL, MLflow tables that are still missing at that head (a table
 * dropped by hand, or an interrupted install), with their indexes. MLflow would start and then
 * fail on first use of such a table.
 */
async function createMissing2xHeadTables(ctx: StepContext, tables: readonly string[]): Promise<void> {
  const missing = new Set<string>([...MLFLOW_2X_TABLES, 'alembic_version'].filter((t) => !tables.includes(t)));
  if (missing.size === 0) return;
  const statements = (await headDdl(ctx.db, ctx.dialect)).filter((s) => {
    const m = /^CREATE (?:TABLE|INDEX \S+ ON) (\w+)/.exec(s);
    return m !== null && missing.has(m[1] as string);
  });
  await execAll(ctx.db, statements);
}
