/**
 * SQL for registered models: create, get, update, rename (versions, tags and aliases follow
 * through the ON UPDATE CASCADE foreign keys), hard delete.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { Database, Db } from '../../db/database.js';
import type { RegisteredModel } from '../entities.js';
import { requireRegisteredModelRow, withModelDetails } from './rows.js';

export interface NewRegisteredModel {
  name: string;
  description: string;
  tags: { key: string; value: string }[];
}

export class RegisteredModelStore {
  constructor(private readonly database: Database) {}

  /** Row locks on MySQL/PostgreSQL; SQLite write transactions are already exclusive. */
  private get lockRows(): boolean {
    return this.database.dialect !== 'sqlite';
  }

  async createRegisteredModel(model: NewRegisteredModel): Promise<RegisteredModel> {
    const now = Date.now();
    try {
      return await this.database.write(async (tx) => {
        await tx
          .insertInto('registered_models')
          .values({ name: model.name, creation_time: now, last_updated_time: now, description: model.description })
          .execute();
        const tags = new Map(model.tags.map((t) => [t.key, t.value]));
        if (tags.size > 0) {
          await tx
            .insertInto('registered_model_tags')
            .values([...tags].map(([key, value]) => ({ name: model.name, key, value })))
            .execute();
        }
        return this.load(tx, model.name);
      });
    } catch (err) {
      throw this.alreadyExists(err, model.name, this.database.generation !== '3.x');
    }
  }

  /** A unique violation on the model name becomes MLflow's RESOURCE_ALREADY_EXISTS. */
  /** `withDriverText`: MLflow 2.12.2 appends the driver's message; 3.x still does on rename, not on create. */
  private alreadyExists(err: unknown, name: string, withDriverText: boolean): unknown {
    const cause = err instanceof MlflowError ? err.cause : err;
    if (cause !== undefined && this.database.classify(cause) === 'unique') {
      const detail = withDriverText ? ` Error: ${(cause as Error).message}` : '';
      return MlflowError.alreadyExists(`Registered Model (name=${name}) already exists.${detail}`);
    }
    return err;
  }

  private async load(db: Db, name: string): Promise<RegisteredModel> {
    const row = await requireRegisteredModelRow(db, name);
    return (await withModelDetails(db, [row]))[0] as RegisteredModel;
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.database.read((db) => this.load(db, name));
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const now = Date.now();
    return this.database.write(async (tx) => {
      const row = await requireRegisteredModelRow(tx, name, this.lockRows);
      await tx
        .updateTable('registered_models')
        .set({ description, last_updated_time: now })
        .where('name', '=', row.name)
        .execute();
      return this.load(tx, row.name);
    });
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const now = Date.now();
    try {
      return await this.database.write(async (tx) => {
        const row = await requireRegisteredModelRow(tx, name, this.lockRows);
        await tx
          .updateTable('registered_models')
          .set({ name: newName, last_updated_time: now })
          .where('name', '=', row.name)
          .execute();
        // the cascade renamed the versions; MLflow also touches their timestamps
        await tx.updateTable('model_versions').set({ last_updated_time: now }).where('name', '=', newName).execute();
        return this.load(tx, newName);
      });
    } catch (err) {
      throw this.alreadyExists(err, newName, true);
    }
  }

  /** Hard delete: version tags, versions (soft-deleted ones too), model tags, aliases, model. */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await requireRegisteredModelRow(tx, name, this.lockRows);
      await tx.deleteFrom('model_version_tags').where('name', '=', row.name).execute();
      await tx.deleteFrom('model_versions').where('name', '=', row.name).execute();
      await tx.deleteFrom('registered_model_tags').where('name', '=', row.name).execute();
      await tx.deleteFrom('registered_model_aliases').where('name', '=', row.name).execute();
      await tx.deleteFrom('registered_models').where('name', '=', row.name).execute();
    });
  }
}
