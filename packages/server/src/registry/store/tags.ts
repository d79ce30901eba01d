/** SQL for registered-model and model-version tags: upserts and silent deletes. */
import type { Database } from '../../db/database.js';
import { toInt } from '../../db/ints.js';
import { upsert } from '../../db/upsert.js';
import { lockRegisteredModel, requireModelVersionRow, requireRegisteredModelRow } from './rows.js';
import type { VersionRef } from './modelVersions.js';

export class RegistryTagStore {
  constructor(private readonly database: Database) {}

  private get lockRows(): boolean {
    return this.database.dialect !== 'sqlite';
  }

  async setRegisteredModelTag(name: string, tag: { key: string; value: string }): Promise<void> {
    await this.database.write(async (tx) => {
      const model = await requireRegisteredModelRow(tx, name, this.lockRows);
      await upsert(tx, this.database.dialect, 'registered_model_tags', [{ name: model.name, key: tag.key, value: tag.value }], ['key', 'name'], ['value']);
    });
  }

  /** The model must exist; a missing tag is a silent success, as in MLflow. */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.database.write(async (tx) => {
      const model = await requireRegisteredModelRow(tx, name, this.lockRows);
      await tx.deleteFrom('registered_model_tags').where('name', '=', model.name).where('key', '=', key).execute();
    });
  }

  async setModelVersionTag(ref: VersionRef, tag: { key: string; value: string }): Promise<void> {
    await this.database.write(async (tx) => {
      await lockRegisteredModel(tx, this.database.dialect, ref.name);
      const row = await requireModelVersionRow(tx, ref.name, ref.number, ref.shown);
      await upsert(
        tx,
        this.database.dialect,
        'model_version_tags',
        [{ name: row.name, version: toInt(row.version), key: tag.key, value: tag.value }],
        ['key', 'name', 'version'],
        ['value'],
      );
    });
  }

  async deleteModelVersionTag(ref: VersionRef, key: string): Promise<void> {
    await this.database.write(async (tx) => {
      await lockRegisteredModel(tx, this.database.dialect, ref.name);
      const row = await requireModelVersionRow(tx, ref.name, ref.number, ref.shown);
      await tx
        .deleteFrom('model_version_tags')
        .where('name', '=', row.name)
        .where('version', '=', toInt(row.version))
        .where('key', '=', key)
        .execute();
    });
  }
}
