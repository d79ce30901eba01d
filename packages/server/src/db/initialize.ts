/** What `mlflow server` does to its database before serving: schema at head, default experiment. */
import type { ServerConfig } from '../config/serverConfig.js';
import { appendToUriPath } from '../artifacts/uri.js';
import type { Database } from './database.js';
import { ensureDefaultExperiment, ensureSchema } from './migrate.js';

export async function initializeBackend(database: Database, config: ServerConfig): Promise<void> {
  await ensureSchema(database);
  await ensureDefaultExperiment(database, appendToUriPath(config.defaultArtifactRoot, '0'));
}
