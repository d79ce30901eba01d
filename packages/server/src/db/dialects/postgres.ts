/** PostgreSQL via node-postgres. int8 columns are read as strings and normalised in ../ints.ts. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Tables } from '../tables.js';
import type { NetworkTarget } from '../backendUri.js';
import type { DialectDriver, ErrorKind, PoolOptions } from './types.js';
import { ARRAY_ROWS_MARKER } from '../arrayRows.js';

export function openPostgres(target: NetworkTarget, pool: PoolOptions): DialectDriver {
  const pgPool = new pg.Pool({
    host: target.params.host ?? target.host,
    port: target.port ?? 5432,
    user: target.user,
    password: target.password,
    database: target.database,
    max: pool.size,
    options: target.params.options,
  });
  // An idle client losing its connection must not crash the process.
  pgPool.on('error', () => {});
  pgPool.on('connect', arrayRowsFor);
  const kysely = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pgPool }) });
  return {
    name: 'postgres',
    kysely,
    writeTransaction: (fn) => kysely.transaction().execute(fn),
    classifyError,
    async close() {
      await kysely.destroy();
    },
  };
}

/** Statements marked by ../arrayRows.ts return their rows as arrays (bulk reads). */
function arrayRowsFor(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const arrayQuery = (text: unknown, ...rest: unknown[]) =>
    typeof text === 'string' && text.startsWith(ARRAY_ROWS_MARKER)
      ? query({ text, values: rest[0], rowMode: 'array' }, ...rest.slice(1))
      : query(text, ...rest);
  client.query = arrayQuery as typeof client.query;
}

function classifyError(err: unknown): ErrorKind {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return 'other';
  if (code === '23505') return 'unique';
  if (code === '23503') return 'foreignKey';
  if (code === '40001' || code === '40P01' || code === '55P03' || code.startsWith('08') || code === '57P01') return 'transient';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return 'transient';
  if (code.startsWith('22') || code.startsWith('23')) return 'data';
  return 'other';
}
