/**
 * Observability: one JSON log line per request with a request id (an incoming X-Request-Id
 * when sane, echoed back), method, route, status and duration — never headers, query strings
 * or bodies; Prometheus metrics per route, by error code, of the database pool and of
 * artifact bytes in and out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import { createLogger } from '../../src/logging/logger.js';

const API = '/api/2.0/mlflow';

describe('request logs and metrics', () => {
  let dir: string;
  let app: FastifyInstance;
  let url: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-observe-'));
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    });
    const config = loadServerConfig(
      ['--backend-store-uri', `sqlite:///${dir}/db.sqlite`, '--artifacts-destination', `${dir}/artifacts`, '--expose-prometheus', `${dir}/prom`],
      {},
      dir,
    );
    app = await buildApp(config, { logger: createLogger('info', sink) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('logs one JSON line per request with the incoming request id, and nothing secret', async () => {
    const res = await fetch(`${url}${API}/experiments/create?token=query-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42.a:b', authorization: 'Basic dXNlcjpodW50ZXIy', cookie: 'session=cookie-secret' },
      body: JSON.stringify({ name: 'body-secret-name' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42.a:b');
    const mine = records().filter((r) => r.reqId === 'req-42.a:b');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 'info', msg: 'request', method: 'POST', route: '/api/2.0/mlflow/experiments/create', status: 200 });
    expect(typeof mine[0]?.duration_ms).toBe('number');
    expect(typeof mine[0]?.time).toBe('string');
    const all = lines.join('\n');
    for (const secret of ['query-secret', 'dXNlcjpodW50ZXIy', 'hunter2', 'cookie-secret', 'body-secret-name']) expect(all).not.toContain(secret);
  });

  it('replaces an unusable X-Request-Id with a fresh one', async () => {
    const res = await fetch(`${url}${API}/experiments/get?experiment_id=0`, { headers: { 'x-request-id': 'has spaces and {json}' } });
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(records().some((r) => r.reqId === id && r.route === '/api/2.0/mlflow/experiments/get')).toBe(true);
    expect(lines.join('\n')).not.toContain('has spaces');
  });

  it('exposes latency per route, errors by code, pool use and artifact bytes', async () => {
    await fetch(`${url}${API}/experiments/get?experiment_id=0`);
    await fetch(`${url}${API}/experiments/get?experiment_id=424242`);
    const payload = Buffer.alloc(50_000, 1);
    expect((await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/m/a.bin`, { method: 'PUT', body: payload })).status).toBe(200);
    expect((await (await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/m/a.bin`)).arrayBuffer()).byteLength).toBe(50_000);
    const bytes = (text: string, direction: string) => Number(new RegExp(`darwin_artifact_bytes_total\\{direction="${direction}"\\} (\\d+)`).exec(text)?.[1]);
    // a response is counted once it has been handed to the socket (onResponse), which can come
    // after the client has read it and asked for /metrics: ask again until it is in
    let text = '';
    for (let attempt = 0; attempt < 50; attempt++) {
      text = await (await fetch(`${url}/metrics`)).text();
      if (bytes(text, 'out') >= 50_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toMatch(/darwin_http_request_duration_seconds_count\{method="GET",route="\/api\/2\.0\/mlflow\/experiments\/get",status="200"\} [1-9]/);
    expect(text).toMatch(/darwin_http_errors_total\{error_code="RESOURCE_DOES_NOT_EXIST",status="404"\} 1/);
    expect(text).toMatch(/darwin_db_pool_connections\{state="idle"\} 1/);
    expect(bytes(text, 'in')).toBeGreaterThanOrEqual(50_000);
    expect(bytes(text, 'out')).toBeGreaterThanOrEqual(50_000);
    // MLflow's own names are still there
    expect(text).toMatch(/mlflow_http_request_total\{method="GET",status="200"\}/);
  });
});

describe('request logs with authentication on', () => {
  it('name the authenticated user, never the password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-observe-auth-'));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
        done();
      },
    });
    const ini = path.join(dir, 'auth.ini');
    fs.writeFileSync(ini, `[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///${dir}/auth.db\nadmin_username = ops-admin\nadmin_password = pw-not-in-logs-1234\n`);
    const config = loadServerConfig(['--backend-store-uri', `sqlite:///${dir}/db.sqlite`, '--artifacts-destination', `${dir}/artifacts`, '--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: ini }, dir);
    const app = await buildApp(config, { logger: createLogger('info', sink), log: () => undefined });
    try {
      const res = await app.inject({
        method: 'GET',
        url: `${API}/experiments/get?experiment_id=0`,
        headers: { authorization: `Basic ${Buffer.from('ops-admin:pw-not-in-logs-1234').toString('base64')}` },
      });
      expect(res.statusCode).toBe(200);
      const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.route === '/api/2.0/mlflow/experiments/get');
      expect(line).toMatchObject({ user: 'ops-admin', status: 200 });
      expect(lines.join('\n')).not.toContain('pw-not-in-logs-1234');
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
