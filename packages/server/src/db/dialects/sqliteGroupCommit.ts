/**
 * Group commit for SQLite's one write connection: the write transactions that requests ask for
 * while the event loop is busy run together in one SQLite transaction, each inside a savepoint
 * of its own, and are acknowledged after its one COMMIT.
 *
 * Why: on MLflow's schema a COMMIT writes every page the transaction dirtied to the WAL, and
 * concurrent writers dirty the same pages (the `metrics` primary key starts with the metric key,
 * so 16 runs logging the same 500 keys touch the same 500 leaf pages). One COMMIT for several
 * requests writes each such page once (docs/benchmarks.md, "Where the time goes").
 *
 * What each request still gets: its own atomicity (a job that throws is rolled back to its
 * savepoint and gets its own error; the others go on) and durability (nobody is answered before
 * the COMMIT that holds their writes). A job sees the writes of the jobs before it in the same
 * group, as it would had they committed just before. If SQLite ends the whole transaction (disk
 * full, I/O error) or the COMMIT fails, every job that ran in it gets that error and the jobs
 * not yet run go on in a new transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** Most jobs per transaction: bounds the wait of the last one in a group. */
export const MAX_GROUP_JOBS = 64;

export interface GroupConnection<C> {
  /** Runs the group on the connection (the caller holds it for the whole group). */
  withConnection<T>(fn: (conn: C) => Promise<T>): Promise<T>;
  /** Awaited before each transaction begins (the WAL checkpointer's pause), if any. */
  beforeBegin(): Promise<unknown> | undefined;
  /** Around each transaction: it began, and it ended (committed or not). */
  began(conn: C): void;
  ended(conn: C, committed: boolean): void;
}

interface Job<C> {
  readonly fn: (conn: C) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

export function groupCommit<C>(raw: BetterSqlite3.Database, connection: GroupConnection<C>) {
  const begin = raw.prepare('BEGIN IMMEDIATE');
  const commit = raw.prepare('COMMIT');
  const rollback = raw.prepare('ROLLBACK');
  const savepoint = raw.prepare('SAVEPOINT darwin_job');
  const release = raw.prepare('RELEASE darwin_job');
  const rollbackTo = raw.prepare('ROLLBACK TO darwin_job');
  const queue: Job<C>[] = [];
  let flushing = false;

  /** One group in one transaction; returns the jobs to run again in a new one. */
  async function runGroup(conn: C, group: Job<C>[]): Promise<Job<C>[]> {
    const alone = group.length === 1;
    const ran: { job: Job<C>; result: unknown }[] = [];
    let next = 0;
    let committed = false;
    try {
      begin.run();
    } catch (err) {
      // another process kept the write lock past busy_timeout: the same for every job here
      for (const job of group) job.reject(err);
      return [];
    }
    try {
      connection.began(conn);
      for (; next < group.length; next++) {
        const job = group[next]!;
        if (alone) {
          ran.push({ job, result: await job.fn(conn) });
          continue;
        }
        savepoint.run();
        try {
          const result = await job.fn(conn);
          release.run();
          ran.push({ job, result });
        } catch (err) {
          // SQLite ended the whole transaction: the group's earlier work is gone with it
          if (!raw.inTransaction) throw err;
          rollbackTo.run();
          release.run();
          job.reject(err);
        }
      }
      commit.run();
      committed = true;
      for (const { job, result } of ran) job.resolve(result);
      return [];
    } catch (err) {
      if (raw.inTransaction) rollback.run();
      for (const { job } of ran) job.reject(err);
      if (next < group.length) group[next]!.reject(err);
      return group.slice(next + 1);
    } finally {
      connection.ended(conn, committed);
    }
  }

  async function flush(): Promise<void> {
    try {
      while (queue.length > 0) {
        const paused = connection.beforeBegin();
        if (paused) await paused;
        const group = queue.splice(0, MAX_GROUP_JOBS);
        const again = await connection.withConnection((conn) => runGroup(conn, group));
        queue.unshift(...again);
      }
    } catch (err) {
      // the connection could not be had at all: nobody waiting may hang
      for (const job of queue.splice(0)) job.reject(err);
    } finally {
      flushing = false;
    }
  }

  return function writeTransaction<T>(fn: (conn: C) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!flushing) {
        flushing = true;
        // after the event loop has taken in every request that is already waiting
        setImmediate(() => void flush());
      }
    });
  };
}
