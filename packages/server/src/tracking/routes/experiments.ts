/** Handlers of the experiment endpoints: decode -> service -> present. */
import type { loggedModels, tracking } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { ExperimentService } from '../service/experiments.js';
import { presentExperiment } from '../presenters.js';

type T = typeof tracking;

export function experimentRoutes(experiments: ExperimentService) {
  const createExperiment: Handler<T['createExperiment']['request']> = async (req) => ({
    experiment_id: await experiments.createExperiment(req.name, req.artifact_location, req.tags),
  });
  const getExperiment: Handler<T['getExperiment']['request']> = async (req) => ({
    experiment: presentExperiment(await experiments.getExperiment(req.experiment_id ?? '')),
  });
  const getExperimentByName: Handler<T['getExperimentByName']['request']> = async (req) => ({
    experiment: presentExperiment(await experiments.getExperimentByName(req.experiment_name ?? '')),
  });
  const deleteExperiment: Handler<T['deleteExperiment']['request']> = async (req) => {
    await experiments.deleteExperiment(req.experiment_id ?? '');
    return {};
  };
  const restoreExperiment: Handler<T['restoreExperiment']['request']> = async (req) => {
    await experiments.restoreExperiment(req.experiment_id ?? '');
    return {};
  };
  const updateExperiment: Handler<T['updateExperiment']['request']> = async (req) => {
    if (req.new_name) await experiments.renameExperiment(req.experiment_id ?? '', req.new_name);
    return {};
  };
  const deleteExperimentTag: Handler<typeof loggedModels.deleteExperimentTag.request> = async (req) => {
    await experiments.deleteExperimentTag(req.experiment_id ?? '', req.key ?? '');
    return {};
  };
  const setExperimentTag: Handler<T['setExperimentTag']['request']> = async (req) => {
    await experiments.setExperimentTag(req.experiment_id ?? '', { key: req.key, value: req.value });
    return {};
  };
  return {
    createExperiment,
    getExperiment,
    getExperimentByName,
    deleteExperiment,
    restoreExperiment,
    updateExperiment,
    setExperimentTag,
    deleteExperimentTag,
  };
}
