/** SQL for experiments and experiment tags. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { LifecycleStage } from '@darwin-mlflow/contract';
import type { Database, Db } from '../../db/database.js';
import { toInt, toInt64OrNull } from '../../db/ints.js';
import { upsert } from '../../db/upsert.js';
import { appendToUriPath } from '../../artifacts/uri.js';
import type { Experiment, KeyValue } from '../entities.js';

type ExperimentRow = {
  experiment_id: number | bigint | string;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | bigint | string | null;
  last_update_time: number | bigint | string | null;
};

const EXPERIMENT_COLUMNS = [
  'experiment_id',
  'name',
  'artifact_location',
  'lifecycle_stage',
  'creation_time',
  'last_update_time',
] as const;

export function toExperiment(row: ExperimentRow, tags: KeyValue[]): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: (row.lifecycle_stage ?? 'active') as LifecycleStage,
    creation_time: toInt64OrNull(row.creation_time),
    last_update_time: toInt64OrNull(row.last_update_time),
    tags,
  };
}

/** Experiment ids are integers; anything else can match nothing (and must not reach PG as text). */
export function parseExperimentId(id: string): number | undefined {
  if (!/^-?\d{1,10}$/.test(id.trim())) return undefined;
  const n = Number(id.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

export function noSuchExperiment(id: string): MlflowError {
  return MlflowError.notFound(`No Experiment with id=${id} exists`);
}

export async function loadExperimentTags(tx: Db, ids: readonly number[]): Promise<Map<number, KeyValue[]>> {
  const out = new Map<number, KeyValue[]>();
  if (ids.length === 0) return out;
  const rows = await tx
    .selectFrom('experiment_tags')
    .select(['experiment_id', 'key', 'value'])
    .where('experiment_id', 'in', ids)
    .execute();
  for (const r of rows) {
    const id = toInt(r.experiment_id);
    const list = out.get(id) ?? [];
    list.push({ key: r.key, value: r.value ?? '' });
    out.set(id, list);
  }
  return out;
}

/** Loads experiments with their tags, in the order of `rows`. */
export async function withTags(tx: Db, rows: readonly ExperimentRow[]): Promise<Experiment[]> {
  const tags = await loadExperimentTags(tx, rows.map((r) => toInt(r.experiment_id)));
  return rows.map((r) => toExperiment(r, tags.get(toInt(r.experiment_id)) ?? []));
}

export async function findExperimentRow(tx: Db, id: string, forUpdate = false): Promise<ExperimentRow | undefined> {
  const n = parseExperimentId(id);
  if (n === undefined) return undefined;
  let q = tx.selectFrom('experiments').select(EXPERIMENT_COLUMNS).where('experiment_id', '=', n);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export class ExperimentStore {
  constructor(
    private readonly database: Database,
    private readonly defaultArtifactRoot: string,
  ) {}

  private get lockRows(): boolean {
    return this.database.dialect !== 'sqlite';
  }

  async createExperiment(name: string, artifactLocation: string | undefined, tags: KeyValue[]): Promise<string> {
    const now = Date.now();
    try {
      return await this.database.write(async (tx) => {
        const id = await this.insertExperiment(tx, { name, artifact_location: artifactLocation ?? null, now });
        if (!artifactLocation) {
          await tx
            .updateTable('experiments')
            .set({ artifact_location: appendToUriPath(this.defaultArtifactRoot, String(id)) })
            .where('experiment_id', '=', id)
            .execute();
        }
        const unique = new Map(tags.map((t) => [t.key, t.value]));
        if (unique.size > 0) {
          await tx
            .insertInto('experiment_tags')
            .values([...unique].map(([key, value]) => ({ experiment_id: id, key, value })))
            .execute();
        }
        return String(id);
      });
    } catch (err) {
      const cause = (err as MlflowError).cause ?? err;
      if (this.database.classify(cause) === 'unique') {
        throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists. Error: ${(cause as Error).message}`);
      }
      throw err;
    }
  }

  private async insertExperiment(tx: Db, e: { name: string; artifact_location: string | null; now: number }): Promise<number> {
    const values = {
      name: e.name,
      artifact_location: e.artifact_location,
      lifecycle_stage: 'active',
      creation_time: e.now,
      last_update_time: e.now,
    };
    if (this.database.dialect === 'postgres') {
      const row = await tx.insertInto('experiments').values(values).returning('experiment_id').executeTakeFirstOrThrow();
      return toInt(row.experiment_id);
    }
    const result = await tx.insertInto('experiments').values(values).executeTakeFirstOrThrow();
    return Number(result.insertId);
  }

  async getExperiment(id: string): Promise<Experiment> {
    return this.database.read(async (db) => {
      const row = await findExperimentRow(db, id);
      if (!row) throw noSuchExperiment(id);
      return (await withTags(db, [row]))[0] as Experiment;
    });
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.database.read(async (db) => {
      const rows = await db.selectFrom('experiments').select(EXPERIMENT_COLUMNS).where('name', '=', name).execute();
      // MySQL's default collation compares names case-insensitively; the name must match exactly
      const row = rows.find((r) => r.name === name) ?? (this.database.dialect === 'mysql' ? rows[0] : undefined);
      return row ? (await withTags(db, [row]))[0] : undefined;
    });
  }

  async deleteExperiment(id: string): Promise<void> {
    await this.setLifecycle(id, 'active', 'deleted');
  }

  async restoreExperiment(id: string): Promise<void> {
    await this.setLifecycle(id, 'deleted', 'active');
  }

  /** MLflow marks every run of the experiment along with it (restore revives all of them). */
  private async setLifecycle(id: string, from: LifecycleStage, to: LifecycleStage): Promise<void> {
    const now = Date.now();
    await this.database.write(async (tx) => {
      const row = await findExperimentRow(tx, id, this.lockRows);
      if (!row || row.lifecycle_stage !== from) throw noSuchExperiment(id);
      const experimentId = toInt(row.experiment_id);
      await tx.updateTable('experiments').set({ lifecycle_stage: to, last_update_time: now }).where('experiment_id', '=', experimentId).execute();
      await tx
        .updateTable('runs')
        .set({ lifecycle_stage: to, deleted_time: to === 'deleted' ? now : null })
        .where('experiment_id', '=', experimentId)
        .execute();
    });
  }

  async renameExperiment(id: string, newName: string): Promise<void> {
    const now = Date.now();
    await this.database.write(async (tx) => {
      const row = await findExperimentRow(tx, id, this.lockRows);
      if (!row) throw noSuchExperiment(id);
      if (row.lifecycle_stage !== 'active') throw new MlflowError('Cannot rename a non-active experiment.', 'INVALID_STATE');
      await tx
        .updateTable('experiments')
        .set({ name: newName, last_update_time: now })
        .where('experiment_id', '=', toInt(row.experiment_id))
        .execute();
    });
  }

  async setExperimentTag(id: string, tag: KeyValue): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await findExperimentRow(tx, id, this.lockRows);
      if (!row) throw noSuchExperiment(id);
      assertExperimentActive(row);
      await upsert(tx, this.database.dialect, 'experiment_tags', [{ experiment_id: toInt(row.experiment_id), key: tag.key, value: tag.value }], ['key', 'experiment_id'], ['value']);
    });
  }

  /** MLflow 3.x experiments/delete-experiment-tag. */
  async deleteExperimentTag(id: string, key: string): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await findExperimentRow(tx, id, this.lockRows);
      if (!row) throw noSuchExperiment(id);
      assertExperimentActive(row);
      const result = await tx.deleteFrom('experiment_tags').where('experiment_id', '=', toInt(row.experiment_id)).where('key', '=', key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new MlflowError(`No tag with name: ${key} in experiment with id ${id}`, 'RESOURCE_DOES_NOT_EXIST');
      }
    });
  }
}

export function assertExperimentActive(row: { experiment_id: number | bigint | string; lifecycle_stage: string | null }): void {
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The experiment ${String(row.experiment_id)} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
}
