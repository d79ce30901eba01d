/**
 * PostgreSQL via node-postgres. int8 columns are read as strings and normalised in ../ints.ts.
 *
 * Every wait is bounded: connecting and waiting for a pooled client (connectionTimeoutMillis),
 * each statement (query_timeout on the client, statement_timeout on the server, which also
 * bounds lock waits). A client that timed out is destroyed rather than reused.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type { CompiledQuery } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import type CursorClass from 'pg-cursor';
import type { Tables } from '../tables.js';
import type { NetworkTarget } from '../backendUri.js';
import { DEFAULT_TIMEOUTS } from './types.js';
import type { DialectDriver, ErrorKind, PoolOptions } from './types.js';
import { isNetworkError } from './networkErrors.js';
import { ARRAY_ROWS_MARKER } from '../arrayRows.js';

/** The driver, loaded when a PostgreSQL database is opened (a SQLite server never holds it). */
const load = <T>(name: string): T => createRequire(import.meta.url)(name) as T;

export function openPostgres(target: NetworkTarget, pool: PoolOptions): DialectDriver {
  const connectTimeoutMs = pool.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectTimeoutMs;
  const acquireTimeoutMs = pool.acquireTimeoutMs ?? DEFAULT_TIMEOUTS.acquireTimeoutMs;
  const queryTimeoutMs = pool.queryTimeoutMs ?? DEFAULT_TIMEOUTS.queryTimeoutMs;
  const { Pool } = load<typeof pg>('pg');
  const pgPool = new Pool({
    host: target.params.host ?? target.host,
    port: target.port ?? 5432,
    user: target.user,
    password: target.password,
    database: target.database,
    max: pool.size,
    options: target.params.options,
    // pg-pool uses one timer for both: waiting for a free client and connecting a new one
    connectionTimeoutMillis: Math.max(connectTimeoutMs, acquireTimeoutMs),
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process (the pool drops it).
  pgPool.on('error', () => {});
  pgPool.on('connect', prepareClient);
  const kysely = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pgPool }) });
  return {
    name: 'postgres',
    kysely,
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    classifyError,
    streamArrays: (query, chunkRows) => streamArrays(pgPool, query, chunkRows),
    poolUsage: () => ({ used: pgPool.totalCount - pgPool.idleCount, idle: pgPool.idleCount, waiting: pgPool.waitingCount }),
    async close() {
      await kysely.destroy();
    },
  };
}

/**
 * A streamed SELECT through a cursor (an extended-protocol portal, read `chunkRows` at a time by
 * pg-cursor) on a pooled client of its own. The portal is planned like the plain statement, so
 * rows come in the order the buffered read gives them. A stream left before its end closes the
 * portal (Close + Sync) and gives the client back at once; a failed client is destroyed.
 */
async function* streamArrays(pool: pg.Pool, query: CompiledQuery, chunkRows: number): AsyncGenerator<unknown[][]> {
  const client = await pool.connect();
  const Cursor = load<typeof CursorClass>('pg-cursor');
  const cursor = client.query(new Cursor<unknown[]>(query.sql, [...query.parameters], { rowMode: 'array' }));
  // node-postgres arms its query_timeout timer on the cursor too and clears it only through the
  // query's callback, which a cursor never calls: call it at the end, or the timer would hold
  // the cursor and its last rows for the whole timeout after each stream (and then fail it)
  const done = () => (cursor as unknown as { callback?: () => void }).callback?.();
  let failed: unknown;
  try {
    for (;;) {
      const rows = await cursor.read(chunkRows);
      if (rows.length > 0) yield rows;
      if (rows.length < chunkRows) return;
    }
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    if (failed === undefined) {
      try {
        await cursor.close();
      } catch (err) {
        failed = err;
      }
    }
    done();
    client.release(failed instanceof Error ? failed : failed === undefined ? undefined : true);
  }
}

/**
 * A new pooled client. pg-pool listens for `error` only while a client is idle: one that loses
 * its connection while checked out between two statements (inside a transaction) would emit
 * an unhandled `error` and kill the process, so every client gets a permanent listener. Its
 * statements time out by query_timeout; such a client is destroyed so the pool never hands it
 * out again. Statements marked by ../arrayRows.ts return their rows as arrays (bulk reads).
 */
function prepareClient(client: pg.PoolClient): void {
  client.on('error', () => {
    // the statement under way, if any, gets the error itself; the pool drops the client on release
  });
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const destroyOnTimeout = (err: unknown) => {
    if ((err as Error | undefined)?.message === 'Query read timeout') {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
    throw err;
  };
  const instrumented = (text: unknown, ...rest: unknown[]) => {
    const result =
      typeof text === 'string' && text.startsWith(ARRAY_ROWS_MARKER)
        ? query({ text, values: rest[0], rowMode: 'array' }, ...rest.slice(1))
        : query(text, ...rest);
    return result instanceof Promise ? result.catch(destroyOnTimeout) : result;
  };
  client.query = instrumented as typeof client.query;
}

function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: unknown }).code;
  if (code === '23505') return 'unique';
  if (code === '23503') return 'foreignKey';
  // serialization failure, deadlock, lock not available
  if (code === '40001' || code === '40P01' || code === '55P03') return 'transient';
  // connection exceptions, admin/crash shutdown, cannot connect now, too many connections,
  // statement timeout (57014 is also a user cancel, which we never send), read-only transaction
  if (typeof code === 'string' && (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300', '57014', '25006'].includes(code))) return 'unavailable';
  if (isNetworkError(err)) return 'unavailable';
  if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))) return 'data';
  return 'other';
}
