/** Handler of the tracking endpoint `GET /mlflow/artifacts/list` (spec §2.1 #19). */
import type { tracking } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { ArtifactService } from '../../artifacts/service/artifacts.js';
import { presentFileInfo } from '../../artifacts/routes/presenters.js';

type T = typeof tracking;

export function artifactListRoutes(artifacts: ArtifactService) {
  /** Run-relative paths; `root_uri` is the run's artifact URI; a missing directory lists nothing. */
  const listArtifacts: Handler<T['listArtifacts']['request']> = async (req) => {
    const { rootUri, files } = await artifacts.listRunArtifacts(req.run_id || req.run_uuid || '', req.path);
    return { root_uri: rootUri, files: files.length > 0 ? files.map(presentFileInfo) : undefined };
  };
  return { listArtifacts };
}
