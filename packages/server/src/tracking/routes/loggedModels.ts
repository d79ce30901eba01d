/** Handlers of MLflow 3.x's logged-model endpoints: decode -> service -> present. */
import type { loggedModels } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import { experimentVisibility } from '../../auth/requestAuth.js';
import type { LoggedModelService } from '../service/loggedModels.js';
import type { ArtifactService } from '../../artifacts/service/artifacts.js';
import { presentFileInfo } from '../../artifacts/routes/presenters.js';
import { presentLoggedModel } from '../loggedModelPresenters.js';

type T = typeof loggedModels;

export function loggedModelRoutes(models: LoggedModelService, artifacts: ArtifactService) {
  const createLoggedModel: Handler<T['createLoggedModel']['request']> = async (req) => ({ model: presentLoggedModel(await models.create(req)) });
  const getLoggedModel: Handler<T['getLoggedModel']['request']> = async (req) => ({ model: presentLoggedModel(await models.get(req.model_id ?? '')) });
  const finalizeLoggedModel: Handler<T['finalizeLoggedModel']['request']> = async (req) => ({
    model: presentLoggedModel(await models.finalize(req.model_id ?? '', req.status)),
  });
  const deleteLoggedModel: Handler<T['deleteLoggedModel']['request']> = async (req) => {
    await models.delete(req.model_id ?? '');
    return {};
  };
  const searchLoggedModels: Handler<T['searchLoggedModels']['request']> = async (req, { request }) => {
    // models inherit their experiment's permission: unreadable ones are left out in SQL, with
    // page tokens as MLflow's basic-auth hands them out (offsets over the unfiltered search)
    const { models: found, nextPageToken } = await models.search(req, await experimentVisibility(request));
    return { models: found.length > 0 ? found.map(presentLoggedModel) : undefined, next_page_token: nextPageToken };
  };
  // MLflow answers an empty message here, not the model its proto declares.
  const setLoggedModelTags: Handler<T['setLoggedModelTags']['request']> = async (req) => {
    await models.setTags(req.model_id ?? '', req.tags);
    return {};
  };
  const deleteLoggedModelTag: Handler<T['deleteLoggedModelTag']['request']> = async (req) => {
    await models.deleteTag(req.model_id ?? '', req.tag_key ?? '');
    return {};
  };
  const logLoggedModelParams: Handler<T['logLoggedModelParams']['request']> = async (req) => {
    await models.logParams(req.model_id ?? '', req.params);
    return {};
  };
  const listLoggedModelArtifacts: Handler<T['listLoggedModelArtifacts']['request']> = async (req) => {
    const model = await models.get(req.model_id ?? '');
    const files = await artifacts.listAtLocation(model.artifact_location, req.artifact_directory_path);
    return { root_uri: model.artifact_location, files: files.length > 0 ? files.map(presentFileInfo) : undefined };
  };
  return {
    createLoggedModel,
    getLoggedModel,
    finalizeLoggedModel,
    deleteLoggedModel,
    searchLoggedModels,
    setLoggedModelTags,
    deleteLoggedModelTag,
    logLoggedModelParams,
    listLoggedModelArtifacts,
  };
}
