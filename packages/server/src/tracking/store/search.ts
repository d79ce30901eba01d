/** Searches over runs and experiments: one page query, then the page's data in bulk. */
import type { ViewType } from '@darwin-mlflow/contract';
import type { Database } from '../../db/database.js';
import { compileExperimentSearch, compileRunSearch } from '../../search/index.js';
import type { ColumnOrder, ExperimentClause, ExperimentOrderColumn, RunClause, RunOrderKey } from '../../search/index.js';
import type { Experiment, Run } from '../entities.js';
import { withTags } from './experiments.js';
import { loadRuns } from './runRows.js';

export interface RunSearch {
  experimentIds: readonly string[];
  viewType: ViewType;
  clauses: readonly RunClause[];
  orderBy: readonly RunOrderKey[];
  offset: number;
  limit: number;
}

export interface ExperimentSearch {
  viewType: ViewType;
  clauses: readonly ExperimentClause[];
  orderBy: readonly ColumnOrder<ExperimentOrderColumn>[];
  offset: number;
  limit: number;
}

export class SearchStore {
  constructor(private readonly database: Database) {}

  searchRuns(search: RunSearch): Promise<Run[]> {
    if (search.experimentIds.length === 0 || search.limit <= 0) return Promise.resolve([]);
    return this.database.read(async (db) => {
      const rows = await compileRunSearch(db, this.database.dialect, search).execute();
      return loadRuns(db, rows);
    });
  }

  searchExperiments(search: ExperimentSearch): Promise<Experiment[]> {
    return this.database.read(async (db) => {
      const rows = await compileExperimentSearch(db, this.database.dialect, search).execute();
      return withTags(db, rows);
    });
  }
}
