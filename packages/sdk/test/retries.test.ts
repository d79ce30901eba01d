/** Retries, backoff and timeouts through a real HTTP fault proxy in front of a real server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, HttpTransport, MlflowClient, ServerError, TimeoutError, loadClientConfig, retryAfterMs } from '../src/index.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';
import { startFaultProxy } from './support/faultProxy.js';
import type { FaultProxy } from './support/faultProxy.js';

const [sqlite] = testDialects();

describe('retries through a fault proxy', () => {
  let server: SdkTestServer;
  let proxy: FaultProxy;
  let client: MlflowClient;

  beforeAll(async () => {
    server = await startServer(sqlite!, 'sdk_retries');
    proxy = await startFaultProxy(server.url);
    client = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 3, backoffFactor: 0.01, backoffJitter: 0.01 });
  });
  afterAll(async () => {
    await client?.close();
    await proxy?.close();
    await server?.close();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    proxy.match(/.*/);
  });

  it('retries a read on 503 until the server answers', async () => {
    proxy.script({ kind: 'status', status: 503 }, { kind: 'status', status: 502, body: 'bad gateway' });
    expect((await client.experiments.get('0')).name).toBe('Default');
    expect(proxy.seen.map((r) => r.url.split('?')[0])).toEqual(Array(3).fill('/api/2.0/mlflow/experiments/get'));
  });

  it('gives up after maxRetries and throws the last answer as a typed error', async () => {
    proxy.script(...Array(4).fill({ kind: 'status', status: 500, body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'still broken' }) }));
    const err = await client.experiments.get('0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, message: 'still broken' });
    expect(proxy.seen).toHaveLength(4);
  });

  it('does not repeat a non-idempotent create on 5xx', async () => {
    proxy.script({ kind: 'status', status: 503 });
    await expect(client.experiments.create('once-only')).rejects.toMatchObject({ status: 503, code: 'TEMPORARILY_UNAVAILABLE' });
    expect(proxy.seen).toHaveLength(1);
  });

  it('repeats any call on 429, the server having done nothing', async () => {
    proxy.script({ kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: JSON.stringify({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }) });
    const id = await client.experiments.create('after-429');
    expect((await client.experiments.get(id)).name).toBe('after-429');
    expect(proxy.seen.filter((r) => r.url === '/api/2.0/mlflow/experiments/create')).toHaveLength(2);
  });

  it('retries an idempotent call whose connection dropped, not a create', async () => {
    proxy.script({ kind: 'drop' });
    expect((await client.experiments.getByName('Default')).experiment_id).toBe('0');
    expect(proxy.seen).toHaveLength(2);
    proxy.seen.length = 0;
    proxy.script({ kind: 'drop' });
    const err = await client.experiments.create('dropped').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(proxy.seen).toHaveLength(1);
  });

  it('retries log-batch on 503 and stores the values once', async () => {
    const run = await client.runs.create({ experiment_id: '0' });
    proxy.match(/log-batch/);
    proxy.script({ kind: 'status', status: 503 });
    await client.runs.logBatch(run.info.run_id, { metrics: [{ key: 'm', value: 1, step: 0, timestamp: 5 }], params: [{ key: 'p', value: 'v' }] });
    expect(proxy.seen.filter((r) => r.url.endsWith('log-batch'))).toHaveLength(2);
    expect(await client.metrics.history(run.info.run_id, 'm').toArray()).toHaveLength(1);
  });

  it('times out a request that gets no answer', async () => {
    const impatient = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 1, backoffFactor: 0, backoffJitter: 0, timeoutSeconds: 0.2 });
    proxy.script({ kind: 'hang' }, { kind: 'hang' });
    const err = await impatient.experiments.get('0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(proxy.seen).toHaveLength(2);
    await impatient.close();
  });
});

describe('backoff and Retry-After', () => {
  let server: http.Server;
  let url: string;
  let answers: { status: number; headers?: Record<string, string> }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      const a = answers.shift() ?? { status: 200 };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.status === 200 ? '{"ok":true}' : '{"error_code":"RESOURCE_EXHAUSTED","message":"x"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function transport(waits: number[], options: { maxRetries?: number; backoffFactor?: number; backoffJitter?: number } = {}) {
    const config = loadClientConfig({ trackingUri: url, maxRetries: 4, backoffFactor: 2, backoffJitter: 0, ...options }, {});
    return new HttpTransport(config, async (ms) => {
      waits.push(ms);
    });
  }

  it('waits what Retry-After says (seconds or HTTP date)', async () => {
    const waits: number[] = [];
    answers = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }];
    expect(await transport(waits).json({ method: 'GET', path: '/x', idempotent: true })).toEqual({ ok: true });
    expect(waits[0]).toBe(7000);
    expect(waits[1]).toBeGreaterThan(50_000);
    expect(waits[1]).toBeLessThanOrEqual(60_000);
  });

  it('backs off exponentially with jitter when no Retry-After is given', async () => {
    const waits: number[] = [];
    answers = [{ status: 503 }, { status: 503 }, { status: 503 }];
    await transport(waits, { backoffJitter: 0.5 }).json({ method: 'GET', path: '/x', idempotent: true });
    expect(waits).toHaveLength(3);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(2000 * 2 ** i);
      expect(w).toBeLessThan(2000 * 2 ** i + 500);
    });
  });

  it('parses Retry-After values', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs('99999')).toBe(120_000);
  });

  it('reports an unreachable server as a ConnectionError after retrying', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const waits: number[] = [];
    const config = loadClientConfig({ trackingUri: `http://127.0.0.1:${port}`, maxRetries: 2, backoffFactor: 0, backoffJitter: 0 }, {});
    const t = new HttpTransport(config, async (ms) => {
      waits.push(ms);
    });
    const err = await t.json({ method: 'POST', path: '/api/2.0/mlflow/runs/create', json: {}, idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain('Check MLFLOW_TRACKING_URI');
    // Refused connections never reached a server: even a create is retried.
    expect(waits).toHaveLength(2);
  });
});
