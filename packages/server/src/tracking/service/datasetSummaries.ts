/** The UI's dataset list: MLflow's search_datasets_handler rules over the dataset summary store. */
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import { pyRepr } from '../../http/pyrepr.js';
import type { DatasetSummaryRow, DatasetSummaryStore } from '../store/inputs.js';

export class DatasetSummaryService {
  constructor(private readonly store: DatasetSummaryStore) {}

  /**
   * Distinct (experiment, name, digest, context) of the datasets of 1–20 experiments, at most
   * 1000. `experimentIds` is the raw `experiment_ids` of the JSON body.
   */
  async searchDatasets(experimentIds: unknown): Promise<DatasetSummaryRow[]> {
    const max = LIMITS.MAX_EXPERIMENT_IDS_PER_SEARCH_DATASETS;
    if (isPythonFalsy(experimentIds)) {
      throw MlflowError.invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    }
    // MLflow hands any other value to SQLAlchemy's IN and fails with an HTML 500.
    if (!Array.isArray(experimentIds)) throw invalidIds(experimentIds);
    if (experimentIds.length > max) {
      throw MlflowError.invalidParameter(
        `SearchDatasets request cannot specify more than ${max} experiment_ids. Received ${experimentIds.length} experiment_ids.`,
      );
    }
    const ids: number[] = [];
    for (const id of experimentIds) {
      const n = experimentIdNumber(id);
      if (n === 'invalid') throw invalidIds(experimentIds);
      if (n !== undefined) ids.push(n);
    }
    return this.store.search([...new Set(ids)], LIMITS.MAX_DATASET_SUMMARIES);
  }
}

/**
 * An id as the integer experiment_id column compares it: a decimal string or an integral number.
 * Any other string names no experiment (undefined); non-string, non-number items are invalid.
 */
function experimentIdNumber(id: unknown): number | undefined | 'invalid' {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : undefined;
  if (typeof id === 'bigint') return undefined;
  if (typeof id !== 'string') return 'invalid';
  if (!/^-?\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}

function invalidIds(value: unknown): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value ${pyRepr(value)} for parameter 'experiment_ids' supplied: it must be a list of experiment ids (strings).`,
  );
}

/** Python's `not value` for JSON values: None, False, 0, "", [] and {} are falsy. */
function isPythonFalsy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === 0n || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
