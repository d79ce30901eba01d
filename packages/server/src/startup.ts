/**
 * Start-up against a database that may not be up yet (a pod starting beside its database, a
 * database restarting): the primary retries the schema check with exponential backoff and one
 * clear log line per attempt, up to a total wait, instead of exiting at once. `--fail-fast`
 * turns the retries off. Only "cannot reach the database" is retried; a wrong schema revision,
 * bad credentials or a bad URI fail at once.
 */
import type { ServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
import { redact } from './db/backendUri.js';
import { initializeBackend } from './db/initialize.js';
import { initializeRegistryStore } from './registry/index.js';
import { AuthService } from './auth/service.js';
import type { Logger } from './logging/logger.js';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
/** Migrations may rewrite big tables: no per-statement timeout for them. */
const MIGRATION_QUERY_TIMEOUT_MS = 24 * 3600 * 1000;

export async function initializeWithRetries(config: ServerConfig, log: Logger): Promise<void> {
  const { startupRetryMs, failFast } = config.operations;
  const giveUpAt = Date.now() + startupRetryMs;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const outcome = await initializeOnce(config);
    if (outcome === undefined) return;
    const { err, unreachable, what, uri } = outcome;
    const detail = err instanceof Error ? err.message : String(err);
    const retry = unreachable && !failFast && Date.now() + delay <= giveUpAt;
    if (!retry) {
      const why = unreachable && !failFast ? ` (gave up after ${attempt} attempts in ${Math.round(startupRetryMs / 1000)} s)` : '';
      throw new Error(`Cannot use the ${what} ${redact(uri)}: ${detail}${why}`, { cause: err });
    }
    log.warn(
      { attempt, retry_in_ms: delay, give_up_in_ms: giveUpAt - Date.now() },
      `Database ${redact(uri)} is not reachable yet (${detail}); retrying in ${(delay / 1000).toFixed(1)} s. Use --fail-fast to exit instead.`,
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

interface FailedAttempt {
  err: unknown;
  /** The database could not be reached (worth waiting for), rather than refused what we asked. */
  unreachable: boolean;
  what: 'backend store' | 'auth database';
  uri: string;
}

/** One attempt: undefined when done, else what failed and whether it means "unreachable". */
async function initializeOnce(config: ServerConfig): Promise<FailedAttempt | undefined> {
  const t = config.operations.database;
  const pool = { size: 2, connectTimeoutMs: t.connectMs, acquireTimeoutMs: t.acquireMs, queryTimeoutMs: MIGRATION_QUERY_TIMEOUT_MS };
  let database: Database | undefined;
  try {
    database = Database.open(config.backendStoreUri, { pool, cwd: config.cwd });
    await initializeBackend(database, config);
    await initializeRegistryStore(config);
  } catch (err) {
    const unreachable = database?.classify(err) === 'unavailable';
    await database?.close().catch(() => undefined);
    return { err, unreachable, what: 'backend store', uri: config.backendStoreUri };
  }
  try {
    if (config.auth) await initializeAuth(config.auth, database, config.cwd);
    return undefined;
  } catch (err) {
    const unreachable = database.classify(err) === 'unavailable';
    return { err, unreachable, what: 'auth database', uri: config.auth?.databaseUri ?? config.backendStoreUri };
  } finally {
    await database.close().catch(() => undefined);
  }
}

async function initializeAuth(authConfig: NonNullable<ServerConfig['auth']>, tracking: Database, cwd: string): Promise<void> {
  const auth = AuthService.open(authConfig, tracking, { cwd });
  try {
    await auth.initialize();
  } finally {
    await auth.close();
  }
}
