/**
 * Row loading shared by the registry stores: registered models with their latest versions,
 * tags and aliases; model versions with their tags. Everything is fetched in batches (a
 * search page costs a fixed number of queries, whatever its size). Child rows are always
 * written with the model's stored name (not the request's spelling, which MySQL's
 * case-insensitive collation would also accept), so batch results are keyed by that name.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { Selectable } from 'kysely';
import type { ModelVersionStatus } from '@darwin-mlflow/contract';
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../../db/tables.js';
import { toInt, toInt64OrNull } from '../../db/ints.js';
import { STAGE_DELETED_INTERNAL } from '../entities.js';
import type { ModelVersion, RegisteredModel, RegisteredModelAlias, RegistryTag } from '../entities.js';

/** The rows as the drivers return them (int columns: number, bigint or digits). */
export type RegisteredModelRow = Selectable<RegisteredModelsTable>;
export type ModelVersionRow = Selectable<ModelVersionsTable>;
type IntValue = ModelVersionRow['version'];

export const REGISTERED_MODEL_COLUMNS = ['name', 'creation_time', 'last_updated_time', 'description'] as const;

export const MODEL_VERSION_COLUMNS = [
  'name',
  'version',
  'creation_time',
  'last_updated_time',
  'description',
  'user_id',
  'current_stage',
  'source',
  'run_id',
  'status',
  'status_message',
  'run_link',
  'storage_location',
] as const;

/** Placeholders per statement stay well below every driver's limit. */
const BATCH = 500;

export function noSuchRegisteredModel(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}

export function noSuchModelVersion(name: string, version: string | number): MlflowError {
  return MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
}

export async function findRegisteredModelRow(db: Db, name: string, forUpdate = false): Promise<RegisteredModelRow | undefined> {
  let q = db.selectFrom('registered_models').select(REGISTERED_MODEL_COLUMNS).where('name', '=', name);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Every registry write locks its model's row first (MySQL/PostgreSQL; SQLite write
 * transactions are exclusive anyway): one lock order, so writers queue instead of deadlocking,
 * and a concurrent model delete cannot interleave with version or tag writes.
 */
export async function lockRegisteredModel(tx: Db, dialect: DialectName, name: string): Promise<RegisteredModelRow | undefined> {
  return findRegisteredModelRow(tx, name, dialect !== 'sqlite');
}

export async function requireRegisteredModelRow(db: Db, name: string, forUpdate = false): Promise<RegisteredModelRow> {
  const row = await findRegisteredModelRow(db, name, forUpdate);
  if (!row) throw noSuchRegisteredModel(name);
  return row;
}

/** A live (not soft-deleted) version; `version` undefined means a number no row can have. */
export async function requireModelVersionRow(
  db: Db,
  name: string,
  version: number | undefined,
  shownVersion: string,
): Promise<ModelVersionRow> {
  const row =
    version === undefined
      ? undefined
      : await db
          .selectFrom('model_versions')
          .select(MODEL_VERSION_COLUMNS)
          .where('name', '=', name)
          .where('version', '=', version)
          .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
          .executeTakeFirst();
  if (!row) throw noSuchModelVersion(name, shownVersion);
  return row;
}

export function toModelVersion(row: ModelVersionRow, tags: RegistryTag[], aliases: string[] = []): ModelVersion {
  return {
    name: row.name,
    version: toInt(row.version),
    creation_time: toInt64OrNull(row.creation_time),
    last_updated_time: toInt64OrNull(row.last_updated_time),
    description: row.description,
    user_id: row.user_id,
    current_stage: row.current_stage,
    source: row.source,
    run_id: row.run_id,
    status: row.status as ModelVersionStatus | null,
    status_message: row.status_message,
    run_link: row.run_link,
    tags,
    aliases,
  };
}

function versionKey(name: string, version: IntValue): string {
  return `${toInt(version)}\u0000${name}`;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** Tags of many versions, keyed by (name, version). */
async function loadVersionTags(db: Db, rows: readonly ModelVersionRow[]): Promise<Map<string, RegistryTag[]>> {
  const out = new Map<string, RegistryTag[]>();
  const names = [...new Set(rows.map((r) => r.name))];
  const wanted = new Set(rows.map((r) => versionKey(r.name, r.version)));
  for (const batch of chunks(names)) {
    const tagRows = await db
      .selectFrom('model_version_tags')
      .select(['name', 'version', 'key', 'value'])
      .where('name', 'in', batch)
      .execute();
    for (const t of tagRows) {
      const key = versionKey(t.name, t.version);
      if (!wanted.has(key)) continue;
      const list = out.get(key) ?? [];
      list.push({ key: t.key, value: t.value });
      out.set(key, list);
    }
  }
  return out;
}

/** Model versions with their tags, in the order of `rows` (aliases left empty). */
export async function withVersionTags(db: Db, rows: readonly ModelVersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const tags = rows.length === 1 ? await singleVersionTags(db, rows[0] as ModelVersionRow) : await loadVersionTags(db, rows);
  return rows.map((r) => toModelVersion(r, tags.get(versionKey(r.name, r.version)) ?? []));
}

async function singleVersionTags(db: Db, row: ModelVersionRow): Promise<Map<string, RegistryTag[]>> {
  const tagRows = await db
    .selectFrom('model_version_tags')
    .select(['key', 'value'])
    .where('name', '=', row.name)
    .where('version', '=', toInt(row.version))
    .execute();
  return new Map([[versionKey(row.name, row.version), tagRows.map((t) => ({ key: t.key, value: t.value }))]]);
}

/** Aliases of one model that point at `version`. */
export async function aliasesOfVersion(db: Db, name: string, version: number): Promise<string[]> {
  const rows = await db
    .selectFrom('registered_model_aliases')
    .select('alias')
    .where('name', '=', name)
    .where('version', '=', version)
    .execute();
  return rows.map((r) => r.alias);
}

/** A single version as get/create/update/transition answer it: tags and aliases filled in. */
export async function loadFullModelVersion(db: Db, row: ModelVersionRow): Promise<ModelVersion> {
  const [version] = await withVersionTags(db, [row]);
  (version as ModelVersion).aliases = await aliasesOfVersion(db, row.name, toInt(row.version));
  return version as ModelVersion;
}

/**
 * Latest version per stage for each model, ordered like MLflow's dict of stages (first
 * appearance in version order, i.e. by the lowest live version in that stage).
 */
async function loadLatestVersions(db: Db, names: readonly string[]): Promise<Map<string, ModelVersion[]>> {
  const out = new Map<string, ModelVersion[]>();
  for (const batch of chunks(names)) {
    const latest = db
      .selectFrom('model_versions')
      .select(['name', 'current_stage'])
      .select((eb) => [eb.fn.max('version').as('max_version'), eb.fn.min('version').as('min_version')])
      .where('name', 'in', batch)
      .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
      .groupBy(['name', 'current_stage'])
      .as('latest');
    const rows = await db
      .selectFrom('model_versions as mv')
      .innerJoin(latest, (join) => join.onRef('mv.name', '=', 'latest.name').onRef('mv.version', '=', 'latest.max_version'))
      .select(MODEL_VERSION_COLUMNS.map((c) => `mv.${c}` as const))
      .select('latest.min_version')
      .orderBy('latest.min_version')
      .execute();
    const versions = await withVersionTags(db, rows);
    for (const v of versions) {
      const list = out.get(v.name) ?? [];
      list.push(v);
      out.set(v.name, list);
    }
  }
  return out;
}

async function loadModelTags(db: Db, names: readonly string[]): Promise<Map<string, RegistryTag[]>> {
  const out = new Map<string, RegistryTag[]>();
  for (const batch of chunks(names)) {
    const rows = await db.selectFrom('registered_model_tags').select(['name', 'key', 'value']).where('name', 'in', batch).execute();
    for (const r of rows) {
      const list = out.get(r.name) ?? [];
      list.push({ key: r.key, value: r.value });
      out.set(r.name, list);
    }
  }
  return out;
}

async function loadModelAliases(db: Db, names: readonly string[]): Promise<Map<string, RegisteredModelAlias[]>> {
  const out = new Map<string, RegisteredModelAlias[]>();
  for (const batch of chunks(names)) {
    const rows = await db.selectFrom('registered_model_aliases').select(['name', 'alias', 'version']).where('name', 'in', batch).execute();
    for (const r of rows) {
      const list = out.get(r.name) ?? [];
      list.push({ alias: r.alias, version: toInt(r.version) });
      out.set(r.name, list);
    }
  }
  return out;
}

/** Registered models with latest versions, tags and aliases, in the order of `rows`. */
export async function withModelDetails(db: Db, rows: readonly RegisteredModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => r.name);
  const latest = await loadLatestVersions(db, names);
  const tags = await loadModelTags(db, names);
  const aliases = await loadModelAliases(db, names);
  return rows.map((r) => ({
    name: r.name,
    creation_time: toInt64OrNull(r.creation_time),
    last_updated_time: toInt64OrNull(r.last_updated_time),
    description: r.description,
    latest_versions: latest.get(r.name) ?? [],
    tags: tags.get(r.name) ?? [],
    aliases: aliases.get(r.name) ?? [],
  }));
}
