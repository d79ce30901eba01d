/**
 * The write paths of log-batch / log-metric / log-parameter / set-tag (bulk statements, one
 * conditional upsert for latest_metrics) keep MLflow's semantics on every database: per run and
 * key the greatest (step, timestamp, value) wins, a point replaces the stored one only if
 * strictly greater, NaN is stored as 0 with is_nan, int64 stays exact, and a request is all or
 * nothing, also when many requests write to one run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const MAX_DOUBLE = 1.7976931348623157e308;

type Int = number | bigint;
interface Point {
  key: string;
  value: number;
  timestamp: Int;
  step: Int;
}

/** JSON text of a point, with bare NaN/Infinity and exact int64 digits, as Python clients send. */
function pointJson(p: Point): string {
  const value = Number.isNaN(p.value) ? 'NaN' : p.value === Infinity ? 'Infinity' : p.value === -Infinity ? '-Infinity' : String(p.value);
  return `{"key": "${p.key}", "value": ${value}, "timestamp": ${p.timestamp}, "step": ${p.step}}`;
}

/** Parses a reply keeping 16+ digit integers exact (as strings). */
function parseExact(text: string): any {
  return JSON.parse(text.replace(/(":\s*)(-?\d{16,})(?=[,}\]])/g, '$1"$2"'));
}

/** The stored (step, timestamp, value) of a point: NaN as 0, infinities as the largest double. */
function storedOrder(p: Point): [bigint, bigint, number] {
  const v = Number.isNaN(p.value) ? 0 : p.value === Infinity ? MAX_DOUBLE : p.value === -Infinity ? -MAX_DOUBLE : p.value;
  return [BigInt(p.step), BigInt(p.timestamp), v];
}

function strictlyGreater(a: Point, b: Point): boolean {
  const [sa, ta, va] = storedOrder(a);
  const [sb, tb, vb] = storedOrder(b);
  if (sa !== sb) return sa > sb;
  if (ta !== tb) return ta > tb;
  return va > vb;
}

/** What runs/get shows for the point that is the latest of its key. */
function wireMetric(p: Point): Record<string, unknown> {
  const value = Number.isNaN(p.value) ? 'NaN' : storedOrder(p)[2];
  const int = (n: Int) => (typeof n === 'bigint' && (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) ? String(n) : Number(n));
  return { key: p.key, value, timestamp: int(p.timestamp), step: int(p.step) };
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEPS: Int[] = [-1, 0, 1, 2, 9007199254740993n];
const TIMESTAMPS: Int[] = [0, 5, 9007199254740995n];
const VALUES = [NaN, Infinity, -Infinity, 0, 1.5, -2, 1e-300, 0.1, MAX_DOUBLE];

function randomPoints(random: () => number, n: number, keys: readonly string[]): Point[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: n }, () => ({ key: pick(keys), value: pick(VALUES), timestamp: pick(TIMESTAMPS), step: pick(STEPS) }));
}

/** Folds points in order the way latest_metrics must: the first strictly greatest wins. */
function expectedLatest(points: readonly Point[]): Map<string, Point> {
  const latest = new Map<string, Point>();
  for (const p of points) {
    const current = latest.get(p.key);
    if (!current || strictlyGreater(p, current)) latest.set(p.key, p);
  }
  return latest;
}

describe.each(testDialects())('metric, param and tag writes on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'perf_writes');
    experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'writes' })).body.experiment_id;
  });
  afterAll(async () => server?.close());

  async function createRun(): Promise<string> {
    const res = await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1 });
    expect(res.status).toBe(200);
    return res.body.run.info.run_id;
  }

  async function post(path: string, body: string): Promise<{ status: number; body: any }> {
    const res = await server.app.inject({ method: 'POST', url: `${API}${path}`, headers: { 'content-type': 'application/json' }, payload: body });
    return { status: res.statusCode, body: parseExact(res.body) };
  }

  async function logPoints(runId: string, points: readonly Point[]): Promise<void> {
    const res =
      points.length === 1
        ? await post('/runs/log-metric', `{"run_id": "${runId}", ${pointJson(points[0] as Point).slice(1)}`)
        : await post('/runs/log-batch', `{"run_id": "${runId}", "metrics": [${points.map(pointJson).join(', ')}]}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function runData(runId: string): Promise<any> {
    const res = await server.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${runId}` });
    return parseExact(res.body).run.data;
  }

  async function latestOf(runId: string): Promise<Map<string, Record<string, unknown>>> {
    return new Map((await runData(runId)).metrics.map((m: any) => [m.key, m]));
  }

  it('keeps the first strictly greatest (step, timestamp, value) per key, in any batch split', async () => {
    const random = prng(20261126);
    for (let round = 0; round < 3; round++) {
      const runId = await createRun();
      const points = randomPoints(random, 300, ['a', 'b', 'c', 'd', 'e']);
      for (let i = 0; i < points.length; ) {
        const size = random() < 0.3 ? 1 : 1 + Math.floor(random() * 60);
        await logPoints(runId, points.slice(i, i + size));
        i += size;
      }
      const expected = expectedLatest(points);
      const got = await latestOf(runId);
      expect(got.size).toBe(expected.size);
      for (const [key, p] of expected) expect(got.get(key), `key ${key}, round ${round}`).toEqual(wireMetric(p));
    }
  });

  it('stores identical points of one batch once, and NaN as 0 with is_nan', async () => {
    const runId = await createRun();
    const same: Point = { key: 'dup', value: 0.25, timestamp: 7, step: 3 };
    const nan: Point = { key: 'dup', value: NaN, timestamp: 7, step: 3 };
    await logPoints(runId, [same, nan, same, nan, { ...same }]);
    const history = parseExact((await server.app.inject({ method: 'GET', url: `${API}/metrics/get-history?run_id=${runId}&metric_key=dup` })).body);
    expect(history.metrics).toHaveLength(2);
    expect(history.metrics.map((m: any) => m.value).sort()).toEqual([0.25, 'NaN']);
    // 0.25 > 0 (the stored form of NaN) at the same step and timestamp
    expect((await latestOf(runId)).get('dup')).toEqual({ key: 'dup', value: 0.25, timestamp: 7, step: 3 });
    // a NaN at the same step and timestamp does not replace a stored 0 (not strictly greater)
    await logPoints(runId, [{ key: 'zero', value: 0, timestamp: 1, step: 1 }]);
    await logPoints(runId, [{ key: 'zero', value: NaN, timestamp: 1, step: 1 }]);
    expect((await latestOf(runId)).get('zero')).toEqual({ key: 'zero', value: 0, timestamp: 1, step: 1 });
  });

  it('treats a stored NULL timestamp as 0 when deciding what is newer', async () => {
    const runId = await createRun();
    const database = Database.open(server.database.uri);
    try {
      await database.write((tx) =>
        tx
          .insertInto('latest_metrics')
          .values({ run_uuid: runId, key: 'legacy', value: 1, timestamp: null, step: 5, is_nan: dialect.dialect === 'postgres' ? false : 0 } as never)
          .execute(),
      );
    } finally {
      await database.close();
    }
    await logPoints(runId, [{ key: 'legacy', value: 0.5, timestamp: 0, step: 5 }]);
    expect((await latestOf(runId)).get('legacy')).toEqual({ key: 'legacy', value: 1, timestamp: 0, step: 5 });
    await logPoints(runId, [{ key: 'legacy', value: 2, timestamp: 0, step: 5 }]);
    expect((await latestOf(runId)).get('legacy')).toEqual({ key: 'legacy', value: 2, timestamp: 0, step: 5 });
  });

  it('ends with the greatest point of all when many requests write to one run at once', async () => {
    const runId = await createRun();
    const random = prng(7);
    const writers = Array.from({ length: 16 }, (_, w) =>
      Array.from({ length: 5 }, (_, b) => randomPoints(random, 1 + Math.floor(random() * 40), ['x', 'y', 'z']).map((p, i) => ({ ...p, value: w * 1e6 + b * 1e3 + i }))),
    );
    await Promise.all(writers.map(async (batches) => { for (const batch of batches) await logPoints(runId, batch); }));
    // distinct values: whatever the commit order, the strictly greatest point wins
    const all = writers.flat(2);
    const got = await latestOf(runId);
    for (const [key, p] of expectedLatest(all)) expect(got.get(key)).toEqual(wireMetric(p));
    const history = parseExact((await server.app.inject({ method: 'GET', url: `${API}/metrics/get-history?run_id=${runId}&metric_key=x` })).body);
    expect(history.metrics).toHaveLength(all.filter((p) => p.key === 'x').length);
  });

  it('writes nothing of a log-batch whose params conflict', async () => {
    const runId = await createRun();
    expect((await post('/runs/log-parameter', `{"run_id": "${runId}", "key": "p1", "value": "a"}`)).status).toBe(200);
    await logPoints(runId, [{ key: 'm', value: 1, timestamp: 1, step: 1 }]);
    const batch = {
      run_id: runId,
      params: [{ key: 'p0', value: 'x' }, { key: 'p1', value: 'b' }],
      metrics: [{ key: 'm', value: 9, timestamp: 9, step: 9 }, { key: 'n', value: 1, timestamp: 1, step: 1 }],
      tags: [{ key: 't', value: 'v' }],
    };
    const res = await post('/runs/log-batch', JSON.stringify(batch));
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const data = await runData(runId);
    expect(data.params).toEqual([{ key: 'p1', value: 'a' }]);
    expect(data.metrics).toEqual([{ key: 'm', value: 1, timestamp: 1, step: 1 }]);
    expect((data.tags ?? []).filter((t: any) => t.key === 't')).toEqual([]);
  });

  it('logs 100 new params and upserts tags in one batch, the last value of a tag winning', async () => {
    const runId = await createRun();
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `param_${i}`, value: `value-${i}` }));
    const tags = [{ key: 'a', value: '1' }, { key: 'mlflow.runName', value: 'renamed' }, { key: 'a', value: '2' }];
    expect((await post('/runs/log-batch', JSON.stringify({ run_id: runId, params, tags }))).status).toBe(200);
    expect((await post('/runs/log-batch', JSON.stringify({ run_id: runId, params: params.slice(0, 10), tags: [{ key: 'a', value: '3' }] }))).status).toBe(200);
    const data = await runData(runId);
    expect(data.params).toHaveLength(100);
    expect(new Map(data.params.map((p: any) => [p.key, p.value])).get('param_42')).toBe('value-42');
    expect(data.tags).toEqual(expect.arrayContaining([{ key: 'a', value: '3' }, { key: 'mlflow.runName', value: 'renamed' }]));
    const info = (await call(server.app, 'GET', `${API}/runs/get?run_id=${runId}`)).body.run.info;
    expect(info.run_name).toBe('renamed');
  });
});
