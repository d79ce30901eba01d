/** Searches over runs and experiments: one page query, then the page's data in bulk. */
import type { Visibility } from '../../search/visibility.js';
import type { ViewType } from '@darwin-mlflow/contract';
import { selectArrays } from '../../db/arrayRows.js';
import type { Database, Db } from '../../db/database.js';
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

/**
 * Pages of more runs than this are streamed (docs/streaming.md). Up to it they are read whole
 * as before: on the bench's search_runs_all (1000 runs, ~1 MB) the chunked read measured more
 * CPU per request and more memory on MariaDB, and such a reply is sent whole anyway.
 */
export const STREAMED_SEARCH = 1000;

/** Runs per chunk of a streamed page (docs/streaming.md): some 0.5 MB of reply in the bench. */
const STREAM_CHUNK_RUNS = 500;

/** The values of `ids` found in `byId`, in the order of `ids`. */
function present<T>(ids: readonly string[], byId: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const id of ids) {
    const v = byId.get(id);
    if (v !== undefined) out.push(v);
  }
  return out;
}

export class SearchStore {
  constructor(private readonly database: Database) {}

  /** The page as rows, or on SQLite as the runs' wire JSON (see wireJsonSql.ts). */
  searchRuns(search: RunSearch): Promise<RunPage> {
    if (search.experimentIds.length === 0 || search.limit <= 0) return Promise.resolve({ rows: [] });
    const dialect = this.database.dialect;
    if (dialect === 'sqlite') {
      // both reads on SQLite's reader threads (db/dialects/sqliteReaders.ts): ids, then JSON text
      return (async () => {
        const db = this.database.db;
        // the page's ids first: SQLite would otherwise write the JSON of every match before sorting
        const ids = (await this.database.readArrays<[string]>(runSearchQuery(db, dialect, search).select('runs.run_uuid'))).map(([id]) => id);
        const json = new Map<string, string>();
        for (let i = 0; i < ids.length; i += SQLITE_IN_LIST) {
          const page = db
            .selectFrom('runs')
            .select(['runs.run_uuid', runWireJson(this.database.generation).as('json')])
            .where('runs.run_uuid', 'in', ids.slice(i, i + SQLITE_IN_LIST));
          for (const [id, text] of await this.database.readArrays<[string, string]>(page)) json.set(id, text);
        }
        return { json: ids.map((id) => json.get(id) as string) };
      })();
    }
    return this.database.read((db) => {
      const read = async () => {
        const page = runSearchQuery(db, dialect, search).select(runInfoColumns(dialect));
        return { rows: await loadRunRows(db, dialect, await selectArrays<RunInfoCells>(db, page), this.database.generation) };
      };
      return search.limit > LARGE_SEARCH ? largeRead(db, dialect, read) : read();
    });
  }

  /**
   * A large page chunk by chunk, in page order (docs/streaming.md): the page's run ids first
   * (the database sorts the whole match before the first row either way; 50,000 ids are ~3 MB),
   * then the runs of STREAM_CHUNK_RUNS ids at a time, each chunk one short read, so no
   * connection is held while the client reads. A run removed by `gc` between two chunks is left
   * out. The next chunk is read while one is sent.
   */
  async *streamRuns(search: RunSearch): AsyncGenerator<RunPage> {
    if (search.experimentIds.length === 0 || search.limit <= 0) return;
    const dialect = this.database.dialect;
    const ids = await this.database.read(async (db) =>
      (await selectArrays<[string]>(db, runSearchQuery(db, dialect, search).select('runs.run_uuid'))).map(([id]) => id),
    );
    const read = (i: number) => {
      const chunk = ids.slice(i, i + STREAM_CHUNK_RUNS);
      // on MySQL/PostgreSQL at most four large reads at once, as for buffered pages (largeReads.ts)
      return dialect === 'sqlite' ? this.runJson(chunk) : this.database.read((db) => largeRead(db, dialect, () => this.runRows(db, chunk)));
    };
    // one chunk read ahead while the previous one is sent: the database and the socket overlap
    let ahead: Promise<RunPage> | undefined = ids.length > 0 ? read(0) : undefined;
    try {
      for (let i = 0; ahead; i += STREAM_CHUNK_RUNS) {
        const page: RunPage = await ahead;
        ahead = i + STREAM_CHUNK_RUNS < ids.length ? read(i + STREAM_CHUNK_RUNS) : undefined;
        yield page;
      }
    } finally {
      // left early (client gone): the read ahead still finishes; its outcome goes nowhere
      ahead?.catch(() => undefined);
    }
  }

  private async runJson(ids: readonly string[]): Promise<RunPage> {
    const page = this.database.db.selectFrom('runs').select(['runs.run_uuid', runWireJson(this.database.generation).as('json')]).where('runs.run_uuid', 'in', [...ids]);
    const json = new Map(await this.database.readArrays<[string, string]>(page));
    return { json: present(ids, json) };
  }

  private async runRows(db: Db, ids: readonly string[]): Promise<RunPage> {
    const dialect = this.database.dialect;
    const infos = await selectArrays<RunInfoCells>(db, db.selectFrom('runs').select(runInfoColumns(dialect)).where('runs.run_uuid', 'in', [...ids]));
    const byId = new Map(infos.map((info) => [info[0], info]));
    return { rows: await loadRunRows(db, dialect, present(ids, byId), this.database.generation) };
  }

  searchExperiments(search: ExperimentSearch): Promise<Experiment[]> {
    return this.database.read(async (db) => {
      const rows = await compileExperimentSearch(db, this.database.dialect, search).execute();
      return withTags(db, rows);
    });
  }
}
