/**
 * `--expose-prometheus`: request metrics at GET /metrics under the names MLflow's
 * prometheus_flask_exporter publishes (prefix `mlflow`, /health and /version excluded, the
 * MLflow version as a label). With --workers N the primary aggregates every worker's
 * registry, so one scrape of any worker sees the whole server.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';

const EXCLUDED = new Set(['/health', '/version', '/metrics']);
const ASK = 'darwin-mlflow:metrics?';
const ANSWER = 'darwin-mlflow:metrics!';

interface IpcMessage {
  type: string;
  id: number;
  text?: string;
}

export function installPrometheus(app: FastifyInstance, version: string, directory: string): void {
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
