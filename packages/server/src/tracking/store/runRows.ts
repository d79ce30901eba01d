/** Run rows and the bulk loading of run data (latest metrics, params, tags, inputs) for a page. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { LifecycleStage, RunStatus } from '@darwin-mlflow/contract';
import { sql } from 'kysely';
import type { Compilable, SelectQueryBuilder } from 'kysely';
import { int64Column, int64Of, selectArrays } from '../../db/arrayRows.js';
import type { BoolCell, Int64Cell } from '../../db/arrayRows.js';
import type { SchemaGeneration } from '../../db/schema/revisions.js';
import type { ModelOutput } from '../loggedModelEntities.js';
import { loadModelIO } from './modelIO.js';
import type { RunModelIO } from './modelIO.js';
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import type { Tables } from '../../db/tables.js';
import { toBool, toInt64OrNull } from '../../db/ints.js';
import type { DatasetInput, KeyValue, Metric, Run, RunInfo } from '../entities.js';

export const RUN_COLUMNS = [
  'run_uuid',
  'name',
  'user_id',
  'status',
  'start_time',
  'end_time',
  'deleted_time',
  'lifecycle_stage',
  'artifact_uri',
  'experiment_id',
] as const;

export interface RunRow {
  run_uuid: string;
  name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | bigint | string | null;
  end_time: number | bigint | string | null;
  deleted_time: number | bigint | string | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number | bigint | string | null;
}

export function toRunInfo(row: RunRow): RunInfo {
  return {
    run_id: row.run_uuid,
    experiment_id: row.experiment_id === null ? '' : String(row.experiment_id),
    run_name: row.name,
    user_id: row.user_id,
    status: (row.status ?? 'RUNNING') as RunStatus,
    start_time: toInt64OrNull(row.start_time),
    end_time: toInt64OrNull(row.end_time),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as LifecycleStage,
    deleted_time: toInt64OrNull(row.deleted_time),
  };
}

export function noSuchRun(runId: string): MlflowError {
  return MlflowError.notFound(`Run with id=${runId} not found`);
}

export async function findRunRow(tx: Db, runId: string, forUpdate = false): Promise<RunRow | undefined> {
  let q = tx.selectFrom('runs').select(RUN_COLUMNS).where('run_uuid', '=', runId);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export function assertRunActive(row: RunRow): void {
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The run ${row.run_uuid} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Runs as array rows (db/arrayRows.ts): what search and get-run read, straight to the presenter

/** What the wire shows of a run row (the select list of `runInfoColumns`). */
export type RunInfoCells = readonly [
  run_uuid: string,
  name: string | null,
  user_id: string | null,
  status: string | null,
  start_time: Int64Cell | null,
  end_time: Int64Cell | null,
  lifecycle_stage: string | null,
  artifact_uri: string | null,
  experiment_id: number | string | null,
];
/** A latest_metrics row; NaN is value 0 with is_nan set. */
export type MetricCells = readonly [run_uuid: string, key: string, value: number, timestamp: Int64Cell | null, step: Int64Cell, is_nan: BoolCell];
/** A params or tags row (a tag's value may be NULL). */
export type KeyValueCells = readonly [run_uuid: string, key: string, value: string | null];

/** A run as its rows, for the presenter. */
export interface RunRows {
  readonly info: RunInfoCells;
  readonly metrics: readonly MetricCells[];
  readonly params: readonly KeyValueCells[];
  readonly tags: readonly KeyValueCells[];
  /** Absent when not loaded: runs/create answers without `inputs`, as MLflow does. */
  readonly inputs?: readonly DatasetInput[];
  /** MLflow 3.x schema only. */
  readonly modelInputs?: readonly string[];
  readonly outputs?: readonly ModelOutput[];
}

/** The select list of RunInfoCells, over `runs`. */
export function runInfoColumns(dialect: DialectName) {
  const column = (name: string) => sql.ref(`runs.${name}`).as(name);
  const int64 = (name: string) => int64Column(dialect, sql.ref(`runs.${name}`)).as(name);
  return [
    column('run_uuid'),
    column('name'),
    column('user_id'),
    column('status'),
    int64('start_time'),
    int64('end_time'),
    column('lifecycle_stage'),
    column('artifact_uri'),
    column('experiment_id'),
  ];
}

/**
 * Ids per IN list. SQLite binds up to 32,766 values, and one list per table costs it much less
 * than several. MariaDB turns a list of 1000 values or more into a subquery
 * (in_predicate_conversion_threshold) that it joins by scanning the whole child table.
 */
function inListSize(dialect: DialectName): number {
  return dialect === 'sqlite' ? 30_000 : 500;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function group<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Rows of one child table (`run_uuid` first) by run. */
async function childRows<C extends readonly [string, ...unknown[]]>(
  db: Db,
  dialect: DialectName,
  ids: readonly string[],
  query: (part: string[]) => Compilable<unknown>,
): Promise<Map<string, C[]>> {
  const out = new Map<string, C[]>();
  const parts = await Promise.all(chunks(ids, inListSize(dialect)).map((part) => selectArrays<C>(db, query(part))));
  for (const rows of parts) for (const row of rows) group(out, row[0], row);
  return out;
}

type ChildTable = 'latest_metrics' | 'params' | 'tags';

/**
 * The rows of a child table that belong to the runs `ids`, to select from. PostgreSQL gets one
 * index probe per id (a LATERAL subquery; OFFSET 0 keeps the planner from flattening it into a
 * join): without statistics, in a fresh or just bulk-loaded database, it estimates these tables
 * far too small and reads an IN list with a scan of the whole table (27 ms instead of 1 ms for
 * the params of 100 runs among 200,000).
 */
function rowsOfRuns<T extends ChildTable>(db: Db, dialect: DialectName, table: T, ids: readonly string[]): SelectQueryBuilder<Tables, T, object> {
  if (dialect !== 'postgres') return db.selectFrom(table as ChildTable).where('run_uuid', 'in', ids) as unknown as SelectQueryBuilder<Tables, T, object>;
  const probes = sql`unnest(${[...ids]}::varchar[]) AS ids(id) CROSS JOIN LATERAL (SELECT * FROM ${sql.table(table)} WHERE run_uuid = ids.id OFFSET 0)`;
  // Kysely writes `<probes> AS "<table>"`: the subquery keeps the table's name and columns.
  return db.selectFrom(probes.as(table)) as unknown as SelectQueryBuilder<Tables, T, object>;
}

interface RunData {
  metrics: Map<string, MetricCells[]>;
  params: Map<string, KeyValueCells[]>;
  tags: Map<string, KeyValueCells[]>;
}

/** Latest metrics, params and tags of many runs, with one query per table (never one per run). */
async function loadRunData(db: Db, dialect: DialectName, ids: readonly string[]): Promise<RunData> {
  const int64 = (column: 'timestamp' | 'step') => int64Column(dialect, sql.ref(`latest_metrics.${column}`));
  const [metrics, params, tags] = await Promise.all([
    childRows<MetricCells>(db, dialect, ids, (part) =>
      rowsOfRuns(db, dialect, 'latest_metrics', part).select([
        'run_uuid',
        'key',
        'value',
        int64('timestamp').as('timestamp'),
        int64('step').as('step'),
        'is_nan',
      ]),
    ),
    childRows<KeyValueCells>(db, dialect, ids, (part) => rowsOfRuns(db, dialect, 'params', part).select(['run_uuid', 'key', 'value'])),
    childRows<KeyValueCells>(db, dialect, ids, (part) => rowsOfRuns(db, dialect, 'tags', part).select(['run_uuid', 'key', 'value'])),
  ]);
  return { metrics, params, tags };
}

const NONE: readonly never[] = [];

/** The runs of a page with their data and dataset inputs, in page order. */
export async function loadRunRows(db: Db, dialect: DialectName, infos: readonly RunInfoCells[], generation: SchemaGeneration): Promise<RunRows[]> {
  const ids = infos.map((info) => info[0]);
  const [data, inputs, io] = await Promise.all([loadRunData(db, dialect, ids), loadRunInputs(db, ids), modelIO(db, ids, generation)]);
  return infos.map((info) => ({
    info,
    metrics: data.metrics.get(info[0]) ?? NONE,
    params: data.params.get(info[0]) ?? NONE,
    tags: data.tags.get(info[0]) ?? NONE,
    inputs: inputs.get(info[0]) ?? NONE,
    ...io?.get(info[0]),
  }));
}

async function modelIO(db: Db, ids: readonly string[], generation: SchemaGeneration): Promise<Map<string, RunModelIO> | undefined> {
  return generation === '3.x' ? loadModelIO(db, ids) : undefined;
}

/** Loads the data of runs as entities (one query per table). */
export async function loadRuns(tx: Db, dialect: DialectName, rows: readonly RunRow[], generation: SchemaGeneration): Promise<Run[]> {
  const ids = rows.map((r) => r.run_uuid);
  const [data, inputs, io] = await Promise.all([loadRunData(tx, dialect, ids), loadRunInputs(tx, ids), modelIO(tx, ids, generation)]);
  const keyValue = ([, key, value]: KeyValueCells): KeyValue => ({ key, value: value ?? '' });
  return rows.map((row) => ({
    info: toRunInfo(row),
    data: {
      metrics: (data.metrics.get(row.run_uuid) ?? []).map(toMetric),
      params: (data.params.get(row.run_uuid) ?? []).map(keyValue),
      tags: (data.tags.get(row.run_uuid) ?? []).map(keyValue),
    },
    inputs: [...(inputs.get(row.run_uuid) ?? [])],
    ...io?.get(row.run_uuid),
  }));
}

function toMetric([, key, value, timestamp, step, isNan]: MetricCells): Metric {
  return { key, value, timestamp: timestamp === null ? 0 : int64Of(timestamp), step: int64Of(step), is_nan: toBool(isNan) };
}

/** Ids per IN list of the inputs query (rarely many rows). */
const IN_CHUNK = 500;

/** Dataset inputs of runs: inputs -> datasets, plus each input's tags. */
export async function loadRunInputs(tx: Db, runIds: readonly string[]): Promise<Map<string, DatasetInput[]>> {
  const out = new Map<string, DatasetInput[]>();
  for (const part of chunks(runIds, IN_CHUNK)) {
    const links = await tx
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select([
        'inputs.input_uuid',
        'inputs.destination_id',
        'datasets.name',
        'datasets.digest',
        'datasets.dataset_source_type',
        'datasets.dataset_source',
        'datasets.dataset_schema',
        'datasets.dataset_profile',
      ])
      .where('inputs.source_type', '=', 'DATASET')
      .where('inputs.destination_type', '=', 'RUN')
      .where('inputs.destination_id', 'in', part)
      .execute();
    if (links.length === 0) continue;
    const tagRows = await tx
      .selectFrom('input_tags')
      .select(['input_uuid', 'name', 'value'])
      .where('input_uuid', 'in', links.map((l) => l.input_uuid))
      .execute();
    const tagsByInput = new Map<string, KeyValue[]>();
    for (const t of tagRows) group(tagsByInput, t.input_uuid, { key: t.name, value: t.value });
    for (const l of links) {
      group(out, l.destination_id, {
        tags: tagsByInput.get(l.input_uuid) ?? [],
        dataset: {
          name: l.name,
          digest: l.digest,
          source_type: l.dataset_source_type,
          source: l.dataset_source,
          schema: l.dataset_schema,
          profile: l.dataset_profile,
        },
      });
    }
  }
  return out;
}
