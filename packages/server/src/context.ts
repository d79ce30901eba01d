/** Builds the stores and services of one server process from its configuration. */
import type { ServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
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
import { AuthService } from './auth/service.js';

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
  /** Users and permissions; undefined when authentication is off. */
  readonly auth: AuthService | undefined;
  close(): Promise<void>;
}

export function createContext(config: ServerConfig): AppContext {
  const database = Database.open(config.backendStoreUri, { pool: { size: config.poolSize }, cwd: config.cwd });
  const experimentStore = new ExperimentStore(database, config.defaultArtifactRoot);
  const runStore = new RunStore(database);
  const registry = createRegistry(config, database, runStore);
  const runs = new RunService(runStore, config.truncateLongValues);
  const artifacts = createArtifactServices(config, runs);
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
function createRegistry(config: ServerConfig, database: Database, runStore: RunStore): Registry {
  const shared = config.registryStoreUri === config.backendStoreUri;
  return new Registry({
    database: shared ? database : Database.open(config.registryStoreUri, { pool: { size: config.poolSize }, cwd: config.cwd }),
    ownsDatabase: !shared,
    runArtifactUri: async (runId) => (await runStore.getRun(runId)).info.artifact_uri,
    cwd: config.cwd,
  });
}
