/**
 * `darwin-mlflow gc` (MLflow's `mlflow gc`): permanently removes runs in the `deleted` lifecycle
 * stage (their rows in metrics, latest_metrics, params, tags, inputs/input_tags, runs, and their
 * artifacts) and experiments in the `deleted` stage with all of their runs.
 *
 * At MLflow 3.x's schema a run also takes its logged-model metrics (MLflow's ON DELETE CASCADE
 * on logged_model_metrics.run_id), its model inputs/outputs and the entity associations that
 * name it; an experiment also takes its traces (trace_info with their tags, request metadata,
 * assessments, spans and associations), its logged models (with their tags, params, metrics and
 * the run inputs/outputs that point at them) and the associations that name it. MLflow 3.x's
 * own gc leaves trace_info and spans behind and so fails on their foreign keys to experiments;
 * here everything that refers to the experiment goes first. Scorers go by their ON DELETE
 * CASCADE. As in MLflow, files under an experiment's own artifact location (trace data among
 * them) are not removed: only run artifact locations are.
 *
 * Same selection rules and messages as MLflow. Artifacts are found the way the server
 * finds them: proxied locations (`mlflow-artifacts:`) in the artifacts destination, other
 * locations only inside the configured roots; a location the server cannot reach is reported
 * and skipped, as MLflow skips URLs it cannot resolve. Each run's rows go in one transaction,
 * and each experiment's.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { Database, Db } from '../db/database.js';
import { toInt } from '../db/ints.js';
import { readSchemaGeneration } from '../db/migrate.js';
import type { SchemaGeneration } from '../db/schema/revisions.js';
import { ArtifactLocations } from './locations.js';
import type { LocationSettings } from './locations.js';

export interface GcOptions extends LocationSettings {
  /** `#d#h#m#s` (floats allowed), as MLflow's `--older-than`. */
  readonly olderThan?: string;
  readonly runIds?: readonly string[];
  readonly experimentIds?: readonly string[];
  readonly now?: number;
  readonly log?: (line: string) => void;
}

export interface GcResult {
  runs: string[];
  experiments: string[];
}

/** MLflow's `--older-than` grammar → milliseconds. */
export function parseOlderThan(value: string): number {
  const m = /^(?:([.\d]+?)d)?(?:([.\d]+?)h)?(?:([.\d]+?)m)?(?:([.\d]+?)s)?$/.exec(value);
  const parts = m?.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  if (!m || !parts || parts.some((n) => Number.isNaN(n))) {
    throw MlflowError.invalidParameter(
      `Could not parse any time information from '${value}'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'`,
    );
  }
  const [d = 0, h = 0, min = 0, s = 0] = parts;
  return Math.floor(((d * 24 + h) * 60 + min) * 60_000 + s * 1000);
}

export async function garbageCollect(database: Database, options: GcOptions): Promise<GcResult> {
  const log = options.log ?? (() => undefined);
  const generation = await schemaGeneration(database);
  const now = options.now ?? Date.now();
  const delta = options.olderThan === undefined ? 0 : parseOlderThan(options.olderThan);
  const threshold = now - delta;
  const oldDeletedRuns = new Set(
    (await database.read((db) =>
      db.selectFrom('runs').select('run_uuid').where('lifecycle_stage', '=', 'deleted').where('deleted_time', '<=', threshold).execute(),
    )).map((r) => r.run_uuid),
  );
  const runIds = options.runIds && options.runIds.length > 0 ? [...options.runIds] : [...oldDeletedRuns];
  const experimentIds = await selectExperiments(database, options, threshold);
  if (experimentIds.length > 0) {
    const runsOfExperiments = await database.read((db) =>
      db.selectFrom('runs').select('run_uuid').where('lifecycle_stage', '=', 'deleted').where('experiment_id', 'in', experimentIds.map(Number)).execute(),
    );
    runIds.push(...runsOfExperiments.map((r) => r.run_uuid));
  }

  const locations = new ArtifactLocations(options);
  const removedRuns: string[] = [];
  for (const runId of new Set(runIds)) {
    const run = await database.read((db) => db.selectFrom('runs').select(['run_uuid', 'lifecycle_stage', 'artifact_uri']).where('run_uuid', '=', runId).executeTakeFirst());
    if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
    if (run.lifecycle_stage !== 'deleted') {
      throw new MlflowError(`Run ${runId} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`);
    }
    if (options.olderThan !== undefined && !oldDeletedRuns.has(runId)) {
      throw MlflowError.invalidParameter(`Run ${runId} is not older than the required age. Only runs older than ${options.olderThan} can be deleted.`);
    }
    await deleteRunArtifacts(locations, run.artifact_uri, log);
    await database.write((tx) => hardDeleteRuns(tx, [runId], generation));
    removedRuns.push(runId);
    log(`Run with ID ${runId} has been permanently deleted.`);
  }
  for (const id of experimentIds) {
    await database.write((tx) => hardDeleteExperiment(tx, Number(id), generation));
    log(`Experiment with ID ${id} has been permanently deleted.`);
  }
  return { runs: removedRuns, experiments: experimentIds };
}

/** Which tables there are to clean: an out-of-date schema is refused with the server's message. */
async function schemaGeneration(database: Database): Promise<SchemaGeneration> {
  try {
    return await readSchemaGeneration(database);
  } catch (err) {
    if (err instanceof MlflowError) throw err;
    throw new MlflowError(err instanceof Error ? err.message : String(err), 'INVALID_STATE');
  }
}

/** The given experiments (checked to be deleted, and old enough), or every deleted one. */
async function selectExperiments(database: Database, options: GcOptions, threshold: number): Promise<string[]> {
  const rows = await database.read((db) => db.selectFrom('experiments').select(['experiment_id', 'lifecycle_stage', 'last_update_time']).execute());
  const byId = new Map(rows.map((r) => [String(toInt(r.experiment_id)), r]));
  if (!options.experimentIds || options.experimentIds.length === 0) {
    return rows
      .filter((r) => r.lifecycle_stage === 'deleted')
      .filter((r) => options.olderThan === undefined || (r.last_update_time !== null && toInt(r.last_update_time) < threshold))
      .map((r) => String(toInt(r.experiment_id)));
  }
  const selected = options.experimentIds.map((id) => {
    const row = byId.get(id);
    if (!row) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
    return row;
  });
  const active = selected.filter((r) => r.lifecycle_stage !== 'deleted').map((r) => String(toInt(r.experiment_id)));
  if (active.length > 0) {
    throw MlflowError.invalidParameter(
      `Experiments ${pyList(active)} are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.`,
    );
  }
  if (options.olderThan !== undefined) {
    const young = selected.filter((r) => r.last_update_time === null || toInt(r.last_update_time) >= threshold).map((r) => String(toInt(r.experiment_id)));
    if (young.length > 0) {
      throw MlflowError.invalidParameter(
        `Experiments ${pyList(young)} are not older than the required age. Only experiments older than ${options.olderThan} can be deleted.`,
      );
    }
  }
  return selected.map((r) => String(toInt(r.experiment_id)));
}

async function deleteRunArtifacts(locations: ArtifactLocations, artifactUri: string | null, log: (line: string) => void): Promise<void> {
  if (!artifactUri) return;
  try {
    const { repo, path } = locations.resolve(artifactUri, '');
    if (path === '') throw new MlflowError(`refusing to delete the root of ${repo.uri}`, 'INVALID_STATE');
    await repo.delete(path);
  } catch (err) {
    if (err instanceof MlflowError && err.code === 'RESOURCE_DOES_NOT_EXIST') return;
    log(`Skipped the artifacts at '${artifactUri}': ${err instanceof Error ? err.message : String(err)}. The run's metadata is deleted anyway; remove any leftover artifacts by hand.`);
  }
}

async function hardDeleteRuns(tx: Db, runIds: string[], generation: SchemaGeneration): Promise<void> {
  const inputIds = (await tx.selectFrom('inputs').select('input_uuid').where('destination_id', 'in', runIds).execute()).map((r) => r.input_uuid);
  if (inputIds.length > 0) {
    await tx.deleteFrom('input_tags').where('input_uuid', 'in', inputIds).execute();
    await tx.deleteFrom('inputs').where('input_uuid', 'in', inputIds).execute();
  }
  if (generation === '3.x') {
    // the run's model inputs and outputs (RUN_INPUT/RUN_OUTPUT -> model), never tagged
    await tx.deleteFrom('inputs').where('source_type', 'in', ['RUN_INPUT', 'RUN_OUTPUT']).where('source_id', 'in', runIds).execute();
    await tx.deleteFrom('logged_model_metrics').where('run_id', 'in', runIds).execute();
    await deleteAssociations(tx, 'run', runIds);
  }
  for (const table of ['metrics', 'latest_metrics', 'params', 'tags'] as const) {
    await tx.deleteFrom(table).where('run_uuid', 'in', runIds).execute();
  }
  await tx.deleteFrom('runs').where('run_uuid', 'in', runIds).execute();
}

/**
 * The experiment, its tags, its datasets (with the inputs that point at them), any runs left,
 * and at MLflow 3.x's schema its traces and logged models. Children go before their parents:
 * not every foreign key cascades (trace_info and spans to experiments, logged-model rows).
 */
async function hardDeleteExperiment(tx: Db, experimentId: number, generation: SchemaGeneration): Promise<void> {
  const runIds = (await tx.selectFrom('runs').select('run_uuid').where('experiment_id', '=', experimentId).execute()).map((r) => r.run_uuid);
  if (runIds.length > 0) await hardDeleteRuns(tx, runIds, generation);
  if (generation === '3.x') {
    await hardDeleteTraces(tx, experimentId);
    await hardDeleteLoggedModels(tx, experimentId);
    await deleteAssociations(tx, 'experiment', [String(experimentId)]);
  }
  const datasetIds = (await tx.selectFrom('datasets').select('dataset_uuid').where('experiment_id', '=', experimentId).execute()).map((r) => r.dataset_uuid);
  if (datasetIds.length > 0) {
    const inputIds = (await tx.selectFrom('inputs').select('input_uuid').where('source_id', 'in', datasetIds).execute()).map((r) => r.input_uuid);
    if (inputIds.length > 0) {
      await tx.deleteFrom('input_tags').where('input_uuid', 'in', inputIds).execute();
      await tx.deleteFrom('inputs').where('input_uuid', 'in', inputIds).execute();
    }
    await tx.deleteFrom('datasets').where('experiment_id', '=', experimentId).execute();
  }
  await tx.deleteFrom('experiment_tags').where('experiment_id', '=', experimentId).execute();
  await tx.deleteFrom('experiments').where('experiment_id', '=', experimentId).execute();
}

/** Every trace of the experiment with its tags, request metadata, assessments, spans and links. */
async function hardDeleteTraces(tx: Db, experimentId: number): Promise<void> {
  const traces = tx.selectFrom('trace_info').select('request_id').where('experiment_id', '=', experimentId);
  await tx.deleteFrom('trace_tags').where('request_id', 'in', traces).execute();
  await tx.deleteFrom('trace_request_metadata').where('request_id', 'in', traces).execute();
  await tx.deleteFrom('assessments').where('trace_id', 'in', traces).execute();
  await tx.deleteFrom('spans').where('trace_id', 'in', traces).execute();
  await tx.deleteFrom('spans').where('experiment_id', '=', experimentId).execute();
  await tx.deleteFrom('entity_associations').where('source_type', '=', 'trace').where('source_id', 'in', traces).execute();
  await tx.deleteFrom('entity_associations').where('destination_type', '=', 'trace').where('destination_id', 'in', traces).execute();
  await tx.deleteFrom('trace_info').where('experiment_id', '=', experimentId).execute();
}

/** Every logged model of the experiment with its tags, params, metrics, and the run inputs/outputs naming it. */
async function hardDeleteLoggedModels(tx: Db, experimentId: number): Promise<void> {
  const models = tx.selectFrom('logged_models').select('model_id').where('experiment_id', '=', experimentId);
  for (const table of ['logged_model_tags', 'logged_model_params', 'logged_model_metrics'] as const) {
    await tx.deleteFrom(table).where('model_id', 'in', models).execute();
    await tx.deleteFrom(table).where('experiment_id', '=', experimentId).execute();
  }
  await tx.deleteFrom('inputs').where('destination_type', 'in', ['MODEL_INPUT', 'MODEL_OUTPUT']).where('destination_id', 'in', models).execute();
  await tx.deleteFrom('entity_associations').where('source_type', '=', 'model').where('source_id', 'in', models).execute();
  await tx.deleteFrom('entity_associations').where('destination_type', '=', 'model').where('destination_id', 'in', models).execute();
  await tx.deleteFrom('logged_models').where('experiment_id', '=', experimentId).execute();
}

/** Associations (entity_associations) from or to the given entities of one type. */
async function deleteAssociations(tx: Db, type: 'run' | 'experiment', ids: readonly string[]): Promise<void> {
  await tx.deleteFrom('entity_associations').where('source_type', '=', type).where('source_id', 'in', ids).execute();
  await tx.deleteFrom('entity_associations').where('destination_type', '=', type).where('destination_id', 'in', ids).execute();
}

function pyList(items: string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}
