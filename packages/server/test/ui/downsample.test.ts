/**
 * `ajax-api/2.0/darwin/metrics/downsample`: equal-width step buckets with count, min, max,
 * first and last, on every database; a single spike in 1,000,000 points is in every zoom level.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { Database } from '../../src/db/database.js';
import { downsampleMetric } from '../../src/tracking/store/metricBuckets.js';

const API = '/api/2.0/mlflow';
const URL = '/ajax-api/2.0/darwin/metrics/downsample';

async function newRun(server: TestServer, name: string): Promise<string> {
  const exp = (await call(server.app, 'POST', `${API}/experiments/create`, { name })).body.experiment_id;
  return (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: exp, start_time: 0 })).body.run.info.run_id;
}

describe.each(testDialects())('downsampled metric histories on $dialect', (dialect) => {
  let server: TestServer;
  let runId: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'downsample');
    runId = await newRun(server, 'downsample');
    // steps 0..9999, value = step % 100, one spike of 1e6 at step 7777, a NaN at step 5
    for (let start = 0; start < 10_000; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => {
        const step = start + i;
        return { key: 'loss', value: step === 7777 ? 1e6 : step === 5 ? 'NaN' : step % 100, timestamp: 1000 + step, step };
      });
      const res = await call(server.app, 'POST', `${API}/runs/log-batch`, { run_id: runId, metrics });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });
  afterAll(async () => server?.close());

  const get = (query: string) => call(server.app, 'GET', `${URL}?${query}`);

  it('cuts the whole range into equal buckets with count, min, max, first and last', async () => {
    const res = await get(`run_id=${runId}&metric_key=loss&buckets=10`);
    expect(res.status).toBe(200);
    expect(res.body.start_step).toBe(0);
    expect(res.body.end_step).toBe(9999);
    expect(res.body.total_count).toBe(9999);
    expect(res.body.buckets).toHaveLength(10);
    const [first] = res.body.buckets;
    expect(first).toEqual({ start_step: 0, end_step: 999, start_timestamp: 1000, end_timestamp: 1999, count: 999, min: 0, max: 99, first: 0, last: 99 });
    expect(res.body.buckets[7].max).toBe(1e6);
    expect(res.body.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(9999);
  });

  it('one bucket gives the overall min and max', async () => {
    const res = await get(`run_id=${runId}&metric_key=loss&buckets=1`);
    expect(res.body.buckets).toEqual([expect.objectContaining({ min: 0, max: 1e6, first: 0, last: 99, count: 9999 })]);
  });

  it('a step range zooms in, down to single points', async () => {
    const res = await get(`run_id=${runId}&metric_key=loss&buckets=100&start_step=7770&end_step=7780`);
    expect(res.body.buckets).toHaveLength(11);
    expect(res.body.buckets.find((b: { start_step: number }) => b.start_step === 7777)).toEqual(
      expect.objectContaining({ count: 1, min: 1e6, max: 1e6, first: 1e6, last: 1e6 }),
    );
  });

  it('answers an unknown metric with no buckets and an unknown run with a 404', async () => {
    const none = await get(`run_id=${runId}&metric_key=nope`);
    expect(none.body).toEqual({ start_step: null, end_step: null, total_count: 0, buckets: [] });
    const missing = await get('run_id=0123456789abcdef0123456789abcdef&metric_key=loss');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('answers again from its cache, and never after the history changed', async () => {
    const other = await newRun(server, 'downsample-cache');
    const log = (step: number, value: number, key = 'acc') => call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: other, key, value, timestamp: 5000 + step, step });
    await log(0, 1);
    await log(1, 2);
    const query = `run_id=${other}&metric_key=acc&buckets=10`;
    const before = (await get(query)).body;
    expect(before.total_count).toBe(2);
    expect((await get(query)).body).toEqual(before);
    // a point of another key of the same run changes the run's count too: asked again, same answer
    await log(0, 7, 'other');
    expect((await get(query)).body).toEqual(before);
    await log(2, 3);
    const after = (await get(query)).body;
    expect(after.total_count).toBe(3);
    expect(after.end_step).toBe(2);
    expect(after.buckets.at(-1)).toEqual(expect.objectContaining({ last: 3 }));
    // a point at an earlier step changes the buckets, not the range's end
    await log(1, -5);
    expect((await get(query)).body.buckets.find((b: { start_step: number }) => b.start_step === 1)).toEqual(expect.objectContaining({ min: -5, count: 2 }));
  });

  it('matches a plain fold of the points: several points a step, any order, negative steps', async () => {
    const run = await newRun(server, 'downsample-fold');
    const points: { value: number; timestamp: number; step: number }[] = [];
    // a fixed pseudo-random sequence: steps -50..149, 1-3 points a step, timestamps and values tied at
    // times, logged in three interleaved batches so that rows are not in step order
    let seed = 12345;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let step = -50; step < 150; step++) {
      for (let k = 1 + next(3); k > 0; k--) {
        const p = { step, timestamp: 100 + next(4), value: next(7) - 3 + (next(2) ? 0.5 : 0) };
        // a repeated point is one row (it is the whole primary key)
        if (!points.some((q) => q.step === p.step && q.timestamp === p.timestamp && q.value === p.value)) points.push(p);
      }
    }
    const batches = [points.filter((_, i) => i % 3 === 2), points.filter((_, i) => i % 3 === 0), points.filter((_, i) => i % 3 === 1)];
    for (const batch of batches) {
      const res = await call(server.app, 'POST', `${API}/runs/log-batch`, { run_id: run, metrics: batch.map((p) => ({ key: 'm', ...p })) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    for (const [buckets, range] of [[7, undefined], [1, undefined], [5000, undefined], [9, [-20, 33]]] as const) {
      const inRange = points.filter((p) => !range || (p.step >= range[0] && p.step <= range[1]));
      const lo = Math.min(...inRange.map((p) => p.step));
      const hi = Math.max(...inRange.map((p) => p.step));
      const width = Math.ceil((hi - lo + 1) / buckets);
      const order = (a: (typeof points)[0], b: (typeof points)[0]) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value;
      const groups = new Map<number, typeof points>();
      for (const p of inRange) {
        const b = Math.floor((p.step - lo) / width);
        groups.set(b, [...(groups.get(b) ?? []), p]);
      }
      const expected = [...groups.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, ps]) => {
          const sorted = [...ps].sort(order);
          return {
            start_step: sorted[0]!.step,
            end_step: sorted.at(-1)!.step,
            start_timestamp: Math.min(...ps.map((p) => p.timestamp)),
            end_timestamp: Math.max(...ps.map((p) => p.timestamp)),
            count: ps.length,
            min: Math.min(...ps.map((p) => p.value)),
            max: Math.max(...ps.map((p) => p.value)),
            first: sorted[0]!.value,
            last: sorted.at(-1)!.value,
          };
        });
      const query = `run_id=${run}&metric_key=m&buckets=${buckets}${range ? `&start_step=${range[0]}&end_step=${range[1]}` : ''}`;
      const res = await get(query);
      expect(res.status).toBe(200);
      expect(res.body, query).toEqual({ start_step: lo, end_step: hi, total_count: inRange.length, buckets: expected });
      // the store's other ways to the same answer: without the run's point count SQLite reads
      // the step range first and folds with it; the other databases always group in SQL
      const database = Database.open(server.database.uri);
      try {
        const r = range ? { start: BigInt(range[0]), end: BigInt(range[1]) } : undefined;
        const direct = await database.read((db) => downsampleMetric(db, database.dialect, run, 'm', r, buckets));
        expect(direct, query).toEqual(res.body);
      } finally {
        await database.close();
      }
    }
  });

  it('buckets steps beyond 2^53', async () => {
    const run = await newRun(server, 'downsample-int64');
    const big = 2n ** 60n;
    const metrics = [0n, 1n, 2n].map((d) => ({ key: 'm', value: Number(d), timestamp: 1, step: String(big + d) }));
    expect((await call(server.app, 'POST', `${API}/runs/log-batch`, { run_id: run, metrics })).status).toBe(200);
    const res = await get(`run_id=${run}&metric_key=m&buckets=3`);
    expect(res.status).toBe(200);
    expect(res.body.total_count).toBe(3);
    expect(res.body.buckets.map((b: { first: number }) => b.first)).toEqual([0, 1, 2]);
  });

  it('rejects bad input with INVALID_PARAMETER_VALUE', async () => {
    for (const query of ['metric_key=loss', `run_id=${runId}`, `run_id=${runId}&metric_key=loss&buckets=0`, `run_id=${runId}&metric_key=loss&buckets=x`, `run_id=${runId}&metric_key=loss&buckets=5001`, `run_id=${runId}&metric_key=loss&start_step=5`, `run_id=${runId}&metric_key=loss&start_step=9&end_step=2`]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error_code, query).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});

describe('a single spike in 1,000,000 points (SQLite)', () => {
  let server: TestServer;
  let runId: string;
  const SPIKE = 612_345;

  beforeAll(async () => {
    const [sqlite] = testDialects().filter((d) => d.dialect === 'sqlite');
    server = await startTestApp(sqlite!, 'spike');
    runId = await newRun(server, 'spike');
    // written straight into the metrics table: a million log-batch calls would only test log-batch
    const db = new BetterSqlite3(server.database.uri.replace(/^sqlite:\/\/\//, ''));
    const insert = db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
    db.transaction(() => {
      for (let step = 0; step < 1_000_000; step++) insert.run('loss', step === SPIKE ? 1000 : Math.sin(step / 5000), step, runId, step);
    })();
    db.close();
  }, 120_000);
  afterAll(async () => server?.close());

  it('shows the spike at every zoom level, from the whole history down to its own step', async () => {
    let start = 0;
    let end = 999_999;
    for (let level = 0; end - start > 0; level++) {
      const res = await call(server.app, 'GET', `${URL}?run_id=${runId}&metric_key=loss&buckets=500&start_step=${start}&end_step=${end}`);
      expect(res.status).toBe(200);
      expect(res.body.buckets.length).toBeLessThanOrEqual(500);
      const max = Math.max(...res.body.buckets.map((b: { max: number }) => b.max));
      expect(max, `zoom level ${level}: steps ${start}..${end}`).toBe(1000);
      // zoom to a third of the range around the spike, off-centre so bucket edges move
      const width = Math.floor((end - start) / 3);
      start = Math.max(start, SPIKE - Math.floor(width / 3));
      end = Math.min(end, start + width);
    }
  });
});
