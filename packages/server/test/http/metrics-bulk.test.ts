/**
 * get-history-bulk-interval (proto, both families) and the ajax-only get-history-bulk, over HTTP
 * on every test database. Expected step sets are hand-computed with MLflow 2.12.2's sampling
 * (spec §2.1b); the validation messages are those of the conformance recordings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMetrics } from '../../src/tracking/store/metrics.js';
import type { MetricPoint } from '../../src/tracking/store/metrics.js';
import { sampleSteps } from '../../src/tracking/service/metrics.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const INTERVAL = `${AJAX}/metrics/get-history-bulk-interval`;
const BULK = `${AJAX}/metrics/get-history-bulk`;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('sampleSteps (MLflow _get_sampled_steps_from_steps)', () => {
  it('takes every step in range when there are at most max_results', () => {
    expect(sampleSteps(range(0, 9), 0, 4, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleSteps(range(0, 9), 0, 9, 10)).toEqual(range(0, 9));
    expect(sampleSteps([], 0, 0, 5)).toEqual([]);
    expect(sampleSteps([-3, -1], 0, -1, 5)).toEqual([]);
  });

  it('takes evenly spaced indexes with Python float arithmetic, plus the last step', () => {
    expect(sampleSteps(range(0, 9), 0, 9, 5)).toEqual([0, 2, 4, 6, 8, 9]);
    // 143 steps 0, 7, ..., 994; interval 143/7: indexes 0, 20, 40, 61, 81, 102, 122
    const sevens = Array.from({ length: 143 }, (_, i) => i * 7);
    expect(sampleSteps(sevens, 0, 994, 7)).toEqual([0, 140, 280, 427, 567, 714, 854, 994]);
    expect(sampleSteps(range(-5, 5), -5, 5, 3)).toEqual([-5, -2, 2, 5]);
    expect(sampleSteps(range(0, 29), 3, 29, 7)).toEqual([3, 6, 10, 14, 18, 22, 26, 29]);
  });

  it('samples evenly inside a range that does not start at the first step (MLflow drops these)', () => {
    // 15 steps in range 5..19: indexes 5, 8, 11, 14, 17, then the last step
    expect(sampleSteps(range(0, 19), 5, 19, 5)).toEqual([5, 8, 11, 14, 17, 19]);
    // 50 steps in range 50..99: 50, 55, ..., 95, then 99 (MLflow returns only 99)
    expect(sampleSteps(range(0, 99), 50, 99, 10)).toEqual([50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 99]);
  });

  it('compares int64 steps beyond 2^53 exactly', () => {
    const big = [1n << 60n, (1n << 60n) + 1n, (1n << 60n) + 2n];
    expect(sampleSteps(big, 0, (1n << 60n) + 2n, 1)).toEqual([1n << 60n, (1n << 60n) + 2n]);
  });
});

describe.each(testDialects())('metric history bulk reads on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'metrics_bulk');
    const res = await call(server.app, 'POST', `${API}/experiments/create`, { name: 'bulk' });
    experimentId = res.body.experiment_id;
  });
  afterAll(async () => server?.close());

  async function createRun(): Promise<string> {
    const res = await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1 });
    expect(res.status).toBe(200);
    return res.body.run.info.run_id;
  }

  /** Logs [step, timestamp, value] points of metric `key` through log-batch. */
  async function log(runId: string, key: string, points: readonly (readonly [number, number, number | string])[]) {
    for (let i = 0; i < points.length; i += 1000) {
      const metrics = points.slice(i, i + 1000).map(([step, timestamp, value]) => ({ key, step, timestamp, value }));
      const res = await call(server.app, 'POST', `${API}/runs/log-batch`, { run_id: runId, metrics });
      expect(res.status).toBe(200);
    }
  }

  async function runWithSteps(key: string, steps: readonly number[]): Promise<string> {
    const runId = await createRun();
    await log(runId, key, steps.map((s) => [s, 1, 10] as const));
    return runId;
  }

  function interval(query: string) {
    return call(server.app, 'GET', `${INTERVAL}?${query}`);
  }

  /** [run_id, step] pairs of an interval response, in response order. */
  function runSteps(body: { metrics?: { run_id: string; step: number }[] }) {
    return (body.metrics ?? []).map((m) => [m.run_id, m.step]);
  }

  describe('get-history-bulk-interval', () => {
    it('samples max_results steps plus the last one, and takes all steps of a narrow range', async () => {
      const a = await runWithSteps('m', range(0, 9));
      const sampled = await interval(`run_ids=${a}&metric_key=m&max_results=5`);
      expect(sampled.status).toBe(200);
      expect(runSteps(sampled.body)).toEqual([0, 2, 4, 6, 8, 9].map((s) => [a, s]));
      expect(sampled.body.metrics[0]).toEqual({ key: 'm', value: 10, timestamp: 1, step: 0, run_id: a });
      const ranged = await interval(`run_ids=${a}&metric_key=m&start_step=0&end_step=4&max_results=5`);
      expect(runSteps(ranged.body)).toEqual([0, 1, 2, 3, 4].map((s) => [a, s]));
      const all = await interval(`run_ids=${a}&metric_key=m&max_results=50`);
      expect(runSteps(all.body)).toEqual(range(0, 9).map((s) => [a, s]));
      const byDefault = await interval(`run_ids=${a}&metric_key=m`);
      expect(runSteps(byDefault.body)).toEqual(range(0, 9).map((s) => [a, s]));
    });

    it('samples across runs, keeps each run min and max, answers runs in request order', async () => {
      const a = await runWithSteps('m', range(0, 9));
      const b = await runWithSteps('m', range(0, 19));
      const res = await interval(`run_ids=${b}&run_ids=${a}&metric_key=m&max_results=5`);
      expect(res.status).toBe(200);
      expect(runSteps(res.body)).toEqual([
        ...[0, 4, 8, 9, 12, 16, 19].map((s) => [b, s]),
        ...[0, 4, 8, 9].map((s) => [a, s]),
      ]);
      const twice = await interval(`run_ids=${a}&run_ids=${a}&metric_key=m&max_results=5`);
      expect(runSteps(twice.body)).toEqual([...[0, 2, 4, 6, 8, 9], ...[0, 2, 4, 6, 8, 9]].map((s) => [a, s]));
    });

    it('adds the min and max step of runs with different step ranges', async () => {
      const e = await runWithSteps('m', [3, 7, 100]);
      const f = await runWithSteps('m', [0, 50, 60, 70, 80, 90]);
      // all steps 0 3 7 50 60 70 80 90 100; sampled 0 50 80 + last 100; mins/maxes 3 100 0 90
      const res = await interval(`run_ids=${e}&run_ids=${f}&metric_key=m&max_results=3`);
      expect(runSteps(res.body)).toEqual([
        [e, 3],
        [e, 100],
        [f, 0],
        [f, 50],
        [f, 80],
        [f, 90],
      ]);
    });

    it('leaves out negative steps unless a range includes them', async () => {
      const c = await runWithSteps('m', range(-5, 5));
      const res = await interval(`run_ids=${c}&metric_key=m`);
      expect(runSteps(res.body)).toEqual(range(0, 5).map((s) => [c, s]));
      const ranged = await interval(`run_ids=${c}&metric_key=m&start_step=-5&end_step=5&max_results=3`);
      expect(runSteps(ranged.body)).toEqual([-5, -2, 2, 5].map((s) => [c, s]));
      const onlyNegative = await runWithSteps('m', [-3, -1]);
      expect((await interval(`run_ids=${onlyNegative}&metric_key=m`)).body).toEqual({});
    });

    it('samples evenly inside ranges that do not start at the first step', async () => {
      const d = await runWithSteps('m', range(0, 19));
      const res = await interval(`run_ids=${d}&metric_key=m&start_step=5&end_step=19&max_results=5`);
      expect(runSteps(res.body)).toEqual([5, 8, 11, 14, 17, 19].map((s) => [d, s]));
    });

    it('orders points of a step by timestamp then value, and writes NaN as "NaN"', async () => {
      const runId = await createRun();
      await log(runId, 'm', [
        [1, 2, 5],
        [1, 1, 7],
        [1, 1, 3],
        [0, 9, 1],
        [2, 1, 'NaN'],
      ]);
      const res = await interval(`run_ids=${runId}&metric_key=m`);
      expect(res.body.metrics.map((m: { step: number; timestamp: number; value: unknown }) => [m.step, m.timestamp, m.value])).toEqual([
        [0, 9, 1],
        [1, 1, 3],
        [1, 1, 7],
        [1, 2, 5],
        [2, 1, 'NaN'],
      ]);
    });

    it('answers {} for unknown runs and keys, under /api/2.0 too', async () => {
      const a = await runWithSteps('m', [1]);
      expect((await interval(`run_ids=nope&metric_key=m`)).body).toEqual({});
      expect((await interval(`run_ids=${a}&metric_key=other`)).body).toEqual({});
      const rest = await call(server.app, 'GET', `${API}/metrics/get-history-bulk-interval?run_ids=${a}&metric_key=m`);
      expect(rest.status).toBe(200);
      expect(runSteps(rest.body)).toEqual([[a, 1]]);
    });

    it('rejects invalid requests with MLflow messages', async () => {
      const hint = ' See the API docs for more information about request parameters.';
      const cases: [string, string][] = [
        ['metric_key=key', `Missing value for required parameter 'run_ids'.${hint}`],
        [
          `${range(0, 100).map((i) => `run_ids=id_${i}`).join('&')}&metric_key=key`,
          `GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.${hint}`,
        ],
        ['run_ids=123&metric_key=key&max_results=0', `max_results must be between 1 and 2500.${hint}`],
        ['run_ids=123&metric_key=key&max_results=2501', `max_results must be between 1 and 2500.${hint}`],
        ['run_ids=123&metric_key=', `Missing value for required parameter 'metric_key'.${hint}`],
        ['run_ids=123&max_results=5', `Missing value for required parameter 'metric_key'.${hint}`],
        [
          'run_ids=123&metric_key=key&start_step=1&end_step=0&max_results=5',
          'end_step must be greater than start_step. Found start_step=1 and end_step=0.',
        ],
        ['run_ids=123&metric_key=key&start_step=1&max_results=5', 'If either start step or end step are specified, both must be specified.'],
        ['run_ids=123&metric_key=key&end_step=1', 'If either start step or end step are specified, both must be specified.'],
        [
          'run_ids=123&metric_key=key&start_step=abc&end_step=1',
          `Invalid value abc for parameter 'start_step' supplied. Hint: Value was of type 'str'.${hint}`,
        ],
      ];
      for (const [query, message] of cases) {
        const res = await interval(query);
        expect({ query, status: res.status, body: res.body }).toEqual({
          query,
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE', message },
        });
      }
    });

    it('returns at most 25000 points per run', async () => {
      const capped = await createRun();
      const other = await runWithSteps('m', [0, 5]);
      const points: MetricPoint[] = range(1, 25010).map((ts) => ({ key: 'm', value: 1, timestamp: ts, step: 0 }));
      const database = server.app.ctx.database;
      await database.write((tx) => logMetrics(tx, database.dialect, capped, points));
      const res = await interval(`run_ids=${capped}&run_ids=${other}&metric_key=m`);
      expect(res.status).toBe(200);
      const mine = res.body.metrics.filter((m: { run_id: string }) => m.run_id === capped);
      expect(mine).toHaveLength(25000);
      expect(mine[24999].timestamp).toBe(25000);
      expect(runSteps(res.body).filter(([r]) => r === other)).toEqual([
        [other, 0],
        [other, 5],
      ]);

      const bulk = await call(server.app, 'GET', `${BULK}?run_id=${capped}&metric_key=m&max_results=30000`);
      expect(bulk.body.metrics).toHaveLength(25000);
      expect((await call(server.app, 'GET', `${BULK}?run_id=${capped}&metric_key=m`)).body.metrics).toHaveLength(25000);
    });
  });

  describe('ajax get-history-bulk', () => {
    it('returns points ordered by run id, timestamp, step, value with sorted keys', async () => {
      const r1 = await createRun();
      const r2 = await createRun();
      await log(r1, 'metricA', [
        [3, 2, 12],
        [2, 1, 10],
        [3, 1, 12],
        [3, 1, 11],
      ]);
      await log(r2, 'metricA', [
        [2, 1, 11],
        [3, 1, 13],
      ]);
      await log(r1, 'metricB', [
        [-2, 7, -100],
        [0, 8, 1],
        [0, 8, 0],
      ]);
      const one = await call(server.app, 'GET', `${BULK}?run_id=${r1}&metric_key=metricA`);
      expect(one.status).toBe(200);
      expect(one.body.metrics).toEqual([
        { key: 'metricA', run_id: r1, step: 2, timestamp: 1, value: 10 },
        { key: 'metricA', run_id: r1, step: 3, timestamp: 1, value: 11 },
        { key: 'metricA', run_id: r1, step: 3, timestamp: 1, value: 12 },
        { key: 'metricA', run_id: r1, step: 3, timestamp: 2, value: 12 },
      ]);
      const raw = await server.app.inject({ method: 'GET', url: `${BULK}?run_id=${r1}&metric_key=metricB` });
      expect(raw.headers['content-type']).toMatch(/^application\/json/);
      expect(raw.body).toBe(
        `{"metrics":[{"key":"metricB","run_id":"${r1}","step":-2,"timestamp":7,"value":-100},` +
          `{"key":"metricB","run_id":"${r1}","step":0,"timestamp":8,"value":0},` +
          `{"key":"metricB","run_id":"${r1}","step":0,"timestamp":8,"value":1}]}`,
      );
      const both = await call(server.app, 'GET', `${BULK}?run_id=${r2}&run_id=${r1}&metric_key=metricA`);
      const order = [r1, r2].sort();
      expect(both.body.metrics.map((m: { run_id: string }) => m.run_id)).toEqual(
        order.flatMap((r) => (r === r1 ? [r, r, r, r] : [r, r])),
      );
      const limited = await call(server.app, 'GET', `${BULK}?run_id=${r1}&metric_key=metricA&max_results=2`);
      expect(limited.body.metrics.map((m: { value: number }) => m.value)).toEqual([10, 11]);
      const none = await call(server.app, 'GET', `${BULK}?run_id=${r1}&metric_key=metricA&max_results=0`);
      expect(none.body).toEqual({ metrics: [] });
      expect((await call(server.app, 'GET', `${BULK}?run_id=unknown&metric_key=metricA`)).body).toEqual({ metrics: [] });
    });

    it('writes NaN values as "NaN" and keeps int64 steps exact', async () => {
      const runId = await createRun();
      const big = '9007199254740993';
      await call(server.app, 'POST', `${API}/runs/log-batch`, {
        run_id: runId,
        metrics: [{ key: 'n', value: 'NaN', timestamp: 1, step: 0 }],
      });
      await call(
        server.app,
        'POST',
        `${API}/runs/log-metric`,
        `{"run_id": "${runId}", "key": "n", "value": 2.5, "timestamp": 2, "step": ${big}}`,
      );
      const raw = await server.app.inject({ method: 'GET', url: `${BULK}?run_id=${runId}&metric_key=n` });
      expect(raw.body).toBe(
        `{"metrics":[{"key":"n","run_id":"${runId}","step":0,"timestamp":1,"value":"NaN"},` +
          `{"key":"n","run_id":"${runId}","step":${big},"timestamp":2,"value":2.5}]}`,
      );
      const sampled = await server.app.inject({ method: 'GET', url: `${INTERVAL}?run_ids=${runId}&metric_key=n&max_results=1` });
      expect(sampled.body).toBe(
        `{"metrics":[{"key":"n","value":"NaN","timestamp":1,"step":0,"run_id":"${runId}"},` +
          `{"key":"n","value":2.5,"timestamp":2,"step":${big},"run_id":"${runId}"}]}`,
      );
    });

    it('rejects invalid requests with MLflow messages', async () => {
      const many = range(0, 100).map((i) => `run_id=id_${i}`).join('&');
      const cases: [string, string][] = [
        ['metric_key=key', 'GetMetricHistoryBulk request must specify at least one run_id.'],
        [`${many}&metric_key=key`, 'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.'],
        ['run_id=123', 'GetMetricHistoryBulk request must specify a metric_key.'],
        ['run_id=123&metric_key=k&max_results=abc', "GetMetricHistoryBulk request max_results must be a non-negative integer. Received 'abc'."],
        ['run_id=123&metric_key=k&max_results=-1', "GetMetricHistoryBulk request max_results must be a non-negative integer. Received '-1'."],
      ];
      for (const [query, message] of cases) {
        const res = await call(server.app, 'GET', `${BULK}?${query}`);
        expect({ query, status: res.status, body: res.body }).toEqual({
          query,
          status: 400,
          body: { error_code: 'INVALID_PARAMETER_VALUE', message },
        });
      }
      expect((await call(server.app, 'GET', BULK)).body.message).toBe('GetMetricHistoryBulk request must specify at least one run_id.');
    });

    it('exists only under ajax-api and only for GET', async () => {
      expect((await call(server.app, 'GET', `${API}/metrics/get-history-bulk?run_id=a&metric_key=m`)).status).toBe(404);
      const post = await call(server.app, 'POST', `${BULK}?run_id=a&metric_key=m`, {});
      expect(post.status).toBe(405);
      expect(post.headers.allow).toContain('GET');
    });
  });
});

describe.each(testDialects().slice(0, 1))('metric history bulk reads with a static prefix ($dialect)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'metrics_bulk_prefix', ['--static-prefix', '/mlflow']);
  });
  afterAll(async () => server?.close());

  it('serves the ajax routes under the prefix, the REST route without it', async () => {
    expect((await call(server.app, 'GET', `/mlflow${BULK}?run_id=a&metric_key=m`)).body).toEqual({ metrics: [] });
    expect((await call(server.app, 'GET', `/mlflow${INTERVAL}?run_ids=a&metric_key=m`)).body).toEqual({});
    expect((await call(server.app, 'GET', `${BULK}?run_id=a&metric_key=m`)).status).toBe(404);
    expect((await call(server.app, 'GET', `${API}/metrics/get-history-bulk-interval?run_ids=a&metric_key=m`)).status).toBe(200);
  });
});
