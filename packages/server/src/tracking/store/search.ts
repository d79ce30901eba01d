/** Searches over runs and experiments: one page query, then the page's data in bulk. */
import type { Visibility } from '../../search/visibility.js';
import type { ViewType } from '@darwin-mlflow/contract';
import { selectArrays } from '../../db/arrayRows.js';
import type { Database } from '../../db/database.js';
import { compileExperimentSearch, runSearchQuery } from '../../search/index.js';
import type { ColumnOrder, ExperimentClause, ExperimentOrderColumn, RunClause, RunOrderKey } from '../../search/index.js';
import type { Experiment } from '../entities.js';
import { withTags } from './experiments.js';
import { largeRead } from './largeReads.js';
import { loadRunRows, runInfoColumns } from './runRows.js';
import { runWireJson } from './wireJsonSql.js';
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
  visible?: Visibility | undefined;
  viewType: ViewType;
  clauses: readonly ExperimentClause[];
  orderBy: readonly ColumnOrder<ExperimentOrderColumn>[];
  offset: number;
  limit: number;
}

/** A page of runs: rows for the presenter, or (SQLite) each run's wire JSON already written. */
export type RunPage = { rows: RunRows[]; json?: undefined } | { json: string[]; rows?: undefined };

export function runPageSize(page: RunPage): number {
  return page.json ? page.json.length : page.rows.length;
}

/** Bound parameters per statement stay well under SQLite's limit (32766). */
const SQLITE_IN_LIST = 10_000;

/** Searches for more runs than this are large: a 1000-run page holds some 10 MB until presented. */
const LARGE_SEARCH = 100;

export class SearchStore {
  constructor(private readonly database: Database) {}

  /** The page as rows, or on SQLite as the runs' wire JSON (see wireJsonSql.ts). */
  searchRuns(search: RunSearch): Promise<RunPage> {
    if (search.experimentIds.length === 0 || search.limit <= 0) return Promise.resolve({ rows: [] });
    const dialect = this.database.dialect;
    if (dialect === 'sqlite') {
      return this.database.read(async (db) => {
        // the page's ids first: SQLite would otherwise write the JSON of every match before sorting
        const ids = (await selectArrays<[string]>(db, runSearchQuery(db, dialect, search).select('runs.run_uuid'))).map(([id]) => id);
        const json = new Map<string, string>();
        for (let i = 0; i < ids.length; i += SQLITE_IN_LIST) {
          const page = db
            .selectFrom('runs')
            .select(['runs.run_uuid', runWireJson().as('json')])
            .where('runs.run_uuid', 'in', ids.slice(i, i + SQLITE_IN_LIST));
          for (const [id, text] of await selectArrays<[string, string]>(db, page)) json.set(id, text);
        }
        return { json: ids.map((id) => json.get(id) as string) };
      });
    }
    return this.database.read((db) => {
      const read = async () => {
        const page = runSearchQuery(db, dialect, search).select(runInfoColumns(dialect));
        return { rows: await loadRunRows(db, dialect, await selectArrays<RunInfoCells>(db, page)) };
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
