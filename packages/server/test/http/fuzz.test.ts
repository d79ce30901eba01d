/**
 * Random requests to every endpoint: well-typed, mistyped and hostile values (path tricks, NUL,
 * huge numbers, long strings, long lists, broken JSON, nesting past the limits), half of them
 * naming a real experiment, run or model. Whatever comes in, the answer is never a 5xx, every
 * error is MLflow's envelope, and the server keeps serving. The generator is seeded, so a
 * failure replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '@darwin-mlflow/contract';
import type { FieldDef, MessageType } from '@darwin-mlflow/contract';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const PER_ENDPOINT = 150;

/** A small deterministic PRNG (LCG), so that every run sends the same requests. */
function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

const NUMBERS = [0, -1, 1, 2 ** 53, -(2 ** 63), 1e308, 0.5, 1_000_000, 2_147_483_648, 50_001];
/** Nested 150 levels deep: past the JSON depth limit. */
const DEEP = JSON.parse('['.repeat(150) + ']'.repeat(150)) as unknown;
const CONFUSED = [null, true, false, {}, [], 'str', 1.5, -7, [1, 'a'], { a: 1 }, DEEP];

describe.each(testDialects())('random requests to every endpoint on $dialect', (dialect) => {
  let server: TestServer;
  let strings: string[];

  beforeAll(async () => {
    server = await startTestApp(dialect, 'fuzz');
    const experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'fuzz' })).body.experiment_id;
    const runId = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId })).body.run.info.run_id;
    await call(server.app, 'POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'v' }],
    });
    await call(server.app, 'POST', `${API}/registered-models/create`, { name: 'fuzzmodel' });
    await call(server.app, 'POST', `${API}/model-versions/create`, { name: 'fuzzmodel', source: 'mlflow-artifacts:/x', run_id: runId });
    strings = [
      ...['', ' ', 'a', '..', '../../etc/passwd', '%2e%2e/', '\u0000', 'ü', 'x'.repeat(9000), '`', "'", '"', '\\'],
      ...['NaN', 'Infinity', '-1', '1e309', '99999999999999999999999', 'null', '{}', '[]', '0', '1', 'Production', 'latest'],
      ...['metrics.m > 0', "name = 'x' AND", 'attribute.x = 1', "tags.`a` LIKE '%'", 'models:/x/1', 'file:///etc', 's3://b/k'],
      ...['http://127.0.0.1:1/', 'fuzzmodel', 'champion', experimentId, runId],
    ];
  });
  afterAll(async () => server?.close());

  it('never answers 5xx, always in the MLflow envelope, and keeps serving', async () => {
    const random = generator(20261126);
    const value = (def: FieldDef, depth: number): unknown => {
      if (random.next() < 0.15) return random.pick(CONFUSED);
      const one = (): unknown => {
        const type = def.type;
        if (typeof type === 'string') {
          if (type === 'string') return random.pick(strings);
          if (type === 'bool') return random.pick([true, false, 'true', 'yes', 1]);
          return random.next() < 0.3 ? random.pick(strings) : random.pick(NUMBERS);
        }
        if (type.kind === 'enum') return random.next() < 0.7 ? random.pick(Object.keys(type.values)) : random.pick(strings);
        return depth > 3 ? {} : message(type, depth + 1);
      };
      if (!def.repeated) return one();
      const length = Math.floor(random.next() * 4) * (random.next() < 0.05 ? 400 : 1);
      return Array.from({ length }, one);
    };
    const message = (type: MessageType, depth = 0): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [name, def] of Object.entries(type.fields)) if (random.next() < 0.7) out[name] = value(def, depth);
      if (random.next() < 0.1) out.unknown_field = 1;
      return out;
    };
    const queryString = (body: Record<string, unknown>): string => {
      const params = new URLSearchParams();
      const text = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
      for (const [k, v] of Object.entries(body)) {
        if (Array.isArray(v)) for (const item of v) params.append(random.next() < 0.2 ? `${k}[]` : k, text(item));
        else if (random.next() < 0.03) params.append(`${k}${'[x]'.repeat(150)}`, text(v));
        else params.append(k, text(v));
      }
      return params.toString();
    };

    const failures: string[] = [];
    for (const endpoint of ENDPOINTS) {
      for (let i = 0; i < PER_ENDPOINT; i++) {
        const body = message(endpoint.request);
        const method = random.pick(endpoint.methods);
        const url = `${random.pick(['/api/2.0', '/ajax-api/2.0'])}${endpoint.path}`;
        const res =
          method === 'GET'
            ? await server.app.inject({ method, url: `${url}?${queryString(body)}` })
            : await server.app.inject({
                method,
                url,
                headers: { 'content-type': 'application/json' },
                payload: random.next() < 0.05 ? '{"broken": ' : JSON.stringify(body),
              });
        let envelope = res.statusCode < 400;
        if (!envelope) {
          try {
            const parsed = JSON.parse(res.body) as { error_code?: unknown; message?: unknown };
            envelope = typeof parsed.error_code === 'string' && typeof parsed.message === 'string';
          } catch {
            envelope = false;
          }
        }
        if (res.statusCode >= 500 || !envelope) {
          failures.push(`${res.statusCode} ${method} ${endpoint.name} ${JSON.stringify(body).slice(0, 200)} -> ${res.body.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect((await server.app.inject({ method: 'GET', url: '/health' })).body).toBe('OK');
  }, 120_000);
});
