/**
 * An acknowledged write survives `kill -9` of the server right after the response (SQLite WAL
 * with synchronous=NORMAL): the server runs as a real child process here.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/darwin-mlflow.js');
const built = fs.existsSync(path.resolve(path.dirname(bin), '../dist/cli.js'));
if (!built) console.warn('[darwin-mlflow tests] packages/server/dist is missing (run npm run build): skipping the kill -9 test.');

function startServer(dir: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  const args = [bin, 'server', '--backend-store-uri', `sqlite:///${dir}/db.sqlite`, '--default-artifact-root', `${dir}/artifacts`, '--port', String(port), ...extra];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describe.skipIf(!built)('durability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-kill9-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged write across kill -9', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const api = `http://127.0.0.1:${port}/api/2.0/mlflow`;
    const post = async (p: string, body: unknown) =>
      (await fetch(api + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
    let server = await startServer(dir, port);
    const exp = (await post('/experiments/create', { name: 'durable' })).experiment_id;
    const runId = (await post('/runs/create', { experiment_id: exp })).run.info.run_id;
    let acknowledged = 0;
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${api}/runs/log-metric`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run_id: runId, key: 'm', value: i, timestamp: i, step: i }) });
      if (res.status === 200) acknowledged = i + 1;
    }
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    server = await startServer(dir, port);
    try {
      const history = (await (await fetch(`${api}/metrics/get-history?run_id=${runId}&metric_key=m`)).json()) as any;
      expect(acknowledged).toBe(200);
      expect(history.metrics).toHaveLength(acknowledged);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('shares one SQLite file between --workers 2 without losing concurrent writes', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const api = `http://127.0.0.1:${port}/api/2.0/mlflow`;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(api + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const server = await startServer(dir, port, ['--workers', '2']);
    try {
      const exp = (await post('/experiments/create', { name: 'two-workers' })).body.experiment_id;
      const runId = (await post('/runs/create', { experiment_id: exp })).body.run.info.run_id;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, w) =>
          post('/runs/log-batch', { run_id: runId, metrics: Array.from({ length: 20 }, (_, i) => ({ key: 'm', value: i, timestamp: w, step: i })) }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
      const history = (await (await fetch(`${api}/metrics/get-history?run_id=${runId}&metric_key=m`)).json()) as any;
      expect(history.metrics).toHaveLength(800);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });

  it('aggregates Prometheus metrics of all workers', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = await startServer(dir, port, ['--workers', '2', '--expose-prometheus', path.join(dir, 'prom')]);
    try {
      for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/mlflow_http_request_total\{method="GET",status="200"\} 20/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });
});
