/**
 * Builds the Fastify application from a configuration object (no listening here): endpoint
 * catalogue under /api/2.0 and /ajax-api/2.0, MLflow's transport rules and error envelope.
 */
import { ENDPOINTS, MlflowError } from '@darwin-mlflow/contract';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/serverConfig.js';
import { createContext } from './context.js';
import type { AppContext } from './context.js';
import { initializeBackend } from './db/initialize.js';
import { sendError, statusFor, toMlflowError } from './errors/errorHandler.js';
import { mountEndpoints } from './http/mount.js';
import type { HandlerMap } from './http/mount.js';
import { experimentRoutes } from './tracking/routes/experiments.js';
import { runRoutes } from './tracking/routes/runs.js';

export const MLFLOW_VERSION = '2.12.2';

/** Dataset profiles in log-inputs reach 16 MB; leave room for JSON escaping. */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export interface BuildOptions {
  logger?: boolean;
  /** Skip schema creation and the default experiment (the primary process did it). */
  skipInitialization?: boolean;
}

export async function buildApp(config: ServerConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const ctx = createContext(config);
  try {
    if (!options.skipInitialization) await initializeBackend(ctx.database, config);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: JSON_BODY_LIMIT,
    maxParamLength: 10_000,
    // our own query-string parsing happens per endpoint (MLflow's rules)
    querystringParser: () => ({}),
    return503OnClosing: true,
  });
  app.decorate('ctx', ctx);
  app.addHook('onClose', async () => ctx.close());
  installParsers(app);
  installErrorHandling(app);
  const handlers = handlersFor(ctx);
  mountEndpoints(app, ENDPOINTS.filter((e) => e.name in handlers) /*TEMP*/, handlers, {
    staticPrefix: config.staticPrefix,
    disabled: () =>
      config.artifactsOnly
        ? 'Endpoint disabled due to the mlflow server running in `--artifacts-only` mode. To enable tracking server functionality, run `mlflow server` without `--artifacts-only`'
        : undefined,
  });
  app.get('/health', async (_req, reply) => reply.type('text/html; charset=utf-8').send('OK'));
  app.get('/version', async (_req, reply) => reply.type('text/html; charset=utf-8').send(MLFLOW_VERSION));
  return app;
}

function handlersFor(ctx: AppContext): HandlerMap {
  return { ...experimentRoutes(ctx.experiments), ...runRoutes(ctx.runs) } as unknown as HandlerMap;
}

/** Bodies are read as text and decoded per endpoint; any content type is accepted here. */
function installParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const mlflowError = toMlflowError(err, request);
    return sendError(reply, mlflowError, statusFor(err, mlflowError));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new MlflowError(`No endpoint ${request.method} ${request.url.split('?')[0]}`, 'ENDPOINT_NOT_FOUND')),
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}
