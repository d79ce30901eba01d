/** MySQL / MariaDB via mysql2. Big integers come back as strings only when beyond 2^53. */
import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import type { PoolConnection } from 'mysql2';
import type { Tables } from '../tables.js';
import type { NetworkTarget } from '../backendUri.js';
import type { DialectDriver, ErrorKind, PoolOptions } from './types.js';
import { ARRAY_ROWS_MARKER } from '../arrayRows.js';

export function openMysql(target: NetworkTarget, pool: PoolOptions): DialectDriver {
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
    // MLflow's SQLAlchemy engine reconnects; keep idle sockets healthy
    enableKeepAlive: true,
  });
  mysqlPool.on('connection', arrayRowsFor);
  const kysely = new Kysely<Tables>({ dialect: new MysqlDialect({ pool: mysqlPool }) });
  return {
    name: 'mysql',
    kysely,
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    classifyError,
    async close() {
      await kysely.destroy();
    },
  };
}

/** Statements marked by ../arrayRows.ts return their rows as arrays (bulk reads). */
function arrayRowsFor(connection: PoolConnection): void {
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  const arrayQuery = (sql: unknown, ...rest: unknown[]) =>
    typeof sql === 'string' && sql.startsWith(ARRAY_ROWS_MARKER) ? query({ sql, rowsAsArray: true }, ...rest) : query(sql, ...rest);
  connection.query = arrayQuery as typeof connection.query;
}

const TRANSIENT = new Set([1205, 1213, 2006, 2013, 1040, 1053]);

function classifyError(err: unknown): ErrorKind {
  const e = err as { errno?: unknown; code?: unknown };
  if (e.errno === 1062) return 'unique';
  if (e.errno === 1452 || e.errno === 1451) return 'foreignKey';
  if (typeof e.errno === 'number' && TRANSIENT.has(e.errno)) return 'transient';
  if (e.code === 'ECONNREFUSED' || e.code === 'PROTOCOL_CONNECTION_LOST' || e.code === 'ECONNRESET') return 'transient';
  if (e.errno === 1406 || e.errno === 1264 || e.errno === 1048 || e.errno === 3819 || e.errno === 4025) return 'data';
  return 'other';
}
