/**
 * Starts the server: initialises the database once, then serves from one process or, with
 * --workers N > 1, from N cluster workers sharing the port (the server keeps no state of its
 * own, so workers, like replicas, only share the database and the artifact store).
 */
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
import { redact } from './db/backendUri.js';
import { initializeBackend } from './db/initialize.js';
import { servePrometheusAggregation } from './metrics/prometheus.js';
import { initializeRegistryStore } from './registry/index.js';
import { AuthService } from './auth/service.js';

export async function runServer(config: ServerConfig): Promise<number> {
  if (cluster.isPrimary) {
    await initializeOnce(config);
    if (config.workers > 1) return superviseWorkers(config);
  }
  // the primary of a cluster only supervises: it never loads the application itself
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config, { skipInitialization: true });
  await listen(app, config);
  const code = await waitForShutdown(app);
  // a worker's IPC channel to the primary would keep it alive after the server closed
  cluster.worker?.disconnect();
  return code;
}

async function initializeOnce(config: ServerConfig): Promise<void> {
  let database: Database | undefined;
  try {
    database = Database.open(config.backendStoreUri, { pool: { size: 2 }, cwd: config.cwd });
    await initializeBackend(database, config);
    await initializeRegistryStore(config);
    if (config.auth) await initializeAuth(config.auth, database, config.cwd);
  } catch (err) {
    if (err instanceof AuthInitError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot use the backend store ${redact(config.backendStoreUri)}: ${detail}`, { cause: err });
  } finally {
    await database?.close();
  }
}

class AuthInitError extends Error {}

async function initializeAuth(authConfig: NonNullable<ServerConfig['auth']>, tracking: Database, cwd: string): Promise<void> {
  const auth = AuthService.open(authConfig, tracking, { cwd });
  try {
    await auth.initialize();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new AuthInitError(`Cannot use the auth database ${redact(authConfig.databaseUri)}: ${detail}`, { cause: err });
  } finally {
    await auth.close();
  }
}

async function listen(app: FastifyInstance, config: ServerConfig): Promise<void> {
  const address = await app.listen({ host: config.host, port: config.port });
  if (cluster.isPrimary) console.log(`Darwin MLflow server listening at ${address}`);
}

function superviseWorkers(config: ServerConfig): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    if (config.exposePrometheus) servePrometheusAggregation();
    let listening = 0;
    cluster.on('listening', () => {
      if (++listening === config.workers) {
        console.log(`Darwin MLflow server listening at http://${config.host}:${config.port} with ${config.workers} workers`);
      }
    });
    for (let i = 0; i < config.workers; i++) cluster.fork();
    let running = config.workers;
    cluster.on('exit', (worker, code) => {
      if (stopping) {
        if (--running === 0) resolve(0);
        return;
      }
      console.error(`worker ${worker.process.pid} exited with code ${code}; starting a new one`);
      cluster.fork();
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function waitForShutdown(app: FastifyInstance): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => {
      app.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
