/** Handlers of the registered-model endpoints: decode -> service -> present. */
import { modelVisibility } from '../../auth/requestAuth.js';
import type { registry } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { RegisteredModelService } from '../service/registeredModels.js';
import type { RegistrySearchService } from '../service/search.js';
import { presentModelVersion, presentRegisteredModel } from '../presenters.js';

type R = typeof registry;

export function registeredModelRoutes(models: RegisteredModelService, search: RegistrySearchService) {
  const createRegisteredModel: Handler<R['createRegisteredModel']['request']> = async (req) => ({
    registered_model: presentRegisteredModel(await models.createRegisteredModel(req.name, req.tags, req.description)),
  });
  const getRegisteredModel: Handler<R['getRegisteredModel']['request']> = async (req) => ({
    registered_model: presentRegisteredModel(await models.getRegisteredModel(req.name)),
  });
  const updateRegisteredModel: Handler<R['updateRegisteredModel']['request']> = async (req) => ({
    registered_model: presentRegisteredModel(await models.updateRegisteredModel(req.name, req.description)),
  });
  const renameRegisteredModel: Handler<R['renameRegisteredModel']['request']> = async (req) => ({
    registered_model: presentRegisteredModel(await models.renameRegisteredModel(req.name, req.new_name)),
  });
  const deleteRegisteredModel: Handler<R['deleteRegisteredModel']['request']> = async (req) => {
    await models.deleteRegisteredModel(req.name);
    return {};
  };
  const getLatestVersions: Handler<R['getLatestVersions']['request']> = async (req) => {
    const versions = await models.getLatestVersions(req.name, req.stages);
    return { model_versions: versions.length > 0 ? versions.map(presentModelVersion) : undefined };
  };
  const searchRegisteredModels: Handler<R['searchRegisteredModels']['request']> = async (req, { request }) => {
    const page = await search.searchRegisteredModels(req, await modelVisibility(request));
    return {
      registered_models: page.items.length > 0 ? page.items.map(presentRegisteredModel) : undefined,
      next_page_token: page.nextPageToken,
    };
  };
  return {
    createRegisteredModel,
    getRegisteredModel,
    updateRegisteredModel,
    renameRegisteredModel,
    deleteRegisteredModel,
    getLatestVersions,
    searchRegisteredModels,
  };
}
