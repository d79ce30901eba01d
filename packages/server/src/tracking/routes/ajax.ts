/**
 * The UI-only routes of MLflow 2.12.2 that are not proto RPCs (spec §2.4): get-history-bulk,
 * search-datasets and gateway-proxy, under `<static-prefix>/ajax-api/2.0` only.
 *
 * They are mounted here rather than through the proto catalogue because MLflow's handlers read
 * `request.args` / `request.json` directly with their own messages (no proto decoding, no
 * handler schema) and answer with jsonify. The transport helpers of http/mount.ts still give
 * them MLflow's content-type rule, JSON body parsing, 405 handling and the error envelope.
 */
import { AJAX_ROUTES } from '@darwin-mlflow/contract';
import type { AjaxRoute, HttpMethod } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { encodeJson } from '../../http/json.js';
import { checkJsonContentType, familyPrefix, mountMethodNotAllowed, parseBody } from '../../http/mount.js';
import { presentBulkMetric, presentDatasetSummary, sortKeysDeep } from '../ajaxPresenters.js';
import type { DatasetSummaryService } from '../service/datasetSummaries.js';
import type { GatewayProxyService } from '../service/gatewayProxy.js';
import type { MetricService } from '../service/metrics.js';
import { requestArgs } from './metrics.js';

export interface AjaxServices {
  readonly metrics: MetricService;
  readonly datasetSummaries: DatasetSummaryService;
  readonly gatewayProxy: GatewayProxyService;
}

export interface AjaxMountOptions {
  readonly staticPrefix: string;
  /** `--artifacts-only`: the tracking-backed routes answer 503 as MLflow's decorator does. */
  readonly artifactsOnly: boolean;
}

type AjaxHandler = (request: FastifyRequest) => Promise<unknown>;

function ajaxHandlers(services: AjaxServices): Record<string, AjaxHandler> {
  return {
    async getMetricHistoryBulk(request) {
      const args = requestArgs(request);
      const points = await services.metrics.getMetricHistoryBulk({
        runIds: args.getAll('run_id'),
        metricKey: args.get('metric_key') ?? undefined,
        maxResults: args.get('max_results') ?? undefined,
      });
      return { metrics: points.map(presentBulkMetric) };
    },

    async searchDatasets(request) {
      checkJsonContentType(request);
      const body = parseBody(request.body).values;
      const summaries = await services.datasetSummaries.searchDatasets(body.experiment_ids);
      return { dataset_summaries: summaries.map(presentDatasetSummary) };
    },

    async gatewayProxy(request) {
      // MLflow answers before looking at the request when no target is configured.
      if (!services.gatewayProxy.enabled) return { endpoints: [] };
      let gatewayPath: unknown;
      let jsonData: unknown;
      if (request.method === 'GET') {
        const args = requestArgs(request);
        gatewayPath = args.get('gateway_path') ?? undefined;
        jsonData = args.get('json_data') ?? undefined;
      } else {
        checkJsonContentType(request);
        const body = parseBody(request.body).values;
        gatewayPath = body.gateway_path;
        jsonData = body.json_data;
      }
      const method = request.method === 'GET' ? 'GET' : 'POST';
      return sortKeysDeep(await services.gatewayProxy.proxy(method, gatewayPath, jsonData));
    },
  };
}

export function mountAjaxRoutes(app: FastifyInstance, services: AjaxServices, options: AjaxMountOptions): void {
  const handlers = ajaxHandlers(services);
  const methodsByUrl = new Map<string, Set<HttpMethod>>();
  for (const route of AJAX_ROUTES) {
    const handler = handlers[route.name];
    if (!handler) throw new Error(`No handler for ajax route ${route.name}`);
    const url = familyPrefix('ajax', options.staticPrefix) + route.path;
    methodsByUrl.set(url, new Set(route.methods));
    app.route({
      method: [...route.methods],
      url,
      handler: async (request, reply) => {
        const disabled = disabledReason(route, url, options);
        if (disabled) return reply.status(503).type('text/html; charset=utf-8').send(disabled);
        const result = await handler(request);
        return reply.type('application/json').send(encodeJson(result));
      },
    });
  }
  mountMethodNotAllowed(app, methodsByUrl);
}

function disabledReason(route: AjaxRoute, url: string, options: AjaxMountOptions): string | undefined {
  if (!route.trackingOnly || !options.artifactsOnly) return undefined;
  return (
    `Endpoint: ${url} disabled due to the mlflow server running in \`--artifacts-only\` mode. ` +
    'To enable tracking server functionality, run `mlflow server` without `--artifacts-only`'
  );
}
