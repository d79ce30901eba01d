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
import type { JsonList } from '../../http/json.js';
import { sql } from 'kysely';
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

/** A page of runs: rows for the presenter, or (SQLite) the runs' wire JSON already written. */
export type RunPage = { rows: RunRows[]; json?: undefined } | { json: JsonList; rows?: undefined };

export function runPageSize(page: RunPage): number {
  return page.json ? page.json.count : page.rows.length;
}

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

const NO_RUNS: JsonList = { text: new Uint8Array(0), count: 0 };

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
        return this.runJson(ids);
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

  /**
   * SQLite: the runs' wire JSON in the order of `ids`, joined by commas in one statement (bytes,
   * see JsonList). The ids go in as one JSON array; CROSS JOIN makes SQLite walk it in order and
   * look each run up, so group_concat meets the runs in page order with no sort (an ORDER BY
   * inside group_concat sorted the runs' text: ~20% more instructions, docs/benchmarks.md). A
   * run removed by `gc` since its id was read is left out.
   */
  private async runJson(ids: readonly string[]): Promise<RunPage> {
    if (ids.length === 0) return { json: NO_RUNS };
    const runs = sql`(SELECT ${runWireJson(this.database.generation)} AS j FROM json_each(${JSON.stringify(ids)}) AS ids CROSS JOIN runs ON runs.run_uuid = ids.value)`;
    const page = this.database.db
      .selectFrom(runs.as('p'))
      .select([sql<Uint8Array | null>`CAST(group_concat(p.j, ',') AS BLOB)`.as('t'), sql<number>`count(*)`.as('n')]);
    const [[text, count] = [null, 0]] = await this.database.readArrays<[Uint8Array | null, number]>(page);
    return { json: text === null ? NO_RUNS : { text, count } };
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
