import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const sqlite = testDialects().find((d) => d.dialect === 'sqlite')!;

describe('--expose-prometheus', () => {
  let server: TestServer;
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-prom-')), 'metrics');
  beforeAll(async () => {
    server = await startTestApp(sqlite, 'prometheus', ['--expose-prometheus', dir]);
  });
  afterAll(async () => server?.close());

  it("publishes request metrics under MLflow's names, leaving out /health", async () => {
    await call(server.app, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    await call(server.app, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=12345');
    await server.app.inject({ url: '/health' });
    const res = await server.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/mlflow_http_request_total\{method="GET",status="200"\} 1/);
    expect(res.body).toMatch(/mlflow_http_request_total\{method="GET",status="404"\} 1/);
    expect(res.body).toMatch(/mlflow_http_request_duration_seconds_bucket\{.*mlflow_version="2\.12\.2".*\}/);
    expect(res.body).not.toMatch(/status="200"\} 2/);
    expect(fs.existsSync(dir)).toBe(true);
  });
});

describe('without --expose-prometheus', () => {
  it('does not serve /metrics', async () => {
    const server = await startTestApp(sqlite, 'no_prometheus');
    try {
      expect((await server.app.inject({ url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
