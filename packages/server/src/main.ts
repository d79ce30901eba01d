/**
 * Starts the server: initialises the database once (retrying while it is unreachable, see
 * ./startup.ts), then serves from one process or, with --workers N > 1, from N cluster workers
 * sharing the port (the server keeps no state of its own, so workers, like replicas, only share
 * the database and the artifact store). SIGTERM drains and exits (./shutdown.ts).
 */
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/serverConfig.js';
import { createLogger } from './logging/logger.js';
import type { Logger } from './logging/logger.js';
import { servePrometheusAggregation } from './metrics/prometheus.js';
import { waitForShutdown } from './shutdown.js';
import { initializeWithRetries } from './startup.js';
import { limitHeapGrowth } from './util/heapGrowth.js';

/** Handles that outlive a clean shutdown (a stuck socket) must not keep the process up. */
const EXIT_GRACE_MS = 3000;

export async function runServer(config: ServerConfig): Promise<number> {
  // every process of the server: the primary, and each worker (which runs this too)
  limitHeapGrowth();
  const log = createLogger(config.operations.logLevel);
  if (cluster.isPrimary) {
    await initializeWithRetries(config, log);
    if (config.workers > 1) return superviseWorkers(config, log);
  }
  // the primary of a cluster only supervises: it never loads the application itself
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config, { skipInitialization: true, logger: log });
  await listen(app, config);
  const code = await waitForShutdown(app, config.operations.shutdownTimeoutMs, log);
  // a worker's IPC channel to the primary would keep it alive after the server closed
  cluster.worker?.disconnect();
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}

async function listen(app: FastifyInstance, config: ServerConfig): Promise<void> {
  const address = await app.listen({ host: config.host, port: config.port });
  // plain text as well: scripts and tests wait for this line
  if (cluster.isPrimary) console.log(`Darwin MLflow server listening at ${address}`);
}

function superviseWorkers(config: ServerConfig, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let worst = 0;
    if (config.exposePrometheus) servePrometheusAggregation();
    let listening = 0;
    cluster.on('listening', (_worker, address) => {
      if (++listening === config.workers) {
        console.log(`Darwin MLflow server listening at http://${config.host}:${address.port} with ${config.workers} workers`);
      }
    });
    for (let i = 0; i < config.workers; i++) cluster.fork();
    let running = config.workers;
    cluster.on('exit', (worker, code) => {
      if (stopping) {
        worst = Math.max(worst, code ?? 1);
        if (--running === 0) resolve(worst);
        return;
      }
      log.error({ worker_pid: worker.process.pid, code }, 'worker exited; starting a new one');
      cluster.fork();
    });
    const stop = (signal: string) => {
      stopping = true;
      log.info({ signal }, 'shutting down the workers');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
