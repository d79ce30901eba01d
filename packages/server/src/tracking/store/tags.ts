/** SQL for run tags: upserts; `mlflow.runName` also renames the run. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import { bulkInsert, insertStatement } from '../../db/upsert.js';
import type { KeyValue } from '../entities.js';

export const RUN_NAME_TAG = 'mlflow.runName';

const upsertTags = insertStatement(
  'tags',
  [
    ['run_uuid', 'text'],
    ['key', 'text'],
    ['value', 'text'],
  ],
  { kind: 'update', keyColumns: ['key', 'run_uuid'], updateColumns: ['value'] },
);

/** Sets tags on a locked run; duplicate keys in one call: the last value wins. */
export async function setTags(tx: Db, dialect: DialectName, runId: string, tags: readonly KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map(tags.map((t) => [t.key, t.value]));
  await bulkInsert(tx, dialect, upsertTags, [...last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => [runId, key, value]));
  const runName = last.get(RUN_NAME_TAG);
  if (runName !== undefined) await tx.updateTable('runs').set({ name: runName }).where('run_uuid', '=', runId).execute();
}

export async function deleteTag(tx: Db, runId: string, key: string): Promise<void> {
  const result = await tx.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
  }
}
