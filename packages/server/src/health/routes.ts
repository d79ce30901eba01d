/**
 * Liveness and readiness. `/health` (MLflow's) answers while the process serves, whatever its
 * dependencies do, so an orchestrator never restarts a replica for a database outage it cannot
 * fix. `/ready` checks each dependency within a bounded time: 200 when all are reachable, else
 * 503 naming the one that is not, so a load balancer sends traffic elsewhere until it recovers.
 * Neither needs credentials, and neither says more than "ok" or "unavailable".
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessChecks {
  /** Name -> a check that resolves when the dependency is usable. */
  readonly [dependency: string]: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3000;

export function mountHealthRoutes(app: FastifyInstance, checks: ReadinessChecks): void {
  app.get('/health', async (_req, reply) => reply.type('text/html; charset=utf-8').send('OK'));
  app.get('/ready', async (request, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (err) {
          request.log.warn({ err, dependency: name }, 'readiness check failed');
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    return reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ready ? 'ready' : 'unavailable', ...Object.fromEntries(results) });
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
