/**
 * Parallel registry writes over a real socket: version numbers are allocated under a lock on
 * the model's row, so 20 simultaneous creates get 1..20 with no failure; simultaneous creates
 * of one model name give exactly one success; creates across many models take no retries
 * (no deadlocks between models).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const PARALLEL = 20;

describe.each(testDialects())('registry concurrency over real HTTP on $dialect', (dialect) => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    const prometheus = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-prom-'));
    server = await startTestApp(dialect, 'registry_concurrency', ['--expose-prometheus', prometheus]);
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => server?.close());

  async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}/api/2.0/mlflow${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  it(`${PARALLEL} parallel model-versions/create get versions 1..${PARALLEL}, all 200`, async () => {
    expect((await post('/registered-models/create', { name: 'parallel-versions' })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        post('/model-versions/create', { name: 'parallel-versions', source: `s3://bucket/model-${i}`, tags: [{ key: 'i', value: String(i) }] }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(PARALLEL).fill(200));
    const versions = results.map((r) => Number(r.body.model_version.version)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: PARALLEL }, (_, i) => i + 1));
    // each response describes its own row
    for (const r of results) {
      const tag = r.body.model_version.tags[0].value;
      expect(r.body.model_version.source).toBe(`s3://bucket/model-${tag}`);
    }
    const search = await fetch(`${base}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name = 'parallel-versions'")}`);
    expect(((await search.json()) as any).model_versions).toHaveLength(PARALLEL);
  });

  it('first and second versions of 60 models, 16 at a time, take no write retries', async () => {
    const retries = async () => Number(/^darwin_db_write_retries_total (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
    const names = Array.from({ length: 60 }, (_, i) => `many-${i}`);
    for (const name of names) expect((await post('/registered-models/create', { name })).status).toBe(200);
    const before = await retries();
    const jobs = [...names, ...names];
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < jobs.length) {
          const name = jobs[next++] as string;
          statuses.push((await post('/model-versions/create', { name, source: `s3://bucket/${name}` })).status);
        }
      }),
    );
    expect(statuses).toEqual(Array(jobs.length).fill(200));
    // on MySQL a locking read of the model's last version also locked the gap after it, which the
    // next model's first version shares: such creates deadlocked and were run again
    expect(await retries()).toBe(before);
  });

  it('parallel creates across models and deletes do not block each other or reuse numbers', async () => {
    await post('/registered-models/create', { name: 'mixed-a' });
    await post('/registered-models/create', { name: 'mixed-b' });
    const first = await post('/model-versions/create', { name: 'mixed-a', source: 's3://b/first' });
    expect(first.body.model_version.version).toBe('1');
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => post('/model-versions/create', { name: 'mixed-a', source: 's3://b/a' })),
      ...Array.from({ length: 5 }, () => post('/model-versions/create', { name: 'mixed-b', source: 's3://b/b' })),
      fetch(`${base}/api/2.0/mlflow/model-versions/delete`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'mixed-a', version: '1' }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(11).fill(200));
    const numbers = (name: string) =>
      results
        .filter((r) => r.body.model_version?.name === name)
        .map((r) => Number(r.body.model_version.version))
        .sort((a, b) => a - b);
    expect(numbers('mixed-a')).toEqual([2, 3, 4, 5, 6]);
    expect(numbers('mixed-b')).toEqual([1, 2, 3, 4, 5]);
  });

  it(`${PARALLEL} parallel registered-models/create of one name: exactly one success, the rest RESOURCE_ALREADY_EXISTS`, async () => {
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => post('/registered-models/create', { name: 'same-name', tags: [{ key: 'i', value: String(i) }] })),
    );
    const succeeded = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(succeeded).toHaveLength(1);
    expect(refused.map((r) => [r.status, r.body.error_code])).toEqual(Array(PARALLEL - 1).fill([400, 'RESOURCE_ALREADY_EXISTS']));
    const got = await fetch(`${base}/api/2.0/mlflow/registered-models/get?name=same-name`);
    const model = ((await got.json()) as any).registered_model;
    expect(model.tags).toEqual(succeeded[0]?.body.registered_model.tags);
  });
});
