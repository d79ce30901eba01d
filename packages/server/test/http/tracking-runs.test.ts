import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

describe.each(testDialects())('tracking runs over HTTP on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'tracking_runs');
    const res = await call(server.app, 'POST', `${API}/experiments/create`, { name: 'runs' });
    experimentId = res.body.experiment_id;
  });
  afterAll(async () => server?.close());

  async function createRun(extra: Record<string, unknown> = {}) {
    const res = await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1000, ...extra });
    expect(res.status).toBe(200);
    return res.body.run;
  }

  it('creates a run with MLflow defaults and an artifact location under the experiment', async () => {
    const run = await createRun({ run_name: 'first', user_id: 'alice', tags: [{ key: 'team', value: 'a' }] });
    expect(run.info).toMatchObject({
      experiment_id: experimentId,
      run_name: 'first',
      user_id: 'alice',
      status: 'RUNNING',
      start_time: 1000,
      lifecycle_stage: 'active',
    });
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info.run_uuid).toBe(run.info.run_id);
    expect(run.info.artifact_uri).toBe(`${server.artifactRoot}/${experimentId}/${run.info.run_id}/artifacts`);
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'a' }, { key: 'mlflow.runName', value: 'first' }]));
    // MLflow 3.x answers runs/create with an empty `inputs` (2.12.2 with none: logged-models.test.ts)
    expect(run.inputs).toEqual({});
    expect(run.outputs).toBeUndefined();
  });

  it('rejects a run name that contradicts the mlflow.runName tag', async () => {
    const res = await call(server.app, 'POST', `${API}/runs/create`, {
      experiment_id: experimentId,
      run_name: 'a',
      tags: [{ key: 'mlflow.runName', value: 'b' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('logs metrics, keeps the latest by (step, timestamp, value) and returns the history', async () => {
    const run = await createRun();
    const log = (value: unknown, timestamp: number, step: number) =>
      call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: run.info.run_id, key: 'm', value, timestamp, step });
    expect((await log(0.5, 10, 1)).status).toBe(200);
    expect((await log(0.7, 5, 2)).status).toBe(200);
    expect((await log(0.9, 20, 1)).status).toBe(200);
    expect((await log(0.9, 20, 1)).status).toBe(200); // duplicate point: silent no-op
    const got = await call(server.app, 'GET', `${API}/runs/get?run_id=${run.info.run_id}`);
    expect(got.body.run.data.metrics).toEqual([{ key: 'm', value: 0.7, timestamp: 5, step: 2 }]);
    const history = await call(server.app, 'GET', `${API}/metrics/get-history?run_id=${run.info.run_id}&metric_key=m`);
    expect(history.body.metrics).toHaveLength(3);
  });

  it('stores NaN as is_nan and returns "NaN"; infinities as the largest double', async () => {
    const run = await createRun();
    await call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: run.info.run_id, key: 'nan', value: 'NaN', timestamp: 1 });
    await call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: run.info.run_id, key: 'inf', value: 'Infinity', timestamp: 1 });
    // a bare NaN literal (Python's json.dumps writes one) keeps its value instead of becoming 0
    await call(server.app, 'POST', `${API}/runs/log-metric`, `{"run_id": "${run.info.run_id}", "key": "bare", "value": NaN, "timestamp": 3}`);
    const got = await call(server.app, 'GET', `${API}/runs/get?run_id=${run.info.run_id}`);
    const byKey = Object.fromEntries(got.body.run.data.metrics.map((m: { key: string }) => [m.key, m]));
    expect(byKey.nan.value).toBe('NaN');
    expect(byKey.inf.value).toBe(1.7976931348623157e308);
    expect(byKey.bare).toEqual({ key: 'bare', value: 'NaN', timestamp: 3, step: 0 });
  });

  it('keeps int64 steps and timestamps exact beyond 2^53', async () => {
    const run = await createRun();
    const body = `{"run_id": "${run.info.run_id}", "key": "big", "value": 1.5, "timestamp": 9007199254740993, "step": 9223372036854775807}`;
    expect((await call(server.app, 'POST', `${API}/runs/log-metric`, body)).status).toBe(200);
    const res = await server.app.inject({ method: 'GET', url: `${API}/metrics/get-history?run_id=${run.info.run_id}&metric_key=big` });
    expect(res.body).toContain('"timestamp":9007199254740993');
    expect(res.body).toContain('"step":9223372036854775807');
    // on SQLite the history arrives as bytes, with the header of every other JSON reply, and a
    // non-ASCII key comes back as the same characters
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    await call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: run.info.run_id, key: 'lösung 数', value: 2, timestamp: 1 });
    const unicode = await server.app.inject({ method: 'GET', url: `${API}/metrics/get-history?run_id=${run.info.run_id}&metric_key=${encodeURIComponent('lösung 数')}` });
    expect(unicode.json()).toEqual({ metrics: [{ key: 'lösung 数', value: 2.0, timestamp: 1, step: 0 }] });
    const page = await server.app.inject({ method: 'POST', url: `${API}/runs/search`, payload: { experiment_ids: [run.info.experiment_id] } });
    expect(page.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(page.json().runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toContain(run.info.run_id);
  });

  it('params are write-once: same value is a no-op, a different value is rejected', async () => {
    const run = await createRun();
    const log = (value: string) => call(server.app, 'POST', `${API}/runs/log-parameter`, { run_id: run.info.run_id, key: 'p', value });
    expect((await log('1')).status).toBe(200);
    expect((await log('1')).status).toBe(200);
    const conflict = await log('2');
    expect(conflict.status).toBe(400);
    expect(conflict.body.message).toBe(
      `Changing param values is not allowed. Param with key='p' was already logged with value='1' for run ID='${run.info.run_id}'. Attempted logging new value '2'.`,
    );
  });

  it('log-batch is all-or-nothing', async () => {
    const run = await createRun();
    await call(server.app, 'POST', `${API}/runs/log-parameter`, { run_id: run.info.run_id, key: 'p', value: 'old' });
    const res = await call(server.app, 'POST', `${API}/runs/log-batch`, {
      run_id: run.info.run_id,
      metrics: [{ key: 'm', value: 1, timestamp: 1 }],
      params: [{ key: 'q', value: 'x' }, { key: 'p', value: 'new' }],
      tags: [{ key: 't', value: 'v' }],
    });
    expect(res.status).toBe(400);
    const got = await call(server.app, 'GET', `${API}/runs/get?run_id=${run.info.run_id}`);
    expect(got.body.run.data.metrics).toBeUndefined();
    expect(got.body.run.data.params).toEqual([{ key: 'p', value: 'old' }]);
    expect(got.body.run.data.tags.map((t: { key: string }) => t.key)).toEqual(['mlflow.runName']);
  });

  it('updates, deletes and restores a run; writes to a deleted run are refused', async () => {
    const run = await createRun();
    const id = run.info.run_id;
    const upd = await call(server.app, 'POST', `${API}/runs/update`, { run_id: id, status: 'FINISHED', end_time: 2000, run_name: 'renamed' });
    expect(upd.body.run_info).toMatchObject({ status: 'FINISHED', end_time: 2000, run_name: 'renamed' });
    expect((await call(server.app, 'POST', `${API}/runs/delete`, { run_id: id })).status).toBe(200);
    const refused = await call(server.app, 'POST', `${API}/runs/set-tag`, { run_id: id, key: 'k', value: 'v' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(`The run ${id} must be in the 'active' state. Current state is deleted.`);
    expect((await call(server.app, 'POST', `${API}/runs/restore`, { run_id: id })).status).toBe(200);
    const got = await call(server.app, 'GET', `${API}/runs/get?run_id=${id}`);
    expect(got.body.run.info.lifecycle_stage).toBe('active');
    expect(got.body.run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
  });

  it('rejects an unknown run status instead of ignoring it', async () => {
    const run = await createRun();
    const res = await call(server.app, 'POST', `${API}/runs/update`, { run_id: run.info.run_id, status: 'DONE' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("parameter 'status'");
  });

  it('answers unknown runs with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await call(server.app, 'GET', `${API}/runs/get?run_id=0123456789abcdef0123456789abcdef`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=0123456789abcdef0123456789abcdef not found' });
  });
});
