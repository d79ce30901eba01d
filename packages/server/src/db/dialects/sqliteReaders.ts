/**
 * SQLite reads on more than one core (issue 11): the reads whose rows are few and whose text is
 * large — the wire JSON SQLite writes for a run page and a metric history (../../tracking/store/
 * wireJsonSql.ts) and the page's run ids — run on a small pool of reader threads, each with a
 * read-only connection of its own (WAL lets them read beside the writer). What comes back is a
 * few values, and the JSON as a BLOB whose memory is moved to the main thread, not copied: as
 * strings, each reply was copied into the main thread's heap and the peak RSS rose by 100 MB or
 * more. Reads that return many small values stay on the main connection, where passing them
 * between threads would cost more than it saves (docs/benchmarks.md, "Replies as bytes").
 *
 * A reader starts its statement after the request asked for it, so it sees every write
 * acknowledged before (a COMMIT happens before its answer is sent). An in-memory database cannot
 * be opened twice, so it has no readers; neither has a process whose threads failed to start.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';

// CommonJS evaluated in the worker, a string so that it runs the same from dist/ and from the
// TypeScript sources under test (as ./sqliteCheckpointer.ts)
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('case_sensitive_like = ON');
if (workerData.setup) new Function('db', workerData.setup)(db);
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let stmt = statements.get(sql);
    if (stmt === undefined) {
      // array rows without bigint, as ../arrayRows.ts reads them (int64 beyond 2^53 as text)
      stmt = db.prepare(sql).raw(true);
      if (statements.size >= 200) statements.clear();
      statements.set(sql, stmt);
    }
    const rows = stmt.all(...parameters);
    // BLOBs (a page's JSON bytes) move to the main thread instead of being copied
    const moved = [];
    for (const row of rows) for (const cell of row) if (cell instanceof Uint8Array && cell.byteOffset === 0 && cell.byteLength === cell.buffer.byteLength) moved.push(cell.buffer);
    parentPort.postMessage({ id, rows }, moved);
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message), code: err && err.code } });
  }
});
`;

interface Pending {
  readonly resolve: (rows: unknown[][]) => void;
  readonly reject: (err: unknown) => void;
}

interface Reader {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export interface SqliteReaders {
  /** The rows of a SELECT as arrays, read on a reader thread (or on `fallback` without one). */
  readArrays(query: CompiledQuery): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** A reader thread's young generation: its replies are a few strings, so a small heap is enough. */
const READER_YOUNG_MB = 4;
const READER_OLD_MB = 64;

/**
 * `setup`: CommonJS source run with the thread's connection as `db` before its first read, e.g.
 * to define SQL functions (./sqliteFunctions.ts).
 */
export function sqliteReaders(file: string, count: number, busyTimeoutMs: number, fallback: (query: CompiledQuery) => Promise<unknown[][]>, setup?: string): SqliteReaders {
  const readers: Reader[] = [];
  let started = false;
  let closed = false;
  let nextId = 1;

  const start = () => {
    started = true;
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    for (let i = 0; i < count; i++) {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { file, driverPath, busyTimeoutMs: Math.floor(busyTimeoutMs), setup },
          resourceLimits: { maxYoungGenerationSizeMb: READER_YOUNG_MB, maxOldGenerationSizeMb: READER_OLD_MB },
        });
      } catch {
        break;
      }
      worker.unref();
      const reader: Reader = { worker, pending: new Map() };
      worker.on('message', (msg: { id: number; rows?: unknown[][]; error?: { message: string; code?: string } }) => {
        const waiting = reader.pending.get(msg.id);
        if (!waiting) return;
        reader.pending.delete(msg.id);
        if (msg.error) waiting.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
        else waiting.resolve(msg.rows ?? []);
      });
      const gone = (err: unknown) => {
        // a reader that fails leaves the pool; its reads fail, later ones go to the others
        const at = readers.indexOf(reader);
        if (at >= 0) readers.splice(at, 1);
        for (const waiting of reader.pending.values()) waiting.reject(err);
        reader.pending.clear();
      };
      worker.on('error', gone);
      worker.on('exit', (code) => gone(Object.assign(new Error(`SQLite reader thread exited (${code})`), { code: 'SQLITE_IOERR' })));
      readers.push(reader);
    }
  };

  return {
    readArrays(query) {
      if (!started && !closed && file !== ':memory:' && count > 0) start();
      // the reader with the fewest reads waiting
      let reader: Reader | undefined;
      for (const r of readers) if (!reader || r.pending.size < reader.pending.size) reader = r;
      if (!reader) return fallback(query);
      const id = nextId++;
      const chosen = reader;
      return new Promise<unknown[][]>((resolve, reject) => {
        chosen.pending.set(id, { resolve, reject });
        // a reply waited for keeps the process alive, an idle reader does not
        if (chosen.pending.size === 1) chosen.worker.ref();
        chosen.worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
      }).finally(() => {
        if (chosen.pending.size === 0) chosen.worker.unref();
      });
    },
    async close() {
      closed = true;
      await Promise.all(readers.splice(0).map((r) => r.worker.terminate()));
    },
  };
}
