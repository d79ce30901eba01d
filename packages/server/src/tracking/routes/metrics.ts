/** Handler of the proto endpoint get-history-bulk-interval: decode -> service -> present. */
import type { tracking } from '@darwin-mlflow/contract';
import type { FastifyRequest } from 'fastify';
import type { Handler } from '../../http/mount.js';
import { presentMetricWithRunId } from '../ajaxPresenters.js';
import type { MetricService } from '../service/metrics.js';
import { encodeJson } from '../../http/json.js';
import { jsonListParts, mapChunks, StreamedJson } from '../../http/streamedJson.js';

type T = typeof tracking;

/**
 * The request's query arguments as Flask's `request.args` sees them (first value of a key).
 * MLflow reads start_step, end_step and max_results there rather than from the decoded message
 * (whose int32 fields default to 0), so a JSON body never sets them.
 */
export function requestArgs(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q >= 0 ? request.url.slice(q + 1) : '');
}

function arg(args: URLSearchParams, name: string): string | undefined {
  return args.get(name) ?? undefined;
}

export function metricRoutes(metrics: MetricService) {
  const getMetricHistoryBulkInterval: Handler<T['getMetricHistoryBulkInterval']['request']> = async (req, { request }) => {
    const args = requestArgs(request);
    const runs = metrics.streamMetricHistoryBulkInterval({
      runIds: req.run_ids,
      metricKey: req.metric_key ?? '',
      startStep: arg(args, 'start_step'),
      endStep: arg(args, 'end_step'),
      maxResults: arg(args, 'max_results'),
    });
    return new StreamedJson(jsonListParts('metrics', mapChunks(runs, (points) => points.map((m) => encodeJson(presentMetricWithRunId(m))))));
  };
  return { getMetricHistoryBulkInterval };
}
