/**
 * Builds the Fastify application from a configuration object (no listening here): endpoint
 * catalogue under /api/2.0 and /ajax-api/2.0, MLflow's transport rules and error envelope.
 */
import { ENDPOINTS, MlflowError, loggedModels, traces } from '@darwin-mlflow/contract';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/serverConfig.js';
import { createContext } from './context.js';
import type { AppContext } from './context.js';
import { initializeBackend } from './db/initialize.js';
import { readSchemaGeneration } from './db/migrate.js';
import type { SchemaGeneration } from './db/migrate.js';
import { clientErrorHandler } from './errors/clientErrors.js';
import { sendError, statusFor, toMlflowError } from './errors/errorHandler.js';
import { mountEndpoints, needsMlflow3Schema } from './http/mount.js';
import { installPrometheus } from './metrics/prometheus.js';
import type { HandlerMap } from './http/mount.js';
import { experimentRoutes } from './tracking/routes/experiments.js';
import { runRoutes } from './tracking/routes/runs.js';
import { searchRoutes } from './tracking/routes/search.js';
import { metricRoutes } from './tracking/routes/metrics.js';
import { mountAjaxRoutes } from './tracking/routes/ajax.js';
import { artifactListRoutes } from './tracking/routes/artifacts.js';
import { loggedModelRoutes } from './tracking/routes/loggedModels.js';
import { traceRoutes } from './tracking/routes/traces.js';
import { mountOtlpRoutes } from './tracking/routes/otlp.js';
import { registerArtifactRoutes } from './artifacts/routes/index.js';
import { mountGraphql } from './graphql/index.js';
import { mountHealthRoutes } from './health/routes.js';
import { installConcurrencyLimits } from './http/limits.js';
import { timedServerFactory } from './http/nodeServer.js';
import type { Logger } from './logging/logger.js';
import { installRequestLogging, requestIdOf } from './logging/requestLog.js';
import type { ReadinessChecks } from './health/routes.js';
import { mountDownsampleRoute } from './tracking/routes/downsample.js';
import { MetricBucketService } from './tracking/service/metricBuckets.js';
import { MetricBucketStore } from './tracking/store/metricBuckets.js';
import { defaultWebRoot, hasWebUi, mountWebUi } from './ui/static.js';
import { installAuth } from './auth/enforce.js';
import { mountAuthRoutes, mountSessionRoutes } from './auth/routes.js';
import { mountV1 } from './v1/routes.js';

export const MLFLOW_VERSION = '2.12.2';

const NO_UI_TEXT = `Darwin MLflow (MLflow ${MLFLOW_VERSION} REST API) is running.
This build serves no web UI (packages/web/dist is missing: run \`npm run build\`). Point an MLflow client at this address, e.g.
  MLFLOW_TRACKING_URI=<this address> python -c "import mlflow; print(mlflow.search_experiments())"
`;

/** Dataset profiles in log-inputs reach 16 MB; leave room for JSON escaping. */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export interface BuildOptions {
  /** A JSON logger (../logging/logger.ts) for request and error logs; none by default (tests). */
  logger?: Logger;
  /** Skip schema creation and the default experiment (the primary process did it). */
  skipInitialization?: boolean;
  /** The built web UI (`packages/web/dist` unless given). */
  webRoot?: string;
  /** Where start-up notices go (the generated admin password); console.log by default. */
  log?: (line: string) => void;
}

export async function buildApp(config: ServerConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const ctx = createContext(config);
  let generation: SchemaGeneration;
  try {
    generation = options.skipInitialization ? await readSchemaGeneration(ctx.database) : await initializeBackend(ctx.database, config);
    if (!options.skipInitialization) await ctx.registry.initialize();
    if (!options.skipInitialization) await ctx.auth?.initialize(options.log);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // one line per request of our own (../logging/requestLog.ts) instead of Fastify's two
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdOf,
    serverFactory: timedServerFactory(config.operations.http),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: {
      maxParamLength: 10_000,
      // our own query-string parsing happens per endpoint (MLflow's rules)
      querystringParser: () => ({}),
    },
    return503OnClosing: true,
    clientErrorHandler,
  });
  app.decorate('ctx', ctx);
  app.addHook('onClose', async () => ctx.close());
  installRequestLogging(app);
  if (config.exposePrometheus) installPrometheus(app, MLFLOW_VERSION, config.exposePrometheus, { poolUsage: () => ctx.database.poolUsage(), writeRetries: () => ctx.database.writeRetries() });
  installConcurrencyLimits(app, config.operations.limits);
  installParsers(app);
  installErrorHandling(app, ctx);
  // hooks first, so they apply to every route mounted below
  if (ctx.auth) installAuth(app, ctx.auth, config.staticPrefix);
  mountSessionRoutes(app, ctx.auth, config.staticPrefix);
  if (ctx.auth) mountAuthRoutes(app, ctx.auth, config.staticPrefix);
  mountV1(app, ctx);
  const handlers = handlersFor(ctx);
  mountEndpoints(app, ENDPOINTS, handlers, {
    staticPrefix: config.staticPrefix,
    generation,
    disabled: () =>
      config.artifactsOnly
        ? 'Endpoint disabled due to the mlflow server running in `--artifacts-only` mode. To enable tracking server functionality, run `mlflow server` without `--artifacts-only`'
        : undefined,
  });
  mountAjaxRoutes(app, ctx, { staticPrefix: config.staticPrefix, artifactsOnly: config.artifactsOnly });
  mountOtlpRoutes(app, ctx.spans, { generation, artifactsOnly: config.artifactsOnly });
  await registerArtifactRoutes(app, ctx, {
    staticPrefix: config.staticPrefix,
    serveArtifacts: config.serveArtifacts,
    artifactsOnly: config.artifactsOnly,
    modelVersionDownloadUri: (name, version) => ctx.registry.modelVersions.getModelVersionDownloadUri(name, version),
    loggedModelLocation: async (modelId) => {
      if (generation !== '3.x') throw needsMlflow3Schema(loggedModels.getLoggedModel);
      return (await ctx.loggedModels.get(modelId)).artifact_location;
    },
    traceData: async (traceId) => {
      if (generation !== '3.x') throw needsMlflow3Schema(traces.getTrace);
      return ctx.traces.traceDataJson(traceId);
    },
    // an artifacts-only server does not serve the traces whose files it stores
    uploadObserver:
      generation === '3.x' && !config.artifactsOnly
        ? { maxBytes: ctx.traceDataIndex.maxBytes, accepts: (p) => ctx.traceDataIndex.accepts(p), stored: (p, body, log) => ctx.traceDataIndex.index(p, body, log) }
        : undefined,
  });
  mountGraphql(app, { experiments: ctx.experiments, runs: ctx.runs, registrySearch: ctx.registry.search });
  mountHealthRoutes(app, readinessChecks(ctx));
  app.get('/version', async (_req, reply) => reply.type('text/html; charset=utf-8').send(MLFLOW_VERSION));
  mountDownsampleRoute(app, new MetricBucketService(new MetricBucketStore(ctx.database), ctx.runs), { staticPrefix: config.staticPrefix, artifactsOnly: config.artifactsOnly });
  const webRoot = options.webRoot ?? defaultWebRoot();
  if (hasWebUi(webRoot)) mountWebUi(app, { staticPrefix: config.staticPrefix, root: webRoot });
  // MLflow answers `/` with a plain-text explanation when its UI build is absent
  else app.get(`${config.staticPrefix}/`, async (_req, reply) => reply.type('text/plain; charset=utf-8').send(NO_UI_TEXT));
  return app;
}

function readinessChecks(ctx: AppContext): ReadinessChecks {
  const { config } = ctx;
  return {
    ...(config.artifactsOnly ? {} : { database: () => ctx.database.ping() }),
    ...(!config.artifactsOnly && ctx.registry.database !== ctx.database ? { registry_database: () => ctx.registry.database.ping() } : {}),
    ...(config.serveArtifacts ? { artifact_store: () => ctx.artifacts.probeStore() } : {}),
  };
}

function handlersFor(ctx: AppContext): HandlerMap {
  return {
    ...experimentRoutes(ctx.experiments),
    ...runRoutes(ctx.runs),
    ...searchRoutes(ctx.search),
    ...metricRoutes(ctx.metrics),
    ...ctx.registry.handlers(),
    ...artifactListRoutes(ctx.artifacts),
    ...loggedModelRoutes(ctx.loggedModels, ctx.artifacts),
    ...traceRoutes(ctx.traces),
  } as unknown as HandlerMap;
}

/** Bodies are read as text and decoded per endpoint; any content type is accepted here. */
function installParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

function installErrorHandling(app: FastifyInstance, ctx: AppContext): void {
  // a driver error that escaped a store's translation still means 503 when the database is down
  const unavailable = (err: unknown) => {
    const kind = ctx.database.classify(err);
    return kind === 'unavailable' || kind === 'transient' || ctx.registry.database.classify(err) === 'unavailable';
  };
  app.setErrorHandler((err, request, reply) => {
    const mlflowError = toMlflowError(err, request, unavailable);
    return sendError(reply, mlflowError, statusFor(err, mlflowError));
  });
  app.setNotFoundHandler((request, reply) => {
    // Werkzeug (merge_slashes) answers a URL with repeated slashes with a 308 to the merged one;
    // MLflow's own tests call e.g. `//model-versions/get-artifact`. The merged URL is then routed
    // and checked like any other request.
    const [pathPart, query] = splitUrl(request.url);
    if (pathPart.includes('//')) return reply.redirect(pathPart.replace(/\/{2,}/g, '/') + query, 308);
    return sendError(reply, new MlflowError(`No endpoint ${request.method} ${pathPart}`, 'ENDPOINT_NOT_FOUND'));
  });
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q)];
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}
