/**
 * MLflow 3.x's links between runs and logged models, kept in `inputs` as SqlAlchemyStore does:
 * a model input is (RUN_INPUT, run) -> (MODEL_INPUT, model), a model output is
 * (RUN_OUTPUT, run) -> (MODEL_OUTPUT, model) with the step. Only at MLflow 3.x's schema.
 */
import { randomUUID } from 'node:crypto';
import type { DialectName } from '../../db/backendUri.js';
import type { Db } from '../../db/database.js';
import { toInt64 } from '../../db/ints.js';
import { insertIgnore } from '../../db/upsert.js';
import type { ModelOutput } from '../loggedModelEntities.js';

const newUuid = () => randomUUID().replace(/-/g, '');

export interface RunModelIO {
  modelInputs: string[];
  outputs: ModelOutput[];
}

/** session.merge on the primary key: a model already linked as an input stays as it is. */
export async function logModelInputs(tx: Db, dialect: DialectName, runId: string, modelIds: readonly string[]): Promise<void> {
  const rows = [...new Set(modelIds)].map((id) => ({
    input_uuid: newUuid(),
    source_type: 'RUN_INPUT',
    source_id: runId,
    destination_type: 'MODEL_INPUT',
    destination_id: id,
    step: 0,
  }));
  if (rows.length > 0) await insertIgnore(tx, dialect, 'inputs', rows, ['source_type', 'source_id', 'destination_type', 'destination_id']);
}

export async function logModelOutputs(tx: Db, runId: string, outputs: readonly ModelOutput[]): Promise<void> {
  if (outputs.length === 0) return;
  await tx
    .insertInto('inputs')
    .values(
      outputs.map((o) => ({
        input_uuid: newUuid(),
        source_type: 'RUN_OUTPUT',
        source_id: runId,
        destination_type: 'MODEL_OUTPUT',
        destination_id: o.model_id,
        step: o.step,
      })),
    )
    .execute();
}

/** Model inputs and outputs of runs, by run id (every id present). */
export async function loadModelIO(db: Db, runIds: readonly string[]): Promise<Map<string, RunModelIO>> {
  const out = new Map<string, RunModelIO>(runIds.map((id) => [id, { modelInputs: [], outputs: [] }]));
  if (runIds.length === 0) return out;
  const rows = await db
    .selectFrom('inputs')
    .select(['source_type', 'source_id', 'destination_id', 'step'])
    .where((eb) =>
      eb.or([
        eb.and([eb('source_type', '=', 'RUN_INPUT'), eb('destination_type', '=', 'MODEL_INPUT')]),
        eb.and([eb('source_type', '=', 'RUN_OUTPUT'), eb('destination_type', '=', 'MODEL_OUTPUT')]),
      ]),
    )
    .where('source_id', 'in', [...runIds])
    .execute();
  for (const r of rows) {
    const io = out.get(r.source_id);
    if (!io) continue;
    if (r.source_type === 'RUN_INPUT') io.modelInputs.push(r.destination_id);
    else io.outputs.push({ model_id: r.destination_id, step: toInt64(r.step) });
  }
  return out;
}
