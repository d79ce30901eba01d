/** The artifact services of one server process, built from its configuration. */
import type { ServerConfig } from '../config/serverConfig.js';
import type { RunService } from '../tracking/service/runs.js';
import { ArtifactLocations } from './locations.js';
import { ArtifactService } from './service/artifacts.js';
import { PromptlabService } from './service/promptlab.js';

export function createArtifactServices(config: ServerConfig, runs: RunService): { artifacts: ArtifactService; promptlab: PromptlabService } {
  const locations = new ArtifactLocations(config);
  const artifacts = new ArtifactService(locations, runs);
  return { artifacts, promptlab: new PromptlabService(runs, artifacts) };
}
