/** Handlers of the model-version endpoints: decode -> service -> present. */
import { modelVisibility } from '../../auth/requestAuth.js';
import type { registry } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { ModelVersionService } from '../service/modelVersions.js';
import type { RegistrySearchService } from '../service/search.js';
import { presentModelVersion } from '../presenters.js';

type R = typeof registry;

export function modelVersionRoutes(versions: ModelVersionService, search: RegistrySearchService) {
  const createModelVersion: Handler<R['createModelVersion']['request']> = async (req) => ({
    model_version: presentModelVersion(await versions.createModelVersion(req)),
  });
  const getModelVersion: Handler<R['getModelVersion']['request']> = async (req) => ({
    model_version: presentModelVersion(await versions.getModelVersion(req.name, req.version)),
  });
  const updateModelVersion: Handler<R['updateModelVersion']['request']> = async (req) => ({
    model_version: presentModelVersion(await versions.updateModelVersion(req.name, req.version, req.description)),
  });
  const transitionModelVersionStage: Handler<R['transitionModelVersionStage']['request']> = async (req) => ({
    model_version: presentModelVersion(
      await versions.transitionModelVersionStage(req.name, req.version, req.stage, req.archive_existing_versions ?? false),
    ),
  });
  const deleteModelVersion: Handler<R['deleteModelVersion']['request']> = async (req) => {
    await versions.deleteModelVersion(req.name, req.version);
    return {};
  };
  const getModelVersionDownloadUri: Handler<R['getModelVersionDownloadUri']['request']> = async (req) => ({
    artifact_uri: await versions.getModelVersionDownloadUri(req.name, req.version),
  });
  const searchModelVersions: Handler<R['searchModelVersions']['request']> = async (req, { request }) => {
    const page = await search.searchModelVersions(req, await modelVisibility(request));
    return {
      model_versions: page.items.length > 0 ? page.items.map(presentModelVersion) : undefined,
      next_page_token: page.nextPageToken,
    };
  };
  return {
    createModelVersion,
    getModelVersion,
    updateModelVersion,
    transitionModelVersionStage,
    deleteModelVersion,
    getModelVersionDownloadUri,
    searchModelVersions,
  };
}
