/** Handlers of the registered-model and model-version tag endpoints. */
import type { registry } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { RegistryTagService } from '../service/tags.js';

type R = typeof registry;

export function registryTagRoutes(tags: RegistryTagService) {
  const setRegisteredModelTag: Handler<R['setRegisteredModelTag']['request']> = async (req) => {
    await tags.setRegisteredModelTag(req.name, { key: req.key, value: req.value });
    return {};
  };
  const deleteRegisteredModelTag: Handler<R['deleteRegisteredModelTag']['request']> = async (req) => {
    await tags.deleteRegisteredModelTag(req.name, req.key);
    return {};
  };
  const setModelVersionTag: Handler<R['setModelVersionTag']['request']> = async (req) => {
    await tags.setModelVersionTag(req.name, req.version, { key: req.key, value: req.value });
    return {};
  };
  const deleteModelVersionTag: Handler<R['deleteModelVersionTag']['request']> = async (req) => {
    await tags.deleteModelVersionTag(req.name, req.version, req.key);
    return {};
  };
  return { setRegisteredModelTag, deleteRegisteredModelTag, setModelVersionTag, deleteModelVersionTag };
}
