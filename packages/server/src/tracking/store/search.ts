/** Searches over runs and experiments: one page query, then the page's data in bulk. */
import type { ViewType } from '@darwin-mlflow/contract';
import { selectArrays } from '../../db/arrayRows.js';
import type { Database } from '../../db/database.js';
import { compileExperimentSearch, runSearchQuery } from '../../search/index.js';
import type { ColumnOrder, ExperimentClause, ExperimentOrderColumn, RunClause, RunOrderKey } from '../../search/index.js';
import type { Experiment } from '../entities.js';
import { withTags } from './experiments.js';
import { largeRead } from './largeReads.js';
import { loadRunRows, runInfoColumns } from './runRows.js';
import type { RunInfoCells, RunRows } from './runRows.js';

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

/** Searches for more runs than this are large: a 1000-run page holds some 10 MB until presented. */
const LARGE_SEARCH = 100;

export class SearchStore {
  constructor(private readonly database: Database) {}

  searchRuns(search: RunSearch): Promise<RunRows[]> {
    if (search.experimentIds.length === 0 || search.limit <= 0) return Promise.resolve([]);
    const dialect = this.database.dialect;
    return this.database.read((db) => {
      const read = async () => {
        const page = runSearchQuery(db, dialect, search).select(runInfoColumns(dialect));
        return loadRunRows(db, dialect, await selectArrays<RunInfoCells>(db, page));
      };
      return search.limit > LARGE_SEARCH ? largeRead(db, dialect, read) : read();
    });
  }

  searchExperiments(search: ExperimentSearch): Promise<Experiment[]> {
    return this.database.read(async (db) => {
      const rows = await compileExperimentSearch(db, this.database.dialect, search).execute();
      return withTags(db, rows);
    });
  }
}
