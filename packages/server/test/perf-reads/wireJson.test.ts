/**
 * SQLite writes search pages' JSON in SQL (tracking/store/wireJsonSql.ts) while runs/get goes
 * through the presenter: both must say the same thing about every kind of run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../src/http/json.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

describe.each(testDialects())('runs/search and runs/get agree on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'wire_json');
    experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'wire' })).body.experiment_id;
  });
  afterAll(async () => server?.close());

  async function compare(runId: string) {
    const got = await server.app.inject({ method: 'GET', url: `${API}/runs/get?run_id=${runId}` });
    const found = await server.app.inject({
      method: 'POST',
      url: `${API}/runs/search`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ experiment_ids: [experimentId], filter: `attributes.run_id = '${runId}'` }),
    });
    const run = (parseJson(got.body) as { run: unknown }).run;
    expect(parseJson(found.body)).toEqual({ runs: [run] });
    return run as any;
  }

  it('a bare run: no end time, data {} apart from the run name, inputs {}', async () => {
    const runId = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId })).body.run.info.run_id;
    const run = await compare(runId);
    expect(run.info.end_time).toBeUndefined();
    expect(run.inputs).toEqual({});
  });

  it('a run with dataset inputs, with and without tags, schema and profile', async () => {
    const runId = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, run_name: 'ds', start_time: 5 })).body.run.info.run_id;
    const res = await call(server.app, 'POST', `${API}/runs/log-inputs`, {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'train' }, { key: 'k', value: 'ü "q"' }],
          dataset: { name: 'full', digest: 'd1', source_type: 'local', source: '{"uri": "x"}', schema: '{"a": 1}', profile: '{"rows": 3}' },
        },
        { dataset: { name: 'bare', digest: 'd2', source_type: 'code', source: 's' } },
      ],
    });
    expect(res.status).toBe(200);
    await call(server.app, 'POST', `${API}/runs/update`, { run_id: runId, status: 'FAILED', end_time: 9 });
    await call(server.app, 'POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ key: 'a', value: 'NaN', timestamp: 1 }, { key: 'b', value: 2, timestamp: 2, step: -3 },
        { key: 'inf', value: 'Infinity', timestamp: 3 },
        { key: 'third', value: 1 / 3, timestamp: 9007199254740993n.toString() as unknown as number },
      ],
      params: [{ key: 'p', value: '' }],
      tags: [{ key: 'empty', value: '' }],
    });
    const run = await compare(runId);
    expect(run.inputs.dataset_inputs).toHaveLength(2);
    expect(String(run.data.metrics.find((m: any) => m.key === 'third').timestamp)).toBe('9007199254740993');
    const bare = run.inputs.dataset_inputs.find((d: any) => d.dataset.name === 'bare');
    expect(bare).toEqual({ dataset: { name: 'bare', digest: 'd2', source_type: 'code', source: 's' } });
  });
});
