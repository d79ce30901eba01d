import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

describe.each(testDialects())('runs/search and experiments/search on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    server = await startTestApp(dialect, 'tracking_search');
    experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'search' })).body.experiment_id;
    for (let i = 0; i < 5; i++) {
      const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1000 + i, run_name: `run-${i}` })).body.run;
      runIds.push(run.info.run_id);
      await call(server.app, 'POST', `${API}/runs/log-batch`, {
        run_id: run.info.run_id,
        metrics: [{ key: 'm', value: i / 10, timestamp: 1 }],
        params: [{ key: 'p', value: String(i % 2) }],
        tags: [{ key: 'team', value: i < 3 ? 'a' : 'B' }],
      });
    }
  });
  afterAll(async () => server?.close());

  const search = (body: Record<string, unknown>) =>
    call(server.app, 'POST', `${API}/runs/search`, { experiment_ids: [experimentId], ...body });

  it('filters on metrics, params and tags and orders by a metric', async () => {
    const res = await search({ filter: "metrics.m > 0.05 and params.p != '1' and tags.team = 'a'", order_by: ['metrics.m DESC'] });
    expect(res.status).toBe(200);
    expect(res.body.runs.map((r: any) => r.info.run_name)).toEqual(['run-2']);
    expect(res.body.runs[0].data.params).toEqual([{ key: 'p', value: '0' }]);
    expect(res.body.runs[0].inputs).toEqual({});
  });

  it('orders by start_time DESC by default and pages with a token whenever a page is full', async () => {
    const first = await search({ max_results: 2 });
    expect(first.body.runs.map((r: any) => r.info.run_name)).toEqual(['run-4', 'run-3']);
    expect(first.body.next_page_token).toBe(Buffer.from('{"offset": 2}').toString('base64'));
    const second = await search({ max_results: 2, page_token: first.body.next_page_token });
    expect(second.body.runs.map((r: any) => r.info.run_name)).toEqual(['run-2', 'run-1']);
    const last = await search({ max_results: 5 });
    expect(last.body.runs).toHaveLength(5);
    expect(last.body.next_page_token).toBeDefined();
  });

  it('keeps upper-case and digit-only IN-list items that MLflow would drop', async () => {
    const res = await search({ filter: `attributes.run_id IN ('${runIds[0]}', '${runIds[1]!.toUpperCase()}')` });
    expect(res.body.runs.map((r: any) => r.info.run_id)).toEqual([runIds[0]]);
  });

  it('answers malformed filters and bad comparators with 400, never 500', async () => {
    for (const filter of ["tags.team > 'a'", 'metrics.m = ', "params.p = 'x' OR params.p = 'y'", 'nonsense.x = 1']) {
      const res = await search({ filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await search({ order_by: ['metrics.m', 'metrics.m'] })).status).toBe(400);
    expect((await search({ max_results: 50001 })).status).toBe(400);
    expect((await search({ max_results: 0 })).status).toBe(400);
    expect((await search({ page_token: 'not-a-token' })).status).toBe(400);
  });

  it('searches experiments with filters, view types and max_results+1 paging', async () => {
    for (const name of ['exp-x1', 'exp-x2', 'exp-x3']) await call(server.app, 'POST', `${API}/experiments/create`, { name });
    const page = await call(server.app, 'POST', `${API}/experiments/search`, { max_results: 2, filter: "name LIKE 'exp-x%'", order_by: ['name ASC'] });
    expect(page.body.experiments.map((e: any) => e.name)).toEqual(['exp-x1', 'exp-x2']);
    const next = await call(server.app, 'POST', `${API}/experiments/search`, {
      max_results: 2,
      filter: "name LIKE 'exp-x%'",
      order_by: ['name ASC'],
      page_token: page.body.next_page_token,
    });
    expect(next.body.experiments.map((e: any) => e.name)).toEqual(['exp-x3']);
    expect(next.body.next_page_token).toBeUndefined();
    const viaGet = await call(server.app, 'GET', `${API}/experiments/search?max_results=10&filter=name%20%3D%20%27exp-x3%27`);
    expect(viaGet.body.experiments).toHaveLength(1);
    const missing = await call(server.app, 'POST', `${API}/experiments/search`, {});
    expect(missing.body.message).toBe('Invalid value for max_results. It must be a positive integer, but got 0');
  });
});
