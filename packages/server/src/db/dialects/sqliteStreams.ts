/**
 * Cursors for SQLite's streamed reads (docs/streaming.md). better-sqlite3 runs one statement at a
 * time per connection, and a statement paused half-way by `.iterate()` keeps its connection busy:
 * on the server's one connection every other request would fail until the download ends. So each
 * streamed read gets a read-only connection of its own (WAL lets readers run beside the writer),
 * whose iterator holds one snapshot for the whole reply; the few idle ones are kept for reuse,
 * with their prepared statements.
 *
 * An in-memory database cannot be opened twice: there the rows are read at once on the main
 * connection and handed out in chunks (memory is not flat, but nothing serves `:memory:` in
 * production).
 */
import BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { registerSqliteFunctions } from './sqliteFunctions.js';

/** Idle streaming connections kept open; more are opened when needed and closed after use. */
const IDLE_KEPT = 2;
const STATEMENTS_PER_CONNECTION = 100;

interface StreamConnection {
  readonly raw: BetterSqlite3.Database;
  readonly statements: Map<string, BetterSqlite3.Statement>;
}

export interface SqliteStreams {
  stream(query: CompiledQuery, chunkRows: number): AsyncGenerator<unknown[][]>;
  close(): void;
}

export function sqliteStreams(file: string, busyTimeoutMs: number, mainPrepare: (sqlText: string) => BetterSqlite3.Statement): SqliteStreams {
  const idle: StreamConnection[] = [];
  let closed = false;

  const open = (): StreamConnection => {
    const raw = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    raw.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    raw.pragma('case_sensitive_like = ON');
    registerSqliteFunctions(raw);
    return { raw, statements: new Map() };
  };
  const prepare = (conn: StreamConnection, sqlText: string): BetterSqlite3.Statement => {
    let stmt = conn.statements.get(sqlText);
    if (!stmt) {
      // array rows without bigint, as ../arrayRows.ts reads them (int64 beyond 2^53 as text)
      stmt = conn.raw.prepare(sqlText).raw(true);
      if (conn.statements.size >= STATEMENTS_PER_CONNECTION) conn.statements.clear();
      conn.statements.set(sqlText, stmt);
    }
    return stmt;
  };
  const release = (conn: StreamConnection) => {
    if (!closed && idle.length < IDLE_KEPT) idle.push(conn);
    else conn.raw.close();
  };

  async function* stream(query: CompiledQuery, chunkRows: number): AsyncGenerator<unknown[][]> {
    if (file === ':memory:') {
      const rows = mainPrepare(query.sql).all(...query.parameters) as unknown[][];
      for (let i = 0; i < rows.length; i += chunkRows) yield rows.slice(i, i + chunkRows);
      return;
    }
    const conn = idle.pop() ?? open();
    const rows = prepare(conn, query.sql).iterate(...query.parameters) as IterableIterator<unknown[]>;
    try {
      for (;;) {
        const chunk: unknown[][] = [];
        let next = rows.next();
        while (!next.done) {
          chunk.push(next.value);
          if (chunk.length >= chunkRows) break;
          next = rows.next();
        }
        if (chunk.length > 0) yield chunk;
        if (next.done) return;
      }
    } finally {
      // ends the statement (and its read snapshot) whether or not every row was read
      rows.return?.();
      release(conn);
    }
  }

  return {
    stream,
    close() {
      closed = true;
      for (const conn of idle.splice(0)) conn.raw.close();
    },
  };
}
