/**
 * Checkpoints a SQLite WAL from a worker thread, so that copying WAL pages into the database
 * file (and its fsyncs) no longer runs inside a COMMIT on the event loop.
 *
 * SQLite only rewinds the WAL to its start when a write transaction begins with every frame
 * checkpointed. Under a steady stream of writes a background checkpoint never quite catches up,
 * so once the WAL holds `holdPages` frames the worker asks this process's writers to pause (an
 * asynchronous wait before BEGIN: the event loop keeps serving), lets the transaction under way
 * commit, checkpoints the rest and lets the writers go; the next one rewinds the WAL.
 *
 * The serving connection keeps SQLite's automatic checkpoint at twice that size as a backstop:
 * if this thread falls behind, dies, or other processes keep writing during a pause, the WAL is
 * still checkpointed and rewound there. A worker that cannot start or fails gives the connection
 * SQLite's default threshold back. Durability does not depend on checkpoints: with WAL and
 * synchronous=NORMAL a transaction is in the WAL file before COMMIT returns.
 *
 * Several server processes on one file each run one of these; PASSIVE checkpoints never wait,
 * so whichever thread holds SQLite's checkpointer lock does the work and the others skip it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointOptions {
  /**
   * WAL frames (a page and 24 bytes each) at which the writers pause for the WAL to be rewound.
   * Each pause costs about one checkpoint of the frames written since the previous one (a few
   * ms); a 500-metric log-batch adds ~850 frames. The WAL file never grows beyond about twice
   * this (the connection's backstop, see ./sqlite.ts) plus one transaction.
   */
  readonly holdPages: number;
  /** Minimum ms between two checkpoints: the commits in between share one. */
  readonly coalesceMs: number;
  /** The thread starts this many ms after the first commit (short-lived handles never start it). */
  readonly startDelayMs: number;
}

// 8192 frames of 4 KiB pages: ~34 MB when the writers pause, at most ~70 MB (the backstop);
// 32,768 let the WAL reach ~135 MB under sustained log-batches (docs/benchmarks.md has the figures)
export const DEFAULT_CHECKPOINT_OPTIONS: CheckpointOptions = { holdPages: 8192, coalesceMs: 25, startDelayMs: 250 };

/** WAL frame header size: each frame is one page plus this. */
export const WAL_FRAME_HEADER_BYTES = 24;

/**
 * Largest size the WAL file reaches with these options, give or take one transaction: the
 * connection's automatic checkpoint at 2 × holdPages frames copies everything, and the next
 * transaction rewinds the WAL. Also the journal_size_limit, so a file reused at this size stays
 * in the OS page cache (rewriting a truncated WAL costs a third more per commit) while one grown
 * by a huge transaction shrinks back.
 */
export function walBoundBytes(options: CheckpointOptions, pageSize: number): number {
  return 32 + 2 * options.holdPages * (pageSize + WAL_FRAME_HEADER_BYTES);
}
/** SQLite's own default, given back to the connection when no worker checkpoints. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** Longest pause of the writers, and longest wait for the transaction under way, in ms. */
const MAX_HOLD_MS = 2000;

// slots of the shared state
const DIRTY = 0; // 1: commits since the last checkpoint
const STOP = 1; // 1: the worker must exit
const HOLD = 2; // 1: writers must not begin a transaction
const IN_TX = 3; // 1: a write transaction of this process is open

// Node has it since 16; TypeScript declares it from lib ES2024 on
interface AtomicsWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

// CommonJS, evaluated in the worker: a string rather than a file so that it runs the same from
// dist/ and from the TypeScript sources under test.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const { holdPages, coalesceMs } = workerData.options;
const state = new Int32Array(workerData.state);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 100');
// checkpoints fsync the WAL before and the database after copying, as on the serving connection
db.pragma('synchronous = NORMAL');
const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const stopped = () => Atomics.load(state, ${STOP}) !== 0;
function checkpoint() {
  try {
    return statement.get();
  } catch {
    // busy or I/O trouble: the next commit wakes us again, and the backstop bounds the WAL
    return undefined;
  }
}
try {
  while (!stopped()) {
    Atomics.wait(state, ${DIRTY}, 0);
    if (stopped()) break;
    Atomics.wait(state, ${STOP}, 0, coalesceMs);
    if (stopped()) break;
    Atomics.store(state, ${DIRTY}, 0);
    const done = checkpoint();
    if (done === undefined || done.log < holdPages) continue;
    Atomics.store(state, ${HOLD}, 1);
    const deadline = Date.now() + ${MAX_HOLD_MS};
    while (Atomics.load(state, ${IN_TX}) !== 0 && !stopped() && Date.now() < deadline) Atomics.wait(state, ${IN_TX}, 1, 10);
    checkpoint();
    Atomics.store(state, ${HOLD}, 0);
    Atomics.notify(state, ${HOLD});
  }
} finally {
  Atomics.store(state, ${HOLD}, 0);
  Atomics.notify(state, ${HOLD});
  db.close();
}
`;

export interface Checkpointer {
  /** While the worker rewinds the WAL: a promise to await before beginning a write transaction. */
  pause(): Promise<unknown> | undefined;
  /** A write transaction began. */
  began(): void;
  /** The write transaction ended; `committed` wakes the worker (one atomic store, rarely a wake-up). */
  ended(committed: boolean): void;
  /** Stops the worker and waits for it to close its connection. */
  stop(): Promise<void>;
}

/**
 * Starts a checkpointing thread on `file`. `onFailure` runs if the thread cannot start or dies,
 * so the caller can give checkpoints back to its own connection.
 */
export function startCheckpointer(file: string, options: CheckpointOptions, onFailure: (err: unknown) => void): Checkpointer {
  const state = new Int32Array(new SharedArrayBuffer(4 * 4));
  // the commits before the thread started are checkpointed on its first round
  state[DIRTY] = 1;
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driverPath, options, state: state.buffer } });
  // never keeps the process alive, e.g. when a caller forgets to close the database
  worker.unref();
  let stopping = false;
  let paused: Promise<unknown> | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => {
    Atomics.store(state, HOLD, 0);
    Atomics.notify(state, HOLD);
    if (!stopping) onFailure(err);
  });
  return {
    pause() {
      if (Atomics.load(state, HOLD) === 0) return undefined;
      if (paused === undefined) {
        const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(state, HOLD, 1, MAX_HOLD_MS);
        if (!wait.async) return undefined;
        // a pending Atomics.waitAsync does not keep the event loop alive, a timer does
        const alive = setTimeout(() => undefined, MAX_HOLD_MS);
        paused = wait.value.finally(() => {
          clearTimeout(alive);
          paused = undefined;
        });
      }
      return paused;
    },
    began() {
      Atomics.store(state, IN_TX, 1);
    },
    ended(committed) {
      Atomics.store(state, IN_TX, 0);
      if (Atomics.load(state, HOLD) !== 0) Atomics.notify(state, IN_TX);
      if (committed && Atomics.load(state, DIRTY) === 0) {
        Atomics.store(state, DIRTY, 1);
        Atomics.notify(state, DIRTY);
      }
    },
    async stop() {
      stopping = true;
      Atomics.store(state, STOP, 1);
      Atomics.store(state, DIRTY, 1);
      for (const slot of [DIRTY, STOP, IN_TX]) Atomics.notify(state, slot);
      // until it has closed its connection, the thread keeps the process alive
      worker.ref();
      await exited;
    },
  };
}
