/**
 * What an operator tunes to run the server in production: database timeouts, start-up retries,
 * HTTP timeouts, per-class concurrency limits, the shutdown deadline and logging. All of it comes
 * from `DARWIN_*` variables (MLflow has no flags for these) with defaults that suit one replica
 * behind a load balancer; `--fail-fast` and `--log-level` are flags too.
 */
import { nonEmpty } from './darwinEnv.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DatabaseTimeouts {
  /** Opening a new database connection. */
  readonly connectMs: number;
  /** Waiting for a free pooled connection. */
  readonly acquireMs: number;
  /** One statement (client side; PostgreSQL also as statement_timeout, SQLite as busy_timeout). */
  readonly queryMs: number;
}

export interface HttpTimeouts {
  /** The whole request line and headers must arrive within this (slowloris). */
  readonly headersMs: number;
  /** The whole request, body included (large artifact uploads need room). */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this; longer than a load balancer's 60 s. */
  readonly keepAliveMs: number;
  /** A socket with no traffic at all for this long is closed. */
  readonly idleMs: number;
}

/** Requests of a class that may run at once, and how many more may wait for a turn. */
export interface ClassLimit {
  readonly concurrent: number;
  readonly queued: number;
}

export interface ConcurrencyLimits {
  readonly read: ClassLimit;
  readonly write: ClassLimit;
  readonly artifact: ClassLimit;
  /** A queued request that did not get a turn within this answers 503. */
  readonly queueTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface OperationsConfig {
  readonly database: DatabaseTimeouts;
  /** Without --fail-fast, start-up waits this long in total for an unreachable database. */
  readonly startupRetryMs: number;
  readonly failFast: boolean;
  readonly http: HttpTimeouts;
  readonly limits: ConcurrencyLimits;
  /** SIGTERM: in-flight requests get this long to finish before their connections are cut. */
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
}

export function loadOperationsConfig(env: Env, flags: { failFast: boolean; logLevel: string | undefined }, problems: string[]): OperationsConfig {
  const ms = (name: string, fallback: number, min = 1) => envInteger(env, name, fallback, min, 24 * 3600 * 1000, problems);
  const count = (name: string, fallback: number, min = 1) => envInteger(env, name, fallback, min, 100_000, problems);
  const logLevel = flags.logLevel ?? nonEmpty(env.DARWIN_LOG_LEVEL) ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`Invalid value for '--log-level': '${logLevel}' is not one of ${LOG_LEVELS.join(', ')}.`);
  }
  const queued = count('DARWIN_MAX_QUEUED_REQUESTS', 256, 0);
  return Object.freeze({
    database: Object.freeze({
      connectMs: ms('DARWIN_DB_CONNECT_TIMEOUT_MS', 5000),
      acquireMs: ms('DARWIN_DB_ACQUIRE_TIMEOUT_MS', 10_000),
      queryMs: ms('DARWIN_DB_QUERY_TIMEOUT_MS', 30_000),
    }),
    startupRetryMs: ms('DARWIN_STARTUP_RETRY_MS', 120_000, 0),
    failFast: flags.failFast,
    http: Object.freeze({
      headersMs: ms('DARWIN_HTTP_HEADERS_TIMEOUT_MS', 20_000),
      requestMs: ms('DARWIN_HTTP_REQUEST_TIMEOUT_MS', 3_600_000),
      keepAliveMs: ms('DARWIN_HTTP_KEEPALIVE_TIMEOUT_MS', 65_000),
      idleMs: ms('DARWIN_HTTP_IDLE_TIMEOUT_MS', 120_000),
    }),
    limits: Object.freeze({
      read: Object.freeze({ concurrent: count('DARWIN_MAX_CONCURRENT_READS', 64), queued }),
      write: Object.freeze({ concurrent: count('DARWIN_MAX_CONCURRENT_WRITES', 32), queued }),
      artifact: Object.freeze({ concurrent: count('DARWIN_MAX_CONCURRENT_ARTIFACTS', 16), queued }),
      queueTimeoutMs: ms('DARWIN_QUEUE_TIMEOUT_MS', 10_000),
    }),
    shutdownTimeoutMs: ms('DARWIN_SHUTDOWN_TIMEOUT_MS', 25_000),
    logLevel: logLevel as LogLevel,
  });
}

function envInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`Invalid value for '${name}': '${raw}' is not an integer between ${min} and ${max}.`);
    return fallback;
  }
  return n;
}

