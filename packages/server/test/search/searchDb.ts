/**
 * A fresh database with MLflow's schema per test file and dialect, and small row factories
 * for the search tests (plain Kysely inserts of the columns a search looks at).
 */
import { afterAll, beforeAll } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ensureSchema } from '../../src/db/migrate.js';
import type { DialectName } from '../../src/db/backendUri.js';
import type { Db } from '../../src/db/database.js';
import type { TestDialect } from '../support/databases.js';

export interface SearchDb {
  readonly database: Database;
  readonly db: Db;
  readonly dialect: DialectName;
}

/** Opens a schema'd database before the suite, seeds it, and drops it afterwards. */
export function useSearchDatabase(testDialect: TestDialect, label: string, seed: (s: SearchDb) => Promise<void>): () => SearchDb {
  let current: SearchDb | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const test = await testDialect.create(label);
    const database = Database.open(test.uri);
    drop = async () => {
      await database.close();
      await test.drop();
    };
    await ensureSchema(database);
    current = { database, db: database.db, dialect: database.dialect };
    await seed(current);
  });
  afterAll(async () => {
    await drop?.();
  });
  return () => {
    if (!current) throw new Error('database not ready');
    return current;
  };
}

/** BOOLEAN columns: PostgreSQL takes booleans, SQLite (better-sqlite3) and MySQL take 0/1. */
export function bool(s: SearchDb, value: boolean): boolean | number {
  return s.dialect === 'postgres' ? value : value ? 1 : 0;
}

export async function insertExperiment(
  s: SearchDb,
  e: { id: number; name: string; stage?: string; created?: number | null; updated?: number | null; tags?: Record<string, string> },
): Promise<void> {
  await s.db
    .insertInto('experiments')
    .values({
      experiment_id: e.id,
      name: e.name,
      artifact_location: `/tmp/mlruns/${e.id}`,
      lifecycle_stage: e.stage ?? 'active',
      creation_time: e.created ?? null,
      last_update_time: e.updated ?? e.created ?? null,
    })
    .execute();
  for (const [key, value] of Object.entries(e.tags ?? {})) {
    await s.db.insertInto('experiment_tags').values({ experiment_id: e.id, key, value }).execute();
  }
}

export interface RunSeed {
  id: string;
  experiment: number;
  name?: string | null;
  user?: string;
  status?: string;
  start?: number | null;
  end?: number | null;
  stage?: string;
  artifactUri?: string;
  /** NaN is stored as MLflow stores it: value 0 with is_nan set. */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

export async function insertRun(s: SearchDb, r: RunSeed): Promise<void> {
  await s.db
    .insertInto('runs')
    .values({
      run_uuid: r.id,
      name: r.name === undefined ? r.id : r.name,
      source_type: 'UNKNOWN',
      source_name: '',
      entry_point_name: '',
      user_id: r.user ?? 'user',
      status: r.status ?? 'FINISHED',
      start_time: r.start === undefined ? 0 : r.start,
      end_time: r.end ?? null,
      source_version: '',
      lifecycle_stage: r.stage ?? 'active',
      artifact_uri: r.artifactUri ?? `/tmp/mlruns/${r.experiment}/${r.id}/artifacts`,
      experiment_id: r.experiment,
    })
    .execute();
  for (const [key, v] of Object.entries(r.metrics ?? {})) {
    const nan = Number.isNaN(v);
    await s.db
      .insertInto('latest_metrics')
      .values({ run_uuid: r.id, key, value: nan ? 0 : v, timestamp: 1, step: 0, is_nan: bool(s, nan) })
      .execute();
  }
  for (const [key, value] of Object.entries(r.params ?? {})) {
    await s.db.insertInto('params').values({ run_uuid: r.id, key, value }).execute();
  }
  for (const [key, value] of Object.entries(r.tags ?? {})) {
    await s.db.insertInto('tags').values({ run_uuid: r.id, key, value }).execute();
  }
  for (const [i, d] of (r.datasets ?? []).entries()) {
    const datasetUuid = `${r.id}-ds${i}`;
    const inputUuid = `${r.id}-in${i}`;
    await s.db
      .insertInto('datasets')
      .values({
        dataset_uuid: datasetUuid,
        experiment_id: r.experiment,
        name: d.name,
        digest: d.digest,
        dataset_source_type: 'local',
        dataset_source: '{}',
        dataset_schema: null,
        dataset_profile: null,
      })
      .execute();
    await s.db
      .insertInto('inputs')
      .values({ input_uuid: inputUuid, source_type: 'DATASET', source_id: datasetUuid, destination_type: 'RUN', destination_id: r.id })
      .execute();
    if (d.context !== undefined) {
      await s.db.insertInto('input_tags').values({ input_uuid: inputUuid, name: 'mlflow.data.context', value: d.context }).execute();
    }
  }
}
