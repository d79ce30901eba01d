/** What `mlflow server` does to its database before serving: schema at a head, default experiment. */
import type { ServerConfig } from '../config/serverConfig.js';
import { appendToUriPath } from '../artifacts/uri.js';
import type { Database } from './database.js';
import { HEAD_2X_REVISION, HEAD_REVISION, ensureDefaultExperiment, ensureSchema } from './migrate.js';
import type { SchemaGeneration } from './migrate.js';

/** Returns the generation of the schema served (which decides the 3.x-only routes). */
export async function initializeBackend(database: Database, config: ServerConfig): Promise<SchemaGeneration> {
  const generation = await ensureSchema(database, { createAt: config.newDbSchema === '2.12.2' ? HEAD_2X_REVISION : HEAD_REVISION });
  await ensureDefaultExperiment(database, appendToUriPath(config.defaultArtifactRoot, '0'));
  return generation;
}
