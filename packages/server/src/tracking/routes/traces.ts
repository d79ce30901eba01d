/** Handlers of MLflow 3.x's trace and assessment endpoints: decode -> service -> present. */
import type { traces } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import { experimentVisibility } from '../../auth/requestAuth.js';
import { isVisible } from '../../search/visibility.js';
import type { TraceService } from '../service/traces.js';
import { presentAssessment, presentTraceInfo } from '../tracePresenters.js';
import { presentTraceWithSpans } from '../spanPresenters.js';

type T = typeof traces;
type DeleteRequest = Parameters<TraceService['deleteTraces']>[0];

export function traceRoutes(service: TraceService) {
  const startTraceV3: Handler<T['startTraceV3']['request']> = async (req) => ({ trace: { trace_info: presentTraceInfo(await service.start(req)) } });
  const getTraceInfoV3: Handler<T['getTraceInfoV3']['request']> = async (req) => ({
    trace: { trace_info: presentTraceInfo(await service.get(req.trace_id ?? '')) },
  });
  // batch_get_traces returns the traces whose spans are all in the tracking store (sent over
  // OTLP); a client reads the others' traces.json. Unreadable experiments' traces are left out.
  const batchGetTraces: Handler<T['batchGetTraces']['request']> = async (req, { request }) => {
    const visible = await experimentVisibility(request);
    const found = await service.batchGet(req.trace_ids, (id) => isVisible(visible, id));
    return { traces: found.length > 0 ? found.map(presentTraceWithSpans) : undefined };
  };
  const searchTracesV3: Handler<T['searchTracesV3']['request']> = async (req, { request }) => {
    // traces inherit their experiment's permission: unreadable experiments are left out
    const visible = await experimentVisibility(request);
    const ids = req.locations.flatMap((l) => (l.mlflow_experiment?.experiment_id !== undefined ? [l.mlflow_experiment.experiment_id] : []));
    const { traces: found, nextPageToken } = await service.search({
      experimentIds: visible ? ids.filter((id) => isVisible(visible, id)) : ids,
      ...(req.filter ? { filter: req.filter } : {}),
      ...(req.max_results !== undefined ? { maxResults: req.max_results } : {}),
      orderBy: req.order_by,
      ...(req.page_token ? { pageToken: req.page_token } : {}),
      ...(visible ? { visible } : {}),
    });
    return { traces: found.length > 0 ? found.map(presentTraceInfo) : undefined, next_page_token: nextPageToken };
  };
  const deleteTraces: Handler<T['deleteTraces']['request']> = async (req) => ({ traces_deleted: await service.deleteTraces(req as DeleteRequest) });
  const deleteTracesV3: Handler<T['deleteTracesV3']['request']> = async (req) => ({ traces_deleted: await service.deleteTraces(req as DeleteRequest) });
  const setTraceTag: Handler<T['setTraceTag']['request']> = async (req) => {
    await service.setTag(req.request_id ?? '', req.key, req.value);
    return {};
  };
  const setTraceTagV3: Handler<T['setTraceTagV3']['request']> = async (req) => {
    await service.setTag(req.trace_id ?? '', req.key, req.value);
    return {};
  };
  const deleteTraceTag: Handler<T['deleteTraceTag']['request']> = async (req) => {
    await service.deleteTag(req.request_id ?? '', req.key ?? '');
    return {};
  };
  const deleteTraceTagV3: Handler<T['deleteTraceTagV3']['request']> = async (req) => {
    await service.deleteTag(req.trace_id ?? '', req.key ?? '');
    return {};
  };
  const linkTracesToRun: Handler<T['linkTracesToRun']['request']> = async (req) => {
    await service.linkToRun(req.trace_ids, req.run_id ?? '');
    return {};
  };
  // the trace in the path wins over the one in the body, as MLflow's handler sets it
  const createAssessment: Handler<T['createAssessment']['request']> = async (req) => ({
    assessment: presentAssessment(await service.createAssessment(req.trace_id ?? '', req.assessment ?? {})),
  });
  const getAssessment: Handler<T['getAssessment']['request']> = async (req) => ({
    assessment: presentAssessment(await service.getAssessment(req.trace_id ?? '', req.assessment_id ?? '')),
  });
  const updateAssessment: Handler<T['updateAssessment']['request']> = async (req) => ({
    assessment: presentAssessment(await service.updateAssessment(req.trace_id ?? '', req.assessment_id ?? '', req.assessment ?? {}, req.update_mask)),
  });
  const deleteAssessment: Handler<T['deleteAssessment']['request']> = async (req) => {
    await service.deleteAssessment(req.trace_id ?? '', req.assessment_id ?? '');
    return {};
  };
  return {
    startTraceV3,
    getTraceInfoV3,
    batchGetTraces,
    searchTracesV3,
    deleteTraces,
    deleteTracesV3,
    setTraceTag,
    setTraceTagV3,
    deleteTraceTag,
    deleteTraceTagV3,
    linkTracesToRun,
    createAssessment,
    getAssessment,
    updateAssessment,
    deleteAssessment,
  };
}
