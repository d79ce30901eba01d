/** Handlers of the run endpoints: decode -> service -> present. */
import type { loggedModels, tracking } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import { jsonListParts, mapChunks, StreamedJson } from '../../http/streamedJson.js';
import type { RunService } from '../service/runs.js';
import { presentMetricHistoryJson, presentRun, presentRunInfo } from '../presenters.js';
import type { DatasetInput } from '../entities.js';

type T = typeof tracking;

/** `run_id`, falling back to the deprecated `run_uuid` (run_id wins when both are given). */
function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  return req.run_id || req.run_uuid || '';
}

export function runRoutes(runs: RunService) {
  const createRun: Handler<T['createRun']['request']> = async (req) => ({ run: presentRun(await runs.createRun(req)) });
  const getRun: Handler<T['getRun']['request']> = async (req) => ({ run: presentRun(await runs.getRun(runIdOf(req))) });
  const updateRun: Handler<T['updateRun']['request']> = async (req) => ({
    run_info: presentRunInfo(await runs.updateRun(runIdOf(req), req.status, req.end_time, req.run_name)),
  });
  const deleteRun: Handler<T['deleteRun']['request']> = async (req) => {
    await runs.deleteRun(req.run_id ?? '');
    return {};
  };
  const restoreRun: Handler<T['restoreRun']['request']> = async (req) => {
    await runs.restoreRun(req.run_id ?? '');
    return {};
  };
  const logMetric: Handler<T['logMetric']['request']> = async (req) => {
    await runs.logMetric(runIdOf(req), req);
    return {};
  };
  const logParam: Handler<T['logParam']['request']> = async (req) => {
    await runs.logParam(runIdOf(req), req);
    return {};
  };
  const setTag: Handler<T['setTag']['request']> = async (req) => {
    await runs.setTag(runIdOf(req), req);
    return {};
  };
  const deleteTag: Handler<T['deleteTag']['request']> = async (req) => {
    await runs.deleteTag(req.run_id ?? '', req.key ?? '');
    return {};
  };
  const logBatch: Handler<T['logBatch']['request']> = async (req) => {
    await runs.logBatch(req);
    return {};
  };
  const logModel: Handler<T['logModel']['request']> = async (req) => {
    await runs.logModel(req.run_id ?? '', req.model_json ?? '');
    return {};
  };
  const logInputs: Handler<T['logInputs']['request']> = async (req) => {
    const inputs = req.datasets.map(
      (d): DatasetInput => ({
        tags: d.tags.map((t) => ({ key: t.key as string, value: t.value as string })),
        dataset: {
          name: d.dataset?.name as string,
          digest: d.dataset?.digest as string,
          source_type: d.dataset?.source_type as string,
          source: d.dataset?.source as string,
          schema: d.dataset?.schema ?? null,
          profile: d.dataset?.profile ?? null,
        },
      }),
    );
    // `models` is decoded only at MLflow 3.x's schema (the v3 request of log-inputs)
    const models = (req as { models?: { model_id?: string }[] }).models ?? [];
    await runs.logInputs(req.run_id ?? '', inputs, models.map((m) => m.model_id ?? ''));
    return {};
  };
  const logOutputs: Handler<typeof loggedModels.logOutputs.request> = async (req) => {
    await runs.logOutputs(req.run_id ?? '', req.models.map((m) => ({ model_id: m.model_id ?? '', step: m.step ?? 0 })));
    return {};
  };
  const getMetricHistory: Handler<T['getMetricHistory']['request']> = async (req) => {
    const key = req.metric_key ?? '';
    const chunks = runs.streamMetricHistory(runIdOf(req), key);
    return new StreamedJson(jsonListParts('metrics', mapChunks(chunks, (c) => c.json ?? presentMetricHistoryJson(key, c.points))));
  };
  return {
    createRun,
    getRun,
    updateRun,
    deleteRun,
    restoreRun,
    logMetric,
    logParam,
    setTag,
    deleteTag,
    logBatch,
    logModel,
    logInputs,
    logOutputs,
    getMetricHistory,
  };
}
