/**
 * SQL for model versions. Version numbers are allocated under a lock on the registered model's
 * row (SELECT ... FOR UPDATE on MySQL/PostgreSQL; SQLite write transactions are exclusive), so
 * parallel creates for one model get 1, 2, 3, ... without retries. Deleted versions stay as
 * redacted rows in the `Deleted_Internal` stage, so their numbers are never reused.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { ModelVersionStage } from '@darwin-mlflow/contract';
import type { Database, Db } from '../../db/database.js';
import { toInt } from '../../db/ints.js';
import { STAGE_DELETED_INTERNAL } from '../entities.js';
import type { ModelVersion } from '../entities.js';
import { lockRegisteredModel, loadFullModelVersion, noSuchModelVersion, requireModelVersionRow, requireRegisteredModelRow } from './rows.js';
import type { ModelVersionRow } from './rows.js';

export interface NewModelVersion {
  name: string;
  source: string;
  /** Where the artifacts are read from: the source, or the resolved location of a `models:/` source. */
  storageLocation: string;
  runId: string;
  runLink: string;
  description: string;
  tags: { key: string; value: string }[];
}

/** A version reference as requested: `number` is undefined when no row can have it. */
export interface VersionRef {
  name: string;
  number: number | undefined;
  /** The version as the client wrote it, for messages. */
  shown: string;
}

/** Attempts when a concurrent writer that does not take our lock claimed the same number. */
const CREATE_ATTEMPTS = 3;

export class ModelVersionStore {
  constructor(private readonly database: Database) {}

  private get lockRows(): boolean {
    return this.database.dialect !== 'sqlite';
  }

  async createModelVersion(input: NewModelVersion): Promise<ModelVersion> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.write((tx) => this.insertVersion(tx, input));
      } catch (err) {
        const cause = err instanceof MlflowError ? err.cause : err;
        const lostRace = cause !== undefined && this.database.classify(cause) === 'unique';
        if (!lostRace || attempt >= CREATE_ATTEMPTS) throw err;
      }
    }
  }

  private async insertVersion(tx: Db, input: NewModelVersion): Promise<ModelVersion> {
    const now = Date.now();
    const model = await requireRegisteredModelRow(tx, input.name, this.lockRows);
    // The model's row, locked above, queues the creators of its versions, so this read needs no
    // lock of its own: it is the transaction's first plain read, and InnoDB takes its snapshot
    // there, after the lock was granted (PostgreSQL reads each statement's newest commits). A
    // FOR UPDATE here also locked the gap after the model's last version, which on MySQL is
    // shared with the next model's: two models' first versions then deadlocked (1.4% of 2,000
    // creates over 40 models from 16 clients, and a 503 after five).
    const previous = await tx
      .selectFrom('model_versions')
      .select('version')
      .where('name', '=', model.name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const version = previous ? toInt(previous.version) + 1 : 1;
    await tx.updateTable('registered_models').set({ last_updated_time: now }).where('name', '=', model.name).execute();
    await tx
      .insertInto('model_versions')
      .values({
        name: model.name,
        version,
        creation_time: now,
        last_updated_time: now,
        description: input.description,
        user_id: null,
        current_stage: 'None',
        source: input.source,
        run_id: input.runId,
        status: 'READY',
        status_message: null,
        run_link: input.runLink,
        storage_location: input.storageLocation,
      })
      .execute();
    const tags = new Map(input.tags.map((t) => [t.key, t.value]));
    if (tags.size > 0) {
      await tx
        .insertInto('model_version_tags')
        .values([...tags].map(([key, value]) => ({ name: model.name, version, key, value })))
        .execute();
    }
    return this.loadFull(tx, model.name, version);
  }

  private async loadFull(db: Db, name: string, version: number): Promise<ModelVersion> {
    return loadFullModelVersion(db, await requireModelVersionRow(db, name, version, String(version)));
  }

  getModelVersion(ref: VersionRef): Promise<ModelVersion> {
    return this.database.read(async (db) => loadFullModelVersion(db, await requireModelVersionRow(db, ref.name, ref.number, ref.shown)));
  }

  /** The stored download location (the source, or what a `models:/` source resolved to). */
  getModelVersionDownloadUri(ref: VersionRef): Promise<string> {
    return this.database.read(async (db) => {
      const row = await requireModelVersionRow(db, ref.name, ref.number, ref.shown);
      return row.storage_location || row.source || '';
    });
  }

  /** MLflow sets the description to what was sent: absent means NULL. */
  async updateModelVersion(ref: VersionRef, description: string | null): Promise<ModelVersion> {
    const now = Date.now();
    return this.database.write(async (tx) => {
      const row = await this.lockedVersion(tx, ref);
      await this.versionUpdate(tx, row).set({ description, last_updated_time: now }).execute();
      return this.loadFull(tx, row.name, toInt(row.version));
    });
  }

  async transitionModelVersionStage(ref: VersionRef, stage: ModelVersionStage, archiveExisting: boolean): Promise<ModelVersion> {
    const now = Date.now();
    return this.database.write(async (tx) => {
      const model = await lockRegisteredModel(tx, this.database.dialect, ref.name);
      if (!model) throw noSuchModelVersion(ref.name, ref.shown);
      const row = await requireModelVersionRow(tx, model.name, ref.number, ref.shown);
      const version = toInt(row.version);
      if (archiveExisting) {
        await tx
          .updateTable('model_versions')
          .set({ current_stage: 'Archived', last_updated_time: now })
          .where('name', '=', model.name)
          .where('version', '!=', version)
          .where('current_stage', '=', stage)
          .execute();
      }
      await this.versionUpdate(tx, row).set({ current_stage: stage, last_updated_time: now }).execute();
      await tx.updateTable('registered_models').set({ last_updated_time: now }).where('name', '=', model.name).execute();
      return this.loadFull(tx, model.name, version);
    });
  }

  /**
   * Soft delete with MLflow's redaction. Aliases pointing at the version are removed (MLflow
   * 2.12.2 means to, but compares an int with a string and keeps them).
   */
  async deleteModelVersion(ref: VersionRef): Promise<void> {
    const now = Date.now();
    await this.database.write(async (tx) => {
      const row = await this.lockedVersion(tx, ref);
      const version = toInt(row.version);
      await tx.updateTable('registered_models').set({ last_updated_time: now }).where('name', '=', row.name).execute();
      await tx.deleteFrom('registered_model_aliases').where('name', '=', row.name).where('version', '=', version).execute();
      await this.versionUpdate(tx, row)
        .set({
          current_stage: STAGE_DELETED_INTERNAL,
          last_updated_time: now,
          description: null,
          user_id: null,
          source: 'REDACTED-SOURCE-PATH',
          run_id: 'REDACTED-RUN-ID',
          run_link: 'REDACTED-RUN-LINK',
          status_message: null,
        })
        .execute();
    });
  }

  /** The live version, with its model's row locked first (one lock order for every writer). */
  private async lockedVersion(tx: Db, ref: VersionRef): Promise<ModelVersionRow> {
    await lockRegisteredModel(tx, this.database.dialect, ref.name);
    return requireModelVersionRow(tx, ref.name, ref.number, ref.shown);
  }

  private versionUpdate(tx: Db, row: ModelVersionRow) {
    return tx.updateTable('model_versions').where('name', '=', row.name).where('version', '=', toInt(row.version));
  }
}
