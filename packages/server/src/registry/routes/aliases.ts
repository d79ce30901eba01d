/** Handlers of the registered-model alias endpoints (one path, three methods). */
import type { registry } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { AliasService } from '../service/aliases.js';
import { presentModelVersion } from '../presenters.js';

type R = typeof registry;

export function aliasRoutes(aliases: AliasService) {
  const setRegisteredModelAlias: Handler<R['setRegisteredModelAlias']['request']> = async (req) => {
    await aliases.setRegisteredModelAlias(req.name, req.alias, req.version);
    return {};
  };
  const deleteRegisteredModelAlias: Handler<R['deleteRegisteredModelAlias']['request']> = async (req) => {
    await aliases.deleteRegisteredModelAlias(req.name, req.alias);
    return {};
  };
  const getModelVersionByAlias: Handler<R['getModelVersionByAlias']['request']> = async (req) => ({
    model_version: presentModelVersion(await aliases.getModelVersionByAlias(req.name, req.alias)),
  });
  return { setRegisteredModelAlias, deleteRegisteredModelAlias, getModelVersionByAlias };
}
