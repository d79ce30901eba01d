/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, let in-flight requests
 * finish (new requests on kept-alive connections get 503, Fastify's `return503OnClosing`),
 * close the database pools, exit 0. In-flight requests still running at the deadline have their
 * connections cut, and the exit code is 1 so the orchestrator's logs show it.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from './logging/logger.js';

/** After the drain deadline, closing pools and handles gets this much longer. */
const CLOSE_GRACE_MS = 5000;

export function waitForShutdown(app: FastifyInstance, deadlineMs: number, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal, deadline_ms: deadlineMs }, 'shutting down: draining in-flight requests');
      let forced = false;
      const force = setTimeout(() => {
        forced = true;
        log.warn('shutdown deadline reached: closing the remaining connections');
        app.server.closeAllConnections();
        setTimeout(() => resolve(1), CLOSE_GRACE_MS).unref();
      }, deadlineMs);
      force.unref();
      app.close().then(
        () => {
          clearTimeout(force);
          log.info('shut down');
          resolve(forced ? 1 : 0);
        },
        (err: unknown) => {
          clearTimeout(force);
          log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
