/**
 * Handlers of MLflow 3.x's trace and assessment endpoints, and of the deprecated 2.x trace RPCs it
 * still serves: decode -> service -> present.
 */
import type { traces } from '@darwin-mlflow/contract';
import type { Handler, RequestContext } from '../../http/mount.js';
import { experimentVisibility } from '../../auth/requestAuth.js';
import { isVisible } from '../../search/visibility.js';
import type { TraceService } from '../service/traces.js';
import { wireDouble } from '../../http/json.js';
import { presentAssessment, presentTrace, presentTraceInfo, presentTraceInfoV2 } from '../tracePresenters.js';

type T = typeof traces;
type DeleteRequest = Parameters<TraceService['deleteTraces']>[0];

interface SearchRequest {
  filter?: string;
  max_results?: number;
  order_by: string[];
  page_token?: string;
}

export function traceRoutes(service: TraceService) {
  // traces inherit their experiment's permission: unreadable experiments are left out
  const search = async (experimentIds: readonly string[], req: SearchRequest, request: RequestContext['request']) => {
    const visible = await experimentVisibility(request);
    const { traces: found, nextPageToken } = await service.search({
      experimentIds: visible ? experimentIds.filter((id) => isVisible(visible, id)) : experimentIds,
      ...(req.filter ? { filter: req.filter } : {}),
      ...(req.max_results !== undefined ? { maxResults: req.max_results } : {}),
      orderBy: req.order_by,
      ...(req.page_token ? { pageToken: req.page_token } : {}),
      ...(visible ? { visible } : {}),
    });
    return { found, nextPageToken };
  };

  const startTraceV3: Handler<T['startTraceV3']['request']> = async (req) => ({ trace: { trace_info: presentTraceInfo(await service.start(req)) } });
  const getTraceInfoV3: Handler<T['getTraceInfoV3']['request']> = async (req) => ({
    trace: { trace_info: presentTraceInfo(await service.get(req.trace_id ?? '')) },
  });
  // the traces with all their spans stored (in the spans table for spans sent over OTLP, else
  // traces.json at the artifact location); traces of experiments the caller may not read are
  // left out like unknown ones
  const batchGetTraces: Handler<T['batchGetTraces']['request']> = async (req, { request }) => {
    const found = await service.batchGet(req.trace_ids, await experimentVisibility(request));
    return { traces: found.length > 0 ? found.map(presentTrace) : undefined };
  };
  const getTrace: Handler<T['getTrace']['request']> = async (req) => ({ trace: presentTrace(await service.getTrace(req.trace_id ?? '', req.allow_partial ?? false)) });
  const searchTracesV3: Handler<T['searchTracesV3']['request']> = async (req, { request }) => {
    const ids = req.locations.flatMap((l) => (l.mlflow_experiment?.experiment_id !== undefined ? [l.mlflow_experiment.experiment_id] : []));
    const { found, nextPageToken } = await search(ids, req, request);
    return { traces: found.length > 0 ? found.map(presentTraceInfo) : undefined, next_page_token: nextPageToken };
  };
  const searchTraces: Handler<T['searchTraces']['request']> = async (req, { request }) => {
    const { found, nextPageToken } = await search(req.experiment_ids, req, request);
    return { traces: found.length > 0 ? found.map(presentTraceInfoV2) : undefined, next_page_token: nextPageToken };
  };
  const startTrace: Handler<T['startTrace']['request']> = async (req) => ({ trace_info: presentTraceInfoV2(await service.startV2(req)) });
  const endTrace: Handler<T['endTrace']['request']> = async (req) => ({ trace_info: presentTraceInfoV2(await service.endV2(req)) });
  const getTraceInfo: Handler<T['getTraceInfo']['request']> = async (req) => ({ trace_info: presentTraceInfoV2(await service.get(req.request_id ?? '')) });
  const calculateTraceFilterCorrelation: Handler<T['calculateTraceFilterCorrelation']['request']> = async (req, { request }) => {
    const r = await service.filterCorrelation(req, await experimentVisibility(request));
    // TraceFilterCorrelationResult.to_proto leaves NaN values out
    return {
      npmi: Number.isNaN(r.npmi) ? undefined : wireDouble(r.npmi),
      npmi_smoothed: Number.isNaN(r.npmiSmoothed) ? undefined : wireDouble(r.npmiSmoothed),
      filter1_count: r.filter1,
      filter2_count: r.filter2,
      joint_count: r.joint,
      total_count: r.total,
    };
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
    getTrace,
    searchTracesV3,
    searchTraces,
    startTrace,
    endTrace,
    getTraceInfo,
    calculateTraceFilterCorrelation,
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
