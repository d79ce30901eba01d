/** Sends a contract endpoint: method and path from the catalogue, GET as a query string, others as JSON. */
import type { Endpoint } from '@darwin-mlflow/contract';
import type { HttpTransport, Query } from './http.js';

/** POST and PATCH endpoints whose repetition leaves the same state, so 5xx answers are retried. */
const IDEMPOTENT = new Set([
  'searchExperiments',
  'searchRuns',
  'getLatestVersions',
  'updateExperiment',
  'deleteExperiment',
  'restoreExperiment',
  'setExperimentTag',
  'updateRun',
  'deleteRun',
  'restoreRun',
  // Metrics are keyed by (key, timestamp, step, value): logging the same point twice stores it once.
  'logMetric',
  'logParam',
  'logBatch',
  'setTag',
  'deleteTag',
  'logInputs',
  'updateRegisteredModel',
  'updateModelVersion',
  'setRegisteredModelTag',
  'setModelVersionTag',
  'setRegisteredModelAlias',
  'transitionModelVersionStage',
]);

export class Api {
  constructor(readonly transport: HttpTransport) {}

  call<T>(ep: Endpoint, request: object = {}): Promise<T> {
    const method = ep.methods[0] ?? 'GET';
    const path = `/api/2.0${ep.path}`;
    const idempotent = method === 'GET' || method === 'DELETE' || IDEMPOTENT.has(ep.name);
    if (method === 'GET') return this.transport.json<T>({ method, path, query: toQuery(request), idempotent });
    return this.transport.json<T>({ method, path, json: request, idempotent });
  }

  /** A non-catalogue JSON route (auth, /v1), relative to the tracking URI. */
  raw<T>(method: string, path: string, options: { query?: Query; json?: unknown; idempotent?: boolean } = {}): Promise<T> {
    const idempotent = options.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    return this.transport.json<T>({ method, path, query: options.query, json: options.json, idempotent });
  }
}

function toQuery(request: object): Query {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(request)) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}
