/**
 * MySQL / MariaDB via mysql2. Big integers come back as strings only when beyond 2^53.
 *
 * Every wait is bounded: connecting (connectTimeout), getting a pooled connection (our own
 * timer around the pool, which mysql2 does not bound), each statement (mysql2's per-query
 * timeout; the connection is then destroyed, since its protocol state is unknown) and row lock
 * waits (the session's innodb_lock_wait_timeout).
 */
import { Kysely, MysqlDialect } from 'kysely';
import type { CompiledQuery, MysqlPool } from 'kysely';
import { createRequire } from 'node:module';
import type { Pool, PoolConnection } from 'mysql2';
import type * as Mysql2 from 'mysql2';
import type { Tables } from '../tables.js';
import type { NetworkTarget } from '../backendUri.js';
import { DEFAULT_TIMEOUTS } from './types.js';
import type { DialectDriver, ErrorKind, PoolOptions, PoolUsage } from './types.js';
import { AcquireTimeoutError, isNetworkError } from './networkErrors.js';
import { ARRAY_ROWS_MARKER } from '../arrayRows.js';

export function openMysql(target: NetworkTarget, pool: PoolOptions): DialectDriver {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(pool) };
  // the driver is loaded when a MySQL database is opened (a SQLite server never holds it)
  const { createPool } = createRequire(import.meta.url)('mysql2') as typeof Mysql2;
  const mysqlPool = createPool({
    host: target.params.unix_socket ? undefined : target.host,
    socketPath: target.params.unix_socket,
    port: target.port ?? 3306,
    user: target.user,
    password: target.password,
    database: target.database,
    charset: target.params.charset?.toUpperCase() === 'UTF8' ? 'UTF8_GENERAL_CI' : 'UTF8MB4_GENERAL_CI',
    connectionLimit: pool.size,
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
    connectTimeout: timeouts.connectTimeoutMs,
    // MLflow's SQLAlchemy engine reconnects; keep idle sockets healthy
    enableKeepAlive: true,
  });
  const lockWaitSeconds = Math.max(1, Math.ceil(timeouts.queryTimeoutMs / 1000));
  mysqlPool.on('connection', (connection) => prepareConnection(connection, lockWaitSeconds, timeouts.queryTimeoutMs));
  const acquiring = boundedAcquire(mysqlPool, timeouts.acquireTimeoutMs);
  const kysely = new Kysely<Tables>({ dialect: new MysqlDialect({ pool: acquiring }) });
  return {
    name: 'mysql',
    kysely,
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    classifyError,
    streamArrays: (query, chunkRows) => streamArrays(acquiring, query, chunkRows, timeouts.queryTimeoutMs),
    poolUsage: () => usageOf(mysqlPool),
    async close() {
      await kysely.destroy();
    },
  };
}

function definedOnly(pool: PoolOptions): Partial<PoolOptions> {
  return Object.fromEntries(Object.entries(pool).filter(([, v]) => v !== undefined));
}

/**
 * A new pooled connection: an `error` listener (a connection that dies while checked out but
 * idle would otherwise emit an unhandled `error`), the session's lock wait bound, per-statement
 * timeouts, and array rows for the statements marked by ../arrayRows.ts (bulk reads).
 */
function prepareConnection(connection: PoolConnection, lockWaitSeconds: number, queryTimeoutMs: number): void {
  connection.on('error', () => {
    // the pool drops a connection after a fatal error; the statement that was running has its own error
  });
  connection.query(`SET SESSION innodb_lock_wait_timeout = ${lockWaitSeconds}`, () => undefined);
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  const timedQuery = (sql: unknown, ...rest: unknown[]) => {
    if (typeof sql !== 'string') return query(sql, ...rest);
    const options = { sql, timeout: queryTimeoutMs, rowsAsArray: sql.startsWith(ARRAY_ROWS_MARKER) };
    const last = rest[rest.length - 1];
    if (typeof last !== 'function') return query(options, ...rest);
    const callback = last as (err: unknown, ...results: unknown[]) => void;
    return query(options, ...rest.slice(0, -1), (err: unknown, ...results: unknown[]) => {
      // after a statement timeout the connection's protocol state is unknown: never reuse it
      if ((err as { code?: unknown } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
      callback(err, ...results);
    });
  };
  connection.query = timedQuery as typeof connection.query;
}

/**
 * A streamed SELECT on a pooled connection of its own: mysql2's row stream pauses the socket
 * when its buffer is full, so the server waits for the client. A stream left before its end is
 * destroyed with its connection, which MariaDB sees at its next write and ends the statement:
 * draining the rest (what returning it to the pool would need) could take as long as the read.
 * The statement timeout bounds the whole reply.
 */
async function* streamArrays(pool: MysqlPool, query: CompiledQuery, chunkRows: number, timeoutMs: number): AsyncGenerator<unknown[][]> {
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((err, conn) => (err ? reject(err) : resolve(conn as unknown as PoolConnection))),
  );
  let complete = false;
  let statement: ReturnType<PoolConnection['query']> | undefined;
  try {
    statement = connection.query({ sql: query.sql, values: [...query.parameters], rowsAsArray: true, timeout: timeoutMs });
    const rows = statement.stream({ highWaterMark: chunkRows });
    let chunk: unknown[][] = [];
    for await (const row of rows) {
      chunk.push(row as unknown[]);
      if (chunk.length >= chunkRows) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
    complete = true;
  } finally {
    if (complete) connection.release();
    else {
      // mysql2 clears a statement's timer only when the statement ends, which a destroyed
      // connection's never does: the timer would keep it (and its last rows) for the timeout
      const timer = (statement as { queryTimeout?: NodeJS.Timeout | null } | undefined)?.queryTimeout;
      if (timer) clearTimeout(timer);
      connection.destroy();
    }
  }
}

/** mysql2's pool waits for a free connection without limit: this bounds the wait. */
function boundedAcquire(pool: Pool, acquireTimeoutMs: number): MysqlPool {
  return {
    getConnection(callback) {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        callback(new AcquireTimeoutError(acquireTimeoutMs), undefined as never);
      }, acquireTimeoutMs);
      pool.getConnection((err, connection) => {
        clearTimeout(timer);
        if (!done) {
          done = true;
          callback(err, connection as never);
        } else if (!err) connection.release();
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

function usageOf(pool: Pool): PoolUsage {
  const internals = pool as unknown as { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } };
  const all = internals._allConnections?.length ?? 0;
  const idle = internals._freeConnections?.length ?? 0;
  return { used: all - idle, idle, waiting: internals._connectionQueue?.length ?? 0 };
}

// deadlock, lock wait timeout, MariaDB's "record has changed since last read" (snapshot isolation)
const TRANSIENT = new Set([1205, 1213, 1020]);
// too many connections, shutdown in progress, connection killed, network read/write failures,
// cannot connect, server gone or lost, disconnected for inactivity, server in read-only mode
const UNAVAILABLE = new Set([1040, 1053, 1077, 1152, 1153, 1154, 1156, 1157, 1158, 1159, 1160, 1161, 1290, 1836, 1927, 2002, 2003, 2006, 2013, 4031]);
const UNAVAILABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'DARWIN_ACQUIRE_TIMEOUT',
]);

function classifyError(err: unknown): ErrorKind {
  const e = err as { errno?: unknown; code?: unknown; fatal?: unknown };
  if (e.errno === 1062) return 'unique';
  if (e.errno === 1452 || e.errno === 1451) return 'foreignKey';
  if (typeof e.errno === 'number' && TRANSIENT.has(e.errno)) return 'transient';
  if (typeof e.errno === 'number' && UNAVAILABLE.has(e.errno)) return 'unavailable';
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return 'unavailable';
  if (isNetworkError(err) || e.fatal === true) return 'unavailable';
  if (e.errno === 1406 || e.errno === 1264 || e.errno === 1048 || e.errno === 3819 || e.errno === 4025) return 'data';
  // a pattern REGEXP cannot compile: MariaDB's ER_REGEXP_ERROR, MySQL 8's ER_REGEXP_* (ICU)
  if (e.errno === 1139 || (typeof e.errno === 'number' && e.errno >= 3685 && e.errno <= 3700)) return 'data';
  return 'other';
}
