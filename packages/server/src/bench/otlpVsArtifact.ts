/**
 * `npm run bench:otlp`: the two ways an MLflow 3.x client stores a trace's spans on this server,
 * timed against each other on a server started for the run (SQLite by default):
 *   artifact     StartTraceV3, then PUT traces.json through the artifact proxy (3.x clients below
 *                3.4, or any 3.x client while /version answers below 3.4)
 *   otlp         one POST /v1/traces per span (the 3.4+ client exports each span as it ends),
 *                then StartTraceV3; the client then uploads no traces.json
 *   otlp_batched one POST /v1/traces with all the trace's spans, then StartTraceV3 (an OTLP
 *                exporter behind a batch span processor)
 * N traces of M spans each, C clients at once. Reported: traces/s, requests/s, and the CPU time
 * the server's process tree used per trace. Each scenario gets a fresh experiment; one trace of
 * each is read back (batchGet or traces.json) to check the spans arrived.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { parseFlags } from '../config/flags.js';
import { redact } from '../db/backendUri.js';
import { ExportTraceServiceRequestSchema } from '../tracking/otlp/generated/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { SpanSchema } from '../tracking/otlp/generated/opentelemetry/proto/trace/v1/trace_pb.js';
import { prepareBackend } from './backend.js';
import { ProcessSampler } from './processTree.js';
import { startServer } from './serverProcess.js';

type Path = 'artifact' | 'otlp' | 'otlp_batched';
const PATHS: readonly Path[] = ['artifact', 'otlp', 'otlp_batched'];

interface Options {
  traces: number;
  spans: number;
  concurrency: number;
}

interface Result {
  path: Path;
  traces: number;
  spansPerTrace: number;
  requests: number;
  seconds: number;
  tracesPerSecond: number;
  requestsPerSecond: number;
  serverCpuSeconds: number;
  serverCpuMsPerTrace: number;
  errors: number;
}

/** Keep-alive HTTP for any body and headers (the bench's JSON client sends JSON only). */
class Client {
  private readonly agent: http.Agent;
  constructor(
    private readonly base: URL,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: string, pathname: string, body?: string | Buffer, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const h = { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) };
      const req = http.request({ host: this.base.hostname, port: this.base.port, method, path: pathname, headers: h, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  json(method: string, pathname: string, value: unknown) {
    return this.send(method, pathname, JSON.stringify(value), { 'content-type': 'application/json' });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One synthetic trace, shaped like an MLflow client's: a root span and M-1 children. */
interface TraceFixture {
  traceHex: string;
  traceId: string;
  spans: Array<MessageInitShape<typeof SpanSchema>>;
  /** Span.to_dict of each span, as the client's traces.json holds them. */
  dicts: object[];
  startMs: number;
  endMs: number;
}

const PAYLOAD = 'x'.repeat(200);

function fixture(spanCount: number): TraceFixture {
  const traceHex = randomBytes(16).toString('hex');
  const traceId = `tr-${traceHex}`;
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const spans: TraceFixture['spans'] = [];
  const dicts: object[] = [];
  for (let i = 0; i < spanCount; i++) {
    const spanHex = (i + 1).toString(16).padStart(16, '0');
    const start = startNs + BigInt(i) * 1000n;
    const end = startNs + 10_000_000n - BigInt(i) * 1000n;
    const attributes: Array<[string, string]> = [
      ['mlflow.traceRequestId', traceId],
      ['mlflow.spanType', i === 0 ? 'CHAIN' : 'LLM'],
      ['mlflow.spanInputs', `{"q": "${PAYLOAD}"}`],
      ['mlflow.spanOutputs', `"${PAYLOAD}"`],
    ];
    spans.push({
      traceId: Buffer.from(traceHex, 'hex'),
      spanId: Buffer.from(spanHex, 'hex'),
      ...(i > 0 ? { parentSpanId: Buffer.from((1).toString(16).padStart(16, '0'), 'hex') } : {}),
      name: i === 0 ? 'root' : `child-${i}`,
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: attributes.map(([key, value]) => ({ key, value: { value: { case: 'stringValue', value } } })),
      status: { code: 1 },
    });
    dicts.push({
      trace_id: Buffer.from(traceHex, 'hex').toString('base64'),
      span_id: Buffer.from(spanHex, 'hex').toString('base64'),
      parent_span_id: i > 0 ? Buffer.from((1).toString(16).padStart(16, '0'), 'hex').toString('base64') : null,
      name: i === 0 ? 'root' : `child-${i}`,
      start_time_unix_nano: Number(start),
      end_time_unix_nano: Number(end),
      events: [],
      status: { code: 'STATUS_CODE_OK', message: '' },
      attributes: Object.fromEntries(attributes.map(([k, v]) => [k, JSON.stringify(v)])),
    });
  }
  return { traceHex, traceId, spans, dicts, startMs: Number(startNs / 1_000_000n), endMs: Number(startNs / 1_000_000n) + 10 };
}

function exportBody(spans: TraceFixture['spans']): Buffer {
  return Buffer.from(toBinary(ExportTraceServiceRequestSchema, create(ExportTraceServiceRequestSchema, { resourceSpans: [{ scopeSpans: [{ spans }] }] })));
}

/** StartTraceV3 as the client sends it at the end of a trace (mlflow_v3 exporter). */
function startTraceBody(experimentId: string, t: TraceFixture, spanCount: number) {
  return {
    trace: {
      trace_info: {
        trace_id: t.traceId,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        request_time: new Date(t.startMs).toISOString(),
        execution_duration: '0.010s',
        state: 'OK',
        trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.sizeStats': JSON.stringify({ num_spans: spanCount }) },
        tags: { 'mlflow.traceName': 'root' },
        request_preview: `{"q": "${PAYLOAD}"}`,
        response_preview: `"${PAYLOAD}"`,
      },
    },
  };
}

const OTLP_HEADERS = (experimentId: string) => ({ 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId });

/** The requests of one trace on one path; returns how many it sent and how many failed. */
async function logTrace(client: Client, p: Path, experimentId: string, t: TraceFixture, spanCount: number): Promise<{ requests: number; errors: number }> {
  let requests = 0;
  let errors = 0;
  const check = (r: { status: number }) => {
    requests++;
    if (r.status !== 200) errors++;
  };
  if (p === 'otlp') for (const span of t.spans.slice(1).concat(t.spans.slice(0, 1))) check(await client.send('POST', '/v1/traces', exportBody([span]), OTLP_HEADERS(experimentId)));
  if (p === 'otlp_batched') check(await client.send('POST', '/v1/traces', exportBody(t.spans), OTLP_HEADERS(experimentId)));
  const started = await client.json('POST', '/api/3.0/mlflow/traces', startTraceBody(experimentId, t, spanCount));
  check(started);
  if (p === 'artifact') {
    const url = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/traces/${t.traceId}/artifacts/traces.json`;
    check(await client.send('PUT', url, JSON.stringify({ spans: t.dicts }), { 'content-type': 'application/octet-stream' }));
  } else if (!started.body.toString('utf8').includes('"mlflow.trace.spansLocation":"TRACKING_STORE"')) {
    // the client would upload traces.json after all
    errors++;
  }
  return { requests, errors };
}

async function readBack(client: Client, p: Path, experimentId: string, t: TraceFixture, spanCount: number): Promise<string | undefined> {
  if (p === 'artifact') {
    const r = await client.send('GET', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/traces/${t.traceId}/artifacts/traces.json`);
    const n = r.status === 200 ? (JSON.parse(r.body.toString('utf8')) as { spans: unknown[] }).spans.length : 0;
    return n === spanCount ? undefined : `traces.json of ${t.traceId}: ${n} spans (status ${r.status})`;
  }
  const r = await client.send('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=${t.traceId}`);
  const n = r.status === 200 ? ((JSON.parse(r.body.toString('utf8')) as { traces?: Array<{ spans: unknown[] }> }).traces?.[0]?.spans.length ?? 0) : 0;
  return n === spanCount ? undefined : `batchGet of ${t.traceId}: ${n} spans (status ${r.status})`;
}

async function runPath(client: Client, pid: number, p: Path, o: Options, salt: string): Promise<Result> {
  const created = await client.json('POST', '/api/2.0/mlflow/experiments/create', { name: `bench-${p}-${salt}` });
  const experimentId = (JSON.parse(created.body.toString('utf8')) as { experiment_id: string }).experiment_id;
  const fixtures = Array.from({ length: o.traces }, () => fixture(o.spans));
  let next = 0;
  let requests = 0;
  let errors = 0;
  const sampler = new ProcessSampler(pid);
  sampler.start();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      for (let i = next++; i < fixtures.length; i = next++) {
        const r = await logTrace(client, p, experimentId, fixtures[i]!, o.spans);
        requests += r.requests;
        errors += r.errors;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = sampler.stop()?.cpuSeconds ?? NaN;
  const problem = await readBack(client, p, experimentId, fixtures[fixtures.length - 1]!, o.spans);
  if (problem) {
    console.error(problem);
    errors++;
  }
  return {
    path: p,
    traces: o.traces,
    spansPerTrace: o.spans,
    requests,
    seconds,
    tracesPerSecond: o.traces / seconds,
    requestsPerSecond: requests / seconds,
    serverCpuSeconds: cpu,
    serverCpuMsPerTrace: (cpu * 1000) / o.traces,
    errors,
  };
}

function table(results: readonly Result[]): string {
  const head = ['path'.padEnd(13), 'traces'.padStart(7), 'spans'.padStart(6), 'requests'.padStart(9), 'seconds'.padStart(8), 'traces/s'.padStart(9), 'req/s'.padStart(8), 'cpu s'.padStart(7), 'cpu ms/trace'.padStart(13), 'errors'.padStart(7)];
  const rows = results.map((r) =>
    [
      r.path.padEnd(13),
      String(r.traces).padStart(7),
      String(r.spansPerTrace).padStart(6),
      String(r.requests).padStart(9),
      r.seconds.toFixed(2).padStart(8),
      r.tracesPerSecond.toFixed(1).padStart(9),
      r.requestsPerSecond.toFixed(0).padStart(8),
      r.serverCpuSeconds.toFixed(2).padStart(7),
      r.serverCpuMsPerTrace.toFixed(2).padStart(13),
      String(r.errors).padStart(7),
    ].join(' '),
  );
  return [head.join(' '), ...rows].join('\n');
}

const USAGE = `Usage: npm run bench:otlp -- [options]

  --backend-store-uri URI   backend of the started server (default: SQLite in a temp dir)
  --traces N                traces per path (default 500)
  --spans M                 spans per trace (default 10)
  --concurrency C           clients at once (default 4)
  --paths a,b               subset of: ${PATHS.join(', ')}
  --json FILE               also write the results as JSON
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, problems } = parseFlags(argv, [
    { name: 'backend-store-uri', kind: 'string' },
    { name: 'traces', kind: 'string' },
    { name: 'spans', kind: 'string' },
    { name: 'concurrency', kind: 'string' },
    { name: 'paths', kind: 'string' },
    { name: 'json', kind: 'string' },
    { name: 'help', short: 'h', kind: 'boolean' },
  ]);
  const str = (k: string) => values.get(k) as string | undefined;
  const int = (k: string, d: number) => {
    const n = Number(str(k) ?? d);
    if (!Number.isInteger(n) || n < 1) problems.push(`--${k} must be a positive integer`);
    return n;
  };
  const options: Options = { traces: int('traces', 500), spans: int('spans', 10), concurrency: int('concurrency', 4) };
  const paths = (str('paths')?.split(',') ?? PATHS) as Path[];
  if (paths.some((p) => !PATHS.includes(p))) problems.push(`--paths: pick from ${PATHS.join(', ')}`);
  if (problems.length > 0 || values.get('help') === true) {
    console.error([...problems, USAGE].join('\n'));
    return problems.length > 0 ? 2 : 0;
  }
  const backend = await prepareBackend(str('backend-store-uri'));
  const destination = path.join(backend.artifactRoot, 'served');
  fs.mkdirSync(destination, { recursive: true });
  // served artifacts, as `mlflow server` runs by default: traces.json goes through the proxy
  const server = await startServer({
    backendStoreUri: backend.uri,
    artifactRoot: 'mlflow-artifacts:/',
    workers: undefined,
    nodeArgs: [],
    extraArgs: ['--artifacts-destination', destination],
  });
  const client = new Client(new URL(server.url), options.concurrency);
  try {
    console.log(`bench:otlp against ${server.url} (pid ${server.pid}), backend ${redact(backend.uri)}, ${options.traces} traces × ${options.spans} spans, ${options.concurrency} clients`);
    const results: Result[] = [];
    const salt = Date.now().toString(16);
    for (const p of paths) {
      const r = await runPath(client, server.pid, p, options, salt);
      console.log(table([r]).split('\n')[1]);
      results.push(r);
    }
    console.log(`\n${table(results)}`);
    const jsonPath = str('json');
    if (jsonPath) fs.writeFileSync(jsonPath, `${JSON.stringify({ backend: redact(backend.uri), options, results }, null, 2)}\n`);
    return results.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    client.close();
    await server.stop();
    await backend.cleanup();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
