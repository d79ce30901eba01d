/**
 * `--expose-prometheus`: request metrics at GET /metrics under the names MLflow's
 * prometheus_flask_exporter publishes (prefix `mlflow`, /health and /version excluded, the
 * MLflow version as a label). With --workers N the primary aggregates every worker's
 * registry, so one scrape of any worker sees the whole server.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PoolUsage } from '../db/dialects/types.js';
import { errorCodeOf } from '../errors/errorHandler.js';

const EXCLUDED = new Set(['/health', '/version', '/metrics']);
const ASK = 'darwin-mlflow:metrics?';
const ANSWER = 'darwin-mlflow:metrics!';

interface IpcMessage {
  type: string;
  id: number;
  text?: string;
}

export interface ProcessGauges {
  poolUsage(): PoolUsage;
  /** Write transactions retried after a deadlock or lock wait since start (Database.writeRetries). */
  writeRetries(): number;
}

/** Artifact transfers, by URL: the proxy, run artifacts and model-version files. */
const ARTIFACT_ROUTE = /\/mlflow-artifacts\/|\/get-artifact(\?|$)|\/upload-artifact(\?|$)/;

export function installPrometheus(app: FastifyInstance, version: string, directory: string, gauges: ProcessGauges): void {
  // MLflow keeps multiprocess files there; we only create it so existing deployments are unchanged
  fs.mkdirSync(directory, { recursive: true });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mlflow_' });
  // what prom-client's cluster support collects from this worker for the primary
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries([registry]);
    // constructing one installs prom-client's listener that answers the primary
    new AggregatorRegistry();
  }
  const labels = ['method', 'status', 'mlflow_version'] as const;
  const duration = new Histogram({ name: 'mlflow_http_request_duration_seconds', help: 'Flask HTTP request duration in seconds', labelNames: labels, registers: [registry] });
  const total = new Counter({ name: 'mlflow_http_request_total', help: 'Total number of HTTP requests', labelNames: ['method', 'status'], registers: [registry] });
  const exceptions = new Counter({ name: 'mlflow_http_request_exceptions_total', help: 'Total number of HTTP requests which resulted in an exception', labelNames: ['method', 'status'], registers: [registry] });

  installDarwinMetrics(app, registry, gauges);

  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (EXCLUDED.has(path)) return;
    const status = String(reply.statusCode);
    duration.observe({ method: request.method, status, mlflow_version: version }, reply.elapsedTime / 1000);
    total.inc({ method: request.method, status });
    if (reply.statusCode >= 500) exceptions.inc({ method: request.method, status });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = cluster.isWorker ? await askPrimary() : await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}

/**
 * Ours, beside MLflow's: latency per route pattern, error responses by MLflow error code,
 * database pool use, write transactions retried, and artifact bytes in and out (bytes on the connection since its previous
 * response, headers included; a connection serves one request at a time).
 */
function installDarwinMetrics(app: FastifyInstance, registry: Registry, gauges: ProcessGauges): void {
  const routeDuration = new Histogram({
    name: 'darwin_http_request_duration_seconds',
    help: 'Request duration by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({ name: 'darwin_http_errors_total', help: 'Error responses by MLflow error code', labelNames: ['error_code', 'status'], registers: [registry] });
  const artifactBytes = new Counter({ name: 'darwin_artifact_bytes_total', help: 'Bytes of artifact requests (in) and responses (out)', labelNames: ['direction'], registers: [registry] });
  new Gauge({
    name: 'darwin_db_pool_connections',
    help: 'Database connections of this process by state (used, idle) and callers waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const usage = gauges.poolUsage();
      this.set({ state: 'used' }, usage.used);
      this.set({ state: 'idle' }, usage.idle);
      this.set({ state: 'waiting' }, usage.waiting);
    },
  });
  let retriesSeen = 0;
  new Counter({
    name: 'darwin_db_write_retries_total',
    help: 'Write transactions run again after a transient failure (deadlock, lock wait timeout)',
    registers: [registry],
    collect() {
      const now = gauges.writeRetries();
      if (now > retriesSeen) this.inc(now - retriesSeen);
      retriesSeen = now;
    },
  });
  // a connection serves one request at a time: what it read and wrote since the previous
  // response on it belongs to this request (headers included)
  const seen = new WeakMap<object, { read: number; written: number }>();
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (!EXCLUDED.has(route)) routeDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const code = errorCodeOf(reply);
    if (code !== undefined) errors.inc({ error_code: code, status: String(reply.statusCode) });
    const socket = request.raw.socket;
    if (!socket) return;
    const before = seen.get(socket) ?? { read: 0, written: 0 };
    const now = { read: socket.bytesRead, written: socket.bytesWritten };
    seen.set(socket, now);
    if (ARTIFACT_ROUTE.test(request.url)) {
      artifactBytes.inc({ direction: 'in' }, Math.max(0, now.read - before.read));
      artifactBytes.inc({ direction: 'out' }, Math.max(0, now.written - before.written));
    }
  });
}

let nextId = 0;

/** A worker asks the primary for the aggregate of all workers' registries. */
function askPrimary(): Promise<string> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('metrics aggregation timed out'));
    }, 5000);
    const onMessage = (msg: IpcMessage) => {
      if (msg?.type !== ANSWER || msg.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(msg.text ?? '');
    };
    process.on('message', onMessage);
    process.send?.({ type: ASK, id });
  });
}

/** In the primary: answer workers' requests with the cluster-wide metrics. */
export function servePrometheusAggregation(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, msg: IpcMessage) => {
    if (msg?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: msg.id, text }),
      () => worker.send({ type: ANSWER, id: msg.id, text: '' }),
    );
  });
}
