/** SQL for registered-model aliases: upsert, silent delete, lookup of the aliased version. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { Database } from '../../db/database.js';
import { toInt } from '../../db/ints.js';
import { upsert } from '../../db/upsert.js';
import type { ModelVersion } from '../entities.js';
import { lockRegisteredModel, loadFullModelVersion, requireModelVersionRow, requireRegisteredModelRow } from './rows.js';
import type { VersionRef } from './modelVersions.js';

export class AliasStore {
  constructor(private readonly database: Database) {}

  /** Points `alias` at a live version, moving it if it already pointed elsewhere. */
  async setRegisteredModelAlias(ref: VersionRef, alias: string): Promise<void> {
    await this.database.write(async (tx) => {
      await lockRegisteredModel(tx, this.database.dialect, ref.name);
      const row = await requireModelVersionRow(tx, ref.name, ref.number, ref.shown);
      await upsert(
        tx,
        this.database.dialect,
        'registered_model_aliases',
        [{ name: row.name, alias, version: toInt(row.version) }],
        ['name', 'alias'],
        ['version'],
      );
    });
  }

  /** The model must exist; a missing alias is a silent success. */
  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.database.write(async (tx) => {
      const model = await requireRegisteredModelRow(tx, name, this.database.dialect !== 'sqlite');
      await tx.deleteFrom('registered_model_aliases').where('name', '=', model.name).where('alias', '=', alias).execute();
    });
  }

  /** An unknown alias is 400 INVALID_PARAMETER_VALUE in MLflow, even for an unknown model. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.database.read(async (db) => {
      const found = await db
        .selectFrom('registered_model_aliases')
        .select(['name', 'version'])
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst();
      if (!found) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
      const version = toInt(found.version);
      return loadFullModelVersion(db, await requireModelVersionRow(db, found.name, version, String(version)));
    });
  }
}
