/** SQL for run params: write-once per key; re-logging the same value is a no-op. */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import { bulkInsert, insertStatement } from '../../db/upsert.js';
import type { KeyValue } from '../entities.js';
import { pyRepr } from '../../http/pyrepr.js';

const insertParams = insertStatement(
  'params',
  [
    ['run_uuid', 'text'],
    ['key', 'text'],
    ['value', 'text'],
  ],
  { kind: 'error' },
);

async function existingParams(tx: Db, runId: string, keys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await tx.selectFrom('params').select(['key', 'value']).where('run_uuid', '=', runId).where('key', 'in', keys.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.key, r.value);
  }
  return out;
}

/** log-parameter: one param, MLflow's single-param conflict message. */
export async function logParam(tx: Db, dialect: DialectName, runId: string, param: KeyValue): Promise<void> {
  const existing = (await existingParams(tx, runId, [param.key])).get(param.key);
  if (existing === undefined) {
    await bulkInsert(tx, dialect, insertParams, [[runId, param.key, param.value]]);
    return;
  }
  if (existing !== param.value) {
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
    );
  }
}

/** log-batch: all params or none; conflicts reported together as MLflow does. */
export async function logParams(tx: Db, dialect: DialectName, runId: string, params: readonly KeyValue[]): Promise<void> {
  if (params.length === 0) return;
  const existing = await existingParams(tx, runId, params.map((p) => p.key));
  const conflicts: Record<string, string>[] = [];
  const fresh: KeyValue[] = [];
  for (const p of params) {
    const old = existing.get(p.key);
    if (old === undefined) fresh.push(p);
    else if (old !== p.value) conflicts.push({ key: p.key, old_value: old, new_value: p.value });
  }
  if (conflicts.length > 0) {
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Params were already logged='${pyRepr(conflicts)}' for run ID='${runId}'.`,
    );
  }
  await bulkInsert(tx, dialect, insertParams, fresh.map((p) => [runId, p.key, p.value]));
}
