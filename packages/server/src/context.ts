/** Builds the stores and services of one server process from its configuration. */
import type { ServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
import { ExperimentStore } from './tracking/store/experiments.js';
import { RunStore } from './tracking/store/runs.js';
import { ExperimentService } from './tracking/service/experiments.js';
import { RunService } from './tracking/service/runs.js';

export interface AppContext {
  readonly config: ServerConfig;
  readonly database: Database;
  readonly experiments: ExperimentService;
  readonly runs: RunService;
  close(): Promise<void>;
}

export function createContext(config: ServerConfig): AppContext {
  const database = Database.open(config.backendStoreUri, { pool: { size: config.poolSize }, cwd: config.cwd });
  const experimentStore = new ExperimentStore(database, config.defaultArtifactRoot);
  const runStore = new RunStore(database);
  return {
    config,
    database,
    experiments: new ExperimentService(experimentStore, config.cwd),
    runs: new RunService(runStore, config.truncateLongValues),
    close: () => database.close(),
  };
}
