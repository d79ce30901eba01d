/**
 * The UI-only ajax routes: search-datasets on every test database, and gateway-proxy against a
 * real local HTTP server standing in for an MLflow Deployments server.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import { GatewayProxyService } from '../../src/tracking/service/gatewayProxy.js';
import { testDialects } from '../support/databases.js';
import type { TestDialect } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const SEARCH = `${AJAX}/experiments/search-datasets`;
const PROXY = `${AJAX}/gateway-proxy`;

describe.each(testDialects())('ajax search-datasets on $dialect', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'ajax_datasets');
  });
  afterAll(async () => server?.close());

  async function experiment(name: string): Promise<string> {
    return (await call(server.app, 'POST', `${API}/experiments/create`, { name })).body.experiment_id;
  }

  async function run(experimentId: string): Promise<string> {
    return (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId })).body.run.info.run_id;
  }

  function dataset(name: string, digest: string, context?: string) {
    return {
      tags: context === undefined ? [] : [{ key: 'mlflow.data.context', value: context }],
      dataset: { name, digest, source_type: 'local', source: `/data/${name}` },
    };
  }

  async function logInputs(runId: string, datasets: unknown[]) {
    const res = await call(server.app, 'POST', `${API}/runs/log-inputs`, { run_id: runId, datasets });
    expect(res.status).toBe(200);
  }

  function search(body: unknown) {
    return call(server.app, 'POST', SEARCH, body);
  }

  type Summary = { context: string | null; digest: string; experiment_id: string; name: string };
  const sorted = (summaries: Summary[]) =>
    [...summaries].sort((a, b) => `${a.experiment_id}/${a.name}/${a.context}`.localeCompare(`${b.experiment_id}/${b.name}/${b.context}`));

  it('answers as MLflow for one tagged dataset, with jsonify key order', async () => {
    const exp = await experiment('datasets-recorded');
    await logInputs(await run(exp), [dataset('name1', 'digest1', 'training')]);
    const res = await server.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ experiment_ids: [exp] }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toBe(`{"dataset_summaries":[{"context":"training","digest":"digest1","experiment_id":"${exp}","name":"name1"}]}`);
  });

  it('returns distinct (experiment, name, digest, context) of the requested experiments', async () => {
    const exp1 = await experiment('datasets-1');
    const exp2 = await experiment('datasets-2');
    const [r1, r2, r3, r4] = [await run(exp1), await run(exp1), await run(exp1), await run(exp2)];
    await logInputs(r1 as string, [dataset('d1', 'g1', 'training')]);
    await logInputs(r2 as string, [dataset('d1', 'g1', 'training'), dataset('d2', 'g2')]);
    await logInputs(r3 as string, [dataset('d1', 'g1', 'eval')]);
    await logInputs(r4 as string, [dataset('d3', 'g3', 'test')]);

    const one = await search({ experiment_ids: [exp1] });
    expect(one.status).toBe(200);
    expect(sorted(one.body.dataset_summaries)).toEqual([
      { context: 'eval', digest: 'g1', experiment_id: exp1, name: 'd1' },
      { context: 'training', digest: 'g1', experiment_id: exp1, name: 'd1' },
      { context: null, digest: 'g2', experiment_id: exp1, name: 'd2' },
    ]);
    const both = await search({ experiment_ids: [exp1, exp2] });
    expect(both.body.dataset_summaries).toHaveLength(4);
    // experiment ids as JSON numbers work too, as with SQLAlchemy
    const numeric = await search({ experiment_ids: [Number(exp2)] });
    expect(numeric.body.dataset_summaries).toEqual([{ context: 'test', digest: 'g3', experiment_id: exp2, name: 'd3' }]);
    expect((await search({ experiment_ids: ['abc', '99999'] })).body).toEqual({ dataset_summaries: [] });
  });

  it('returns at most 1000 summaries', async () => {
    const exp = await experiment('datasets-many');
    const runId = await run(exp);
    const all = Array.from({ length: 1001 }, (_, i) => dataset(`many-${i}`, `digest-${i}`));
    await logInputs(runId, all.slice(0, 600));
    await logInputs(runId, all.slice(600));
    const res = await search({ experiment_ids: [exp] });
    expect(res.body.dataset_summaries).toHaveLength(1000);
  });

  it('rejects invalid requests with MLflow messages', async () => {
    const atLeastOne = 'SearchDatasets request must specify at least one experiment_id.';
    const cases: [unknown, string][] = [
      [{}, atLeastOne],
      [{ experiment_ids: [] }, atLeastOne],
      [{ experiment_ids: null }, atLeastOne],
      [
        { experiment_ids: Array.from({ length: 21 }, (_, i) => `id_${i}`) },
        'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
      ],
      [{ experiment_ids: '1' }, "Invalid value '1' for parameter 'experiment_ids' supplied: it must be a list of experiment ids (strings)."],
      [{ experiment_ids: [null] }, "Invalid value [None] for parameter 'experiment_ids' supplied: it must be a list of experiment ids (strings)."],
    ];
    for (const [body, message] of cases) {
      const res = await search(body);
      expect({ body, status: res.status, res: res.body }).toEqual({ body, status: 400, res: { error_code: 'INVALID_PARAMETER_VALUE', message } });
    }
  });

  it('applies the JSON content-type rule and exists only as an ajax POST', async () => {
    const missing = await server.app.inject({ method: 'POST', url: SEARCH, payload: '{"experiment_ids": ["0"]}' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body)).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Bad Request. Content-Type header is missing.' });
    const wrong = await server.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { 'content-type': 'text/plain' },
      payload: '{"experiment_ids": ["0"]}',
    });
    expect(JSON.parse(wrong.body).message).toBe("Bad Request. Content-Type must be one of ['application/json'].");
    const malformed = await call(server.app, 'POST', SEARCH, '{"experiment_ids": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await call(server.app, 'GET', SEARCH)).status).toBe(405);
    expect((await call(server.app, 'POST', `${API}/experiments/search-datasets`, { experiment_ids: ['0'] })).status).toBe(404);
  });
});

/** A stand-in Deployments server; records what it receives. */
interface Upstream {
  url: string;
  received: { method: string; url: string; contentType: string | undefined; body: string }[];
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      switch (req.url) {
        case '/gw/api/2.0/endpoints/':
          return json(200, { next_page_token: null, endpoints: [{ name: 'chat', endpoint_type: 'llm/v1/chat' }] });
        case '/gw/endpoints/chat/invocations':
          return json(200, { z: 1, echo: body === '' ? null : JSON.parse(body), a: { y: 2, b: 3 } });
        case '/gw/text':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('not json');
        case '/gw/redirect':
          return res.writeHead(302, { location: 'http://example.com/' }).end();
        case '/gw/big':
          return json(200, { data: 'x'.repeat(100) });
        case '/gw/hang':
          return undefined; // never answers
        default:
          return res.writeHead(404, { 'content-type': 'text/plain' }).end('no such endpoint');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function startAppWithEnv(dialect: TestDialect, env: Record<string, string>): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const database = await dialect.create('ajax_gateway');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-artifacts-'));
  const config = loadServerConfig(['--backend-store-uri', database.uri, '--default-artifact-root', root], env, root);
  const app = await buildApp(config);
  return {
    app,
    async close() {
      await app.close();
      await database.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

// The proxy touches no database: one dialect is enough.
const [firstDialect] = testDialects();

describe('ajax gateway-proxy', () => {
  let upstream: Upstream;
  let withTarget: { app: FastifyInstance; close(): Promise<void> };
  let withoutTarget: { app: FastifyInstance; close(): Promise<void> };

  beforeAll(async () => {
    upstream = await startUpstream();
    const dialect = firstDialect as TestDialect;
    withTarget = await startAppWithEnv(dialect, { MLFLOW_DEPLOYMENTS_TARGET: `${upstream.url}/gw/` });
    withoutTarget = await startAppWithEnv(dialect, {});
  });
  afterAll(async () => {
    await withTarget?.close();
    await withoutTarget?.close();
    await upstream?.close();
  });

  it('pretends an empty gateway when no target is configured, whatever the request', async () => {
    expect((await call(withoutTarget.app, 'GET', PROXY)).body).toEqual({ endpoints: [] });
    expect((await call(withoutTarget.app, 'POST', PROXY, { gateway_path: 'x' })).body).toEqual({ endpoints: [] });
    const plain = await withoutTarget.app.inject({ method: 'POST', url: PROXY, payload: 'anything' });
    expect(JSON.parse(plain.body)).toEqual({ endpoints: [] });
  });

  it('forwards GET with the gateway_path below the target and sorts keys as jsonify', async () => {
    const res = await withTarget.app.inject({ method: 'GET', url: `${PROXY}?gateway_path=api/2.0/endpoints/` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"endpoints":[{"endpoint_type":"llm/v1/chat","name":"chat"}],"next_page_token":null}');
    expect(upstream.received.at(-1)).toMatchObject({ method: 'GET', url: '/gw/api/2.0/endpoints/', body: '' });
  });

  it('forwards POST with json_data as a JSON body', async () => {
    const res = await call(withTarget.app, 'POST', PROXY, {
      gateway_path: 'endpoints/chat/invocations',
      json_data: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ a: { b: 3, y: 2 }, echo: { messages: [{ role: 'user', content: 'hi' }] }, z: 1 });
    expect(upstream.received.at(-1)).toMatchObject({ method: 'POST', url: '/gw/endpoints/chat/invocations', contentType: 'application/json' });
    const noData = await call(withTarget.app, 'POST', PROXY, { gateway_path: 'endpoints/chat/invocations' });
    expect(noData.body.echo).toBeNull();
  });

  it('requires a gateway_path (MLflow message) and a JSON content type for POST', async () => {
    const res = await call(withTarget.app, 'POST', PROXY, {});
    expect(res).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Deployments proxy request must specify a gateway_path.' },
    });
    expect((await call(withTarget.app, 'GET', PROXY)).body.message).toBe('Deployments proxy request must specify a gateway_path.');
    const plain = await withTarget.app.inject({ method: 'POST', url: PROXY, payload: '{"gateway_path": "x"}' });
    expect(JSON.parse(plain.body).message).toBe('Bad Request. Content-Type header is missing.');
    expect((await call(withTarget.app, 'POST', PROXY, { gateway_path: 5 })).status).toBe(400);
  });

  it('refuses paths that would leave the target, without sending anything', async () => {
    const before = upstream.received.length;
    const paths = [
      '../secret',
      'a/../../secret',
      '%2e%2e/secret',
      '%252e%252e/secret',
      './x',
      'http://evil.example/x',
      'javascript:alert(1)',
      '//evil.example/x',
      '/abs',
      'a\\..\\..\\b',
      'a%5c..%5cb',
      'a#frag',
      'a%00b',
    ];
    for (const p of paths) {
      const res = await call(withTarget.app, 'POST', PROXY, { gateway_path: p });
      expect({ p, status: res.status, code: res.body.error_code }).toEqual({ p, status: 400, code: 'INVALID_PARAMETER_VALUE' });
    }
    const viaQuery = await call(withTarget.app, 'GET', `${PROXY}?gateway_path=${encodeURIComponent('../x')}`);
    expect(viaQuery.status).toBe(400);
    expect(upstream.received.length).toBe(before);
  });

  it('answers 502 for upstream errors, non-JSON answers and redirects', async () => {
    const missing = await call(withTarget.app, 'GET', `${PROXY}?gateway_path=nope`);
    expect(missing).toMatchObject({
      status: 502,
      body: { error_code: 'INTERNAL_ERROR', message: 'Deployments proxy request failed with error code 404. Error message: no such endpoint' },
    });
    const text = await call(withTarget.app, 'GET', `${PROXY}?gateway_path=text`);
    expect(text.status).toBe(502);
    expect(text.body.message).toContain('did not answer with JSON');
    const redirect = await call(withTarget.app, 'GET', `${PROXY}?gateway_path=redirect`);
    expect(redirect.status).toBe(502);
    expect(redirect.body.message).toContain('error code 302');
  });

  it('answers 502 when the target cannot be reached', async () => {
    const closed = await startUpstream();
    await closed.close();
    const service = new GatewayProxyService({ target: closed.url, timeoutMs: 10_000 });
    const err = await service.proxy('GET', 'x', undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).httpStatus).toBe(502);
    expect((err as MlflowError).message).toContain('could not be reached');
  });

  it('gives up on slow or oversized answers', async () => {
    const slow = new GatewayProxyService({ target: `${upstream.url}/gw`, timeoutMs: 100 });
    const timedOut = await slow.proxy('GET', 'hang', undefined).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect((timedOut as MlflowError).httpStatus).toBe(504);
    const small = new GatewayProxyService({ target: `${upstream.url}/gw`, timeoutMs: 10_000, maxResponseBytes: 10 });
    const tooBig = await small.proxy('GET', 'big', undefined).catch((e: unknown) => e);
    expect((tooBig as MlflowError).httpStatus).toBe(502);
  });
});

describe('ajax routes in --artifacts-only mode', () => {
  let app: FastifyInstance;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-artifacts-only-'));
    app = await buildApp(loadServerConfig(['--artifacts-only', '--default-artifact-root', root], {}, root));
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('disables the tracking-backed routes as MLflow does, but not gateway-proxy', async () => {
    const bulk = await app.inject({ method: 'GET', url: `${AJAX}/metrics/get-history-bulk?run_id=a&metric_key=m` });
    expect(bulk.statusCode).toBe(503);
    expect(bulk.headers['content-type']).toMatch(/^text\/html/);
    expect(bulk.body).toBe(
      `Endpoint: ${AJAX}/metrics/get-history-bulk disabled due to the mlflow server running in \`--artifacts-only\` mode. ` +
        'To enable tracking server functionality, run `mlflow server` without `--artifacts-only`',
    );
    expect((await call(app, 'POST', SEARCH, { experiment_ids: ['0'] })).status).toBe(503);
    expect((await call(app, 'GET', PROXY)).body).toEqual({ endpoints: [] });
  });
});
