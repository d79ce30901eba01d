/** SQL for dataset inputs of runs (datasets, inputs, input_tags) and dataset summaries. */
import { randomUUID } from 'node:crypto';
import type { DialectName } from '../../db/backendUri.js';
import type { Database, Db } from '../../db/database.js';
import { insertIgnore } from '../../db/upsert.js';
import type { DatasetInput } from '../entities.js';

const DATASET_CONTEXT_TAG = 'mlflow.data.context';

function newUuid(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * Links datasets to a locked run. The first of several inputs with the same (name, digest)
 * wins; a dataset row is reused when one with that name and digest exists; an input link is
 * created once per (dataset, run) and its tags are written only with a new link.
 */
export async function logInputs(tx: Db, dialect: DialectName, runId: string, experimentId: number, inputs: readonly DatasetInput[]): Promise<void> {
  const byKey = new Map<string, DatasetInput>();
  for (const input of inputs) {
    const key = `${input.dataset.name}\u0000${input.dataset.digest}`;
    if (!byKey.has(key)) byKey.set(key, input);
  }
  if (byKey.size === 0) return;
  const uuids = await existingDatasetUuids(tx, [...byKey.values()]);
  const newDatasets = [];
  for (const [key, input] of byKey) {
    if (uuids.has(key)) continue;
    const uuid = newUuid();
    uuids.set(key, uuid);
    const d = input.dataset;
    newDatasets.push({
      dataset_uuid: uuid,
      experiment_id: experimentId,
      name: d.name,
      digest: d.digest,
      dataset_source_type: d.source_type,
      dataset_source: d.source,
      dataset_schema: d.schema,
      dataset_profile: d.profile,
    });
  }
  if (newDatasets.length > 0) {
    await insertIgnore(tx, dialect, 'datasets', newDatasets, ['experiment_id', 'name', 'digest']);
    // A concurrent request may have stored the same dataset first: link to the stored row.
    const stored = await tx
      .selectFrom('datasets')
      .select(['name', 'digest', 'dataset_uuid'])
      .where('experiment_id', '=', experimentId)
      .where('name', 'in', newDatasets.map((d) => d.name))
      .where('digest', 'in', newDatasets.map((d) => d.digest))
      .execute();
    const fresh = new Set(newDatasets.map((d) => `${d.name}\u0000${d.digest}`));
    for (const r of stored) {
      const key = `${r.name}\u0000${r.digest}`;
      if (fresh.has(key)) uuids.set(key, r.dataset_uuid);
    }
  }

  const linked = await tx
    .selectFrom('inputs')
    .select('source_id')
    .where('source_type', '=', 'DATASET')
    .where('destination_type', '=', 'RUN')
    .where('destination_id', '=', runId)
    .where('source_id', 'in', [...uuids.values()])
    .execute();
  const already = new Set(linked.map((r) => r.source_id));
  for (const [key, input] of byKey) {
    const datasetUuid = uuids.get(key) as string;
    if (already.has(datasetUuid)) continue;
    const inputUuid = newUuid();
    await tx
      .insertInto('inputs')
      .values({ input_uuid: inputUuid, source_type: 'DATASET', source_id: datasetUuid, destination_type: 'RUN', destination_id: runId })
      .execute();
    const tags = new Map(input.tags.map((t) => [t.key, t.value]));
    if (tags.size > 0) {
      await tx.insertInto('input_tags').values([...tags].map(([name, value]) => ({ input_uuid: inputUuid, name, value }))).execute();
    }
  }
}

async function existingDatasetUuids(tx: Db, inputs: readonly DatasetInput[]): Promise<Map<string, string>> {
  const rows = await tx
    .selectFrom('datasets')
    .select(['name', 'digest', 'dataset_uuid'])
    .where('name', 'in', [...new Set(inputs.map((i) => i.dataset.name))])
    .where('digest', 'in', [...new Set(inputs.map((i) => i.dataset.digest))])
    .execute();
  const wanted = new Set(inputs.map((i) => `${i.dataset.name}\u0000${i.dataset.digest}`));
  const out = new Map<string, string>();
  for (const r of rows) {
    const key = `${r.name}\u0000${r.digest}`;
    if (wanted.has(key) && !out.has(key)) out.set(key, r.dataset_uuid);
  }
  return out;
}

export interface DatasetSummaryRow {
  experiment_id: string;
  name: string;
  digest: string;
  context: string | null;
}

/** Distinct (experiment, name, digest, context) of the experiments' datasets, at most `limit`. */
export async function searchDatasets(db: Db, experimentIds: readonly number[], limit: number): Promise<DatasetSummaryRow[]> {
  if (experimentIds.length === 0) return [];
  const rows = await db
    .selectFrom('datasets')
    .innerJoin('inputs', 'inputs.source_id', 'datasets.dataset_uuid')
    .leftJoin('input_tags', (join) =>
      join.onRef('input_tags.input_uuid', '=', 'inputs.input_uuid').on('input_tags.name', '=', DATASET_CONTEXT_TAG),
    )
    .select(['datasets.experiment_id', 'datasets.name', 'datasets.digest', 'input_tags.value'])
    .distinct()
    .where('datasets.experiment_id', 'in', [...experimentIds])
    .limit(limit)
    .execute();
  return rows.map((r) => ({ experiment_id: String(r.experiment_id), name: r.name, digest: r.digest, context: r.value ?? null }));
}

/** Read access to dataset summaries, for the ajax search-datasets route. */
export class DatasetSummaryStore {
  constructor(private readonly database: Database) {}

  search(experimentIds: readonly number[], limit: number): Promise<DatasetSummaryRow[]> {
    return this.database.read((db) => searchDatasets(db, experimentIds, limit));
  }
}
