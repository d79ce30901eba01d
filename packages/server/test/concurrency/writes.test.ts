/**
 * Correctness under concurrency, over a real socket: concurrent log-batch to one run, racing
 * experiment creates and param overwrites give no 500s, no duplicates and no lost writes.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

describe.each(testDialects())('concurrent writes on $dialect', (dialect) => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'concurrency');
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/api/2.0/mlflow`;
  });
  afterAll(async () => server?.close());

  async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  async function get(path: string): Promise<any> {
    return (await fetch(base + path)).json();
  }

  it('keeps every point of concurrent log-batch calls to one run', async () => {
    const exp = (await post('/experiments/create', { name: 'batch-race' })).body.experiment_id;
    const runId = (await post('/runs/create', { experiment_id: exp })).body.run.info.run_id;
    const writers = 24;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        post('/runs/log-batch', {
          run_id: runId,
          metrics: Array.from({ length: 50 }, (_, i) => ({ key: `m${i % 5}`, value: w * 1000 + i, timestamp: 1, step: w })),
          params: [{ key: `p${w}`, value: String(w) }, { key: 'shared', value: 'same' }],
          tags: [{ key: 'writer', value: String(w) }],
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(writers).fill(200));
    const history = await get(`/metrics/get-history?run_id=${runId}&metric_key=m0`);
    expect(history.metrics).toHaveLength(writers * 10);
    const run = (await get(`/runs/get?run_id=${runId}`)).run;
    expect(run.data.params).toHaveLength(writers + 1);
    // the latest value of m0 is the one at the highest step, whichever request committed last
    expect(run.data.metrics.find((m: any) => m.key === 'm0')).toMatchObject({ step: writers - 1, value: (writers - 1) * 1000 + 45 });
  });

  it('creates one experiment when many clients race on a name', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, () => post('/experiments/create', { name: 'name-race' })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.body.error_code === 'RESOURCE_ALREADY_EXISTS')).toBe(true);
  });

  it('lets exactly one value win a param overwrite race and rejects the others with 400', async () => {
    const exp = (await post('/experiments/create', { name: 'param-race' })).body.experiment_id;
    const runId = (await post('/runs/create', { experiment_id: exp })).body.run.info.run_id;
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => post('/runs/log-parameter', { run_id: runId, key: 'lr', value: String(i % 4) })),
    );
    expect(results.every((r) => r.status === 200 || (r.status === 400 && r.body.error_code === 'INVALID_PARAMETER_VALUE'))).toBe(true);
    const stored = (await get(`/runs/get?run_id=${runId}`)).run.data.params;
    expect(stored).toHaveLength(1);
    const winners = new Set(results.map((r, i) => (r.status === 200 ? String(i % 4) : undefined)).filter(Boolean));
    expect([...winners]).toEqual([stored[0].value]);
  });
});
