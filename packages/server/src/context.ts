/** Builds the stores and services of one server process from its configuration. */
import type { ServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
import type { PoolOptions } from './db/dialects/types.js';
import { ExperimentStore } from './tracking/store/experiments.js';
import { RunStore } from './tracking/store/runs.js';
import { ExperimentService } from './tracking/service/experiments.js';
import { RunService } from './tracking/service/runs.js';
import { MetricHistoryStore } from './tracking/store/metrics.js';
import { DatasetSummaryStore } from './tracking/store/inputs.js';
import { MetricService } from './tracking/service/metrics.js';
import { DatasetSummaryService } from './tracking/service/datasetSummaries.js';
import { GatewayProxyService } from './tracking/service/gatewayProxy.js';
import { Registry } from './registry/index.js';
import type { ArtifactService } from './artifacts/service/artifacts.js';
import type { PromptlabService } from './artifacts/service/promptlab.js';
import { createArtifactServices } from './artifacts/index.js';
import { SearchStore } from './tracking/store/search.js';
import { SearchService } from './tracking/service/search.js';
import { LoggedModelStore } from './tracking/store/loggedModels.js';
import { LoggedModelService } from './tracking/service/loggedModels.js';
import { AuthService } from './auth/service.js';
import { TraceStore } from './tracking/store/traces.js';
import { TraceService } from './tracking/service/traces.js';
import { SpanStore } from './tracking/store/spans.js';
import { SpanService } from './tracking/service/spans.js';
import { TraceDataIndexer } from './tracking/service/traceDataIndex.js';

export interface AppContext {
  readonly config: ServerConfig;
  readonly database: Database;
  readonly experiments: ExperimentService;
  readonly runs: RunService;
  readonly search: SearchService;
  readonly metrics: MetricService;
  readonly datasetSummaries: DatasetSummaryService;
  readonly gatewayProxy: GatewayProxyService;
  readonly registry: Registry;
  /** Artifact proxy and run artifacts (artifacts/service). */
  readonly artifacts: ArtifactService;
  readonly promptlab: PromptlabService;
  /** MLflow 3.x logged models (served at MLflow 3.x's schema). */
  readonly loggedModels: LoggedModelService;
  /** MLflow 3.x traces and assessments (served at MLflow 3.x's schema). */
  readonly traces: TraceService;
  /** MLflow 3.x spans sent over OTLP (`POST /v1/traces`). */
  readonly spans: SpanService;
  /** Spans of traces.json uploads into the `spans` table, for span filters (MLflow 3.x's schema). */
  readonly traceDataIndex: TraceDataIndexer;
  /** Users and permissions; undefined when authentication is off. */
  readonly auth: AuthService | undefined;
  close(): Promise<void>;
}

/** Pool size and every database timeout of the configuration. */
export function poolOptions(config: ServerConfig, size = config.poolSize): PoolOptions {
  const t = config.operations.database;
  return { size, connectTimeoutMs: t.connectMs, acquireTimeoutMs: t.acquireMs, queryTimeoutMs: t.queryMs };
}

export function createContext(config: ServerConfig): AppContext {
  const database = Database.open(config.backendStoreUri, { pool: poolOptions(config), cwd: config.cwd });
  const experimentStore = new ExperimentStore(database, config.defaultArtifactRoot);
  const runStore = new RunStore(database);
  const loggedModelStore = new LoggedModelStore(database);
  const registry = createRegistry(config, database, runStore, loggedModelStore);
  const runs = new RunService(runStore, config.truncateLongValues);
  const artifacts = createArtifactServices(config, runs);
  const spanStore = new SpanStore(database);
  const auth = config.auth ? AuthService.open(config.auth, database, { cwd: config.cwd }) : undefined;
  return {
    config,
    database,
    experiments: new ExperimentService(experimentStore, config.cwd),
    runs,
    search: new SearchService(new SearchStore(database)),
    metrics: new MetricService(new MetricHistoryStore(database)),
    datasetSummaries: new DatasetSummaryService(new DatasetSummaryStore(database)),
    gatewayProxy: new GatewayProxyService({ target: config.deploymentsTarget, timeoutMs: config.deploymentsTimeoutMs ?? 120_000 }),
    registry,
    loggedModels: new LoggedModelService(loggedModelStore),
    traces: new TraceService(new TraceStore(database), artifacts.artifacts, spanStore),
    spans: new SpanService(spanStore),
    traceDataIndex: new TraceDataIndexer(spanStore),
    ...artifacts,
    auth,
    close: async () => {
      await auth?.close();
      await registry.close();
      await database.close();
    },
  };
}

/** The registry shares the tracking database unless --registry-store-uri names another one. */
function createRegistry(config: ServerConfig, database: Database, runStore: RunStore, loggedModels: LoggedModelStore): Registry {
  const shared = config.registryStoreUri === config.backendStoreUri;
  return new Registry({
    database: shared ? database : Database.open(config.registryStoreUri, { pool: poolOptions(config), cwd: config.cwd }),
    ownsDatabase: !shared,
    runArtifactUri: async (runId) => (await runStore.getRun(runId)).info.artifact_uri,
    cwd: config.cwd,
    loggedModels: {
      available: () => database.generation === '3.x',
      get: (modelId) => loggedModels.get(modelId),
      appendModelVersion: (modelId, name, version) => loggedModels.appendModelVersion(modelId, name, version),
    },
  });
}
