/**
 * UI-only routes that MLflow 2.12.2 serves under `<static-prefix>/ajax-api/2.0` but that are not
 * proto RPCs (spec §2.4). They are plain Flask handlers in MLflow: they read `request.args` or
 * `request.json` themselves, with their own messages, and answer through `jsonify` (keys sorted,
 * bare JSON values). So they are described here as routes, not as proto `Endpoint`s, and the
 * server mounts them with a dedicated module instead of the proto decoder.
 *
 * `get-history-bulk-interval` is also registered by MLflow as an ajax extra, but it is the proto
 * endpoint `getMetricHistoryBulkInterval` (tracking.ts), already mounted under both families.
 */
import type { HttpMethod } from '../endpoint.js';
import type { DatasetSummary, MetricWithRunId } from '../wire.js';

export interface AjaxRoute {
  /** Name of the MLflow handler without `_handler`, camelCased. */
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  /** Path relative to `<static-prefix>/ajax-api/2.0`. */
  readonly path: string;
  readonly families: readonly ['ajax'];
  /** Answered with 503 when the server runs with `--artifacts-only` (MLflow's decorator). */
  readonly trackingOnly: boolean;
}

/** Query: `run_id` (repeated, 1–100), `metric_key` (required), `max_results` (default and cap 25000). */
export const getMetricHistoryBulk = {
  name: 'getMetricHistoryBulk',
  methods: ['GET'],
  path: '/mlflow/metrics/get-history-bulk',
  families: ['ajax'],
  trackingOnly: true,
} as const satisfies AjaxRoute;

/** JSON body `{"experiment_ids": [...]}` (1–20 ids); at most 1000 summaries. */
export const searchDatasets = {
  name: 'searchDatasets',
  methods: ['POST'],
  path: '/mlflow/experiments/search-datasets',
  families: ['ajax'],
  trackingOnly: true,
} as const satisfies AjaxRoute;

/** `gateway_path` (+ `json_data` for POST) forwarded to MLFLOW_DEPLOYMENTS_TARGET. */
export const gatewayProxy = {
  name: 'gatewayProxy',
  methods: ['GET', 'POST'],
  path: '/mlflow/gateway-proxy',
  families: ['ajax'],
  trackingOnly: false,
} as const satisfies AjaxRoute;

export const AJAX_ROUTES: readonly AjaxRoute[] = [getMetricHistoryBulk, searchDatasets, gatewayProxy];

/**
 * One point of `get-history-bulk`. Keys are in jsonify's (alphabetical) order. A NaN value is
 * the string "NaN" as in every proto response: MLflow would write a bare `NaN`, which neither
 * `JSON.parse` nor the MLflow UI's strict json-bigint parser accepts.
 */
export type BulkMetric = Pick<MetricWithRunId, 'key' | 'run_id' | 'step' | 'timestamp' | 'value'>;

export interface GetMetricHistoryBulkResponse {
  metrics: BulkMetric[];
}

export interface SearchDatasetsRequest {
  experiment_ids: string[];
}

export interface SearchDatasetsResponse {
  /** `context` is null when the input has no `mlflow.data.context` tag. */
  dataset_summaries: Required<DatasetSummary>[];
}

export interface GatewayProxyRequest {
  /** Path below the deployments target, e.g. `api/2.0/endpoints/`. */
  gateway_path: string;
  /** JSON body to send upstream (POST only). */
  json_data?: unknown;
}
