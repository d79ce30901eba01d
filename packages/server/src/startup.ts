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
    const { err, unreachable } = outcome;
    const detail = err instanceof Error ? err.message : String(err);
    const retry = unreachable && !failFast && Date.now() + delay <= giveUpAt;
    if (!retry) {
      const why = unreachable && !failFast ? ` (gave up after ${attempt} attempts in ${Math.round(startupRetryMs / 1000)} s)` : '';
      throw new Error(`Cannot use the backend store ${redact(config.backendStoreUri)}: ${detail}${why}`, { cause: err });
    }
    log.warn(
      { attempt, retry_in_ms: delay, give_up_in_ms: giveUpAt - Date.now() },
      `Database ${redact(config.backendStoreUri)} is not reachable yet (${detail}); retrying in ${(delay / 1000).toFixed(1)} s. Use --fail-fast to exit instead.`,
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/** One attempt: undefined when done, else the error and whether it means "unreachable". */
async function initializeOnce(config: ServerConfig): Promise<{ err: unknown; unreachable: boolean } | undefined> {
  const t = config.operations.database;
  const pool = { size: 2, connectTimeoutMs: t.connectMs, acquireTimeoutMs: t.acquireMs, queryTimeoutMs: MIGRATION_QUERY_TIMEOUT_MS };
  let database: Database | undefined;
  try {
    database = Database.open(config.backendStoreUri, { pool, cwd: config.cwd });
    await initializeBackend(database, config);
    await initializeRegistryStore(config);
    return undefined;
  } catch (err) {
    const kind = database?.classify(err);
    return { err, unreachable: kind === 'unavailable' };
  } finally {
    await database?.close().catch(() => undefined);
  }
}
