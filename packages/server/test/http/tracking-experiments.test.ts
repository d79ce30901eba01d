import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

describe.each(testDialects())('tracking experiments over HTTP on $dialect', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'tracking_experiments');
  });
  afterAll(async () => server?.close());

  const create = (body: unknown) => call(server.app, 'POST', `${API}/experiments/create`, body);

  it('creates the Default experiment 0 at startup', async () => {
    const res = await call(server.app, 'GET', `${API}/experiments/get?experiment_id=0`);
    expect(res.body.experiment).toMatchObject({
      experiment_id: '0',
      name: 'Default',
      artifact_location: `${server.artifactRoot}/0`,
      lifecycle_stage: 'active',
    });
  });

  it('creates an experiment with tags and derives its artifact location', async () => {
    const res = await create({ name: 'exp-a', tags: [{ key: 'k', value: 'v' }] });
    expect(res.status).toBe(200);
    const id = res.body.experiment_id;
    expect(id).toMatch(/^\d+$/);
    const got = await call(server.app, 'GET', `${API}/experiments/get?experiment_id=${id}`);
    expect(got.body.experiment).toMatchObject({ name: 'exp-a', artifact_location: `${server.artifactRoot}/${id}`, tags: [{ key: 'k', value: 'v' }] });
    expect(got.body.experiment.creation_time).toBeGreaterThan(0);
    expect(got.body.experiment.last_update_time).toBe(got.body.experiment.creation_time);
  });

  it('refuses a duplicate name with RESOURCE_ALREADY_EXISTS (400)', async () => {
    await create({ name: 'dup' });
    const again = await create({ name: 'dup' });
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(again.body.message).toMatch(/^Experiment\(name=dup\) already exists\. Error: /);
  });

  it('makes a relative artifact location absolute and rejects fragments and traversal', async () => {
    const rel = await create({ name: 'rel', artifact_location: 'relative/dir' });
    const got = await call(server.app, 'GET', `${API}/experiments/get?experiment_id=${rel.body.experiment_id}`);
    expect(got.body.experiment.artifact_location).toBe(`${server.artifactRoot}/relative/dir`);
    const fragment = await create({ name: 'frag', artifact_location: 's3://b/p#x' });
    expect(fragment.body.message).toBe("'artifact_location' URL can't include fragments or params.");
    const query = await create({ name: 'query', artifact_location: 's3://b/p?x=%2E%2E%2F' });
    expect(query.body.message).toBe('Invalid query string');
    const traversal = await create({ name: 'trav', artifact_location: 's3://b/p/%2e%2e/other' });
    expect(traversal.status).toBe(400);
    expect((await call(server.app, 'GET', `${API}/experiments/get-by-name?experiment_name=trav`)).status).toBe(404);
  });

  it('deletes and restores an experiment with all of its runs', async () => {
    const id = (await create({ name: 'lifecycle' })).body.experiment_id;
    const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: id })).body.run.info.run_id;
    expect((await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: id })).status).toBe(200);
    const deletedRun = await call(server.app, 'GET', `${API}/runs/get?run_id=${run}`);
    expect(deletedRun.body.run.info.lifecycle_stage).toBe('deleted');
    const again = await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: id });
    expect(again.status).toBe(404);
    const newRun = await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: id });
    expect(newRun.body.message).toBe(`The experiment ${id} must be in the 'active' state. Current state is deleted.`);
    const rename = await call(server.app, 'POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'x' });
    expect(rename.status).toBe(500);
    expect(rename.body.error_code).toBe('INVALID_STATE');
    expect((await call(server.app, 'POST', `${API}/experiments/restore`, { experiment_id: id })).status).toBe(200);
    expect((await call(server.app, 'GET', `${API}/runs/get?run_id=${run}`)).body.run.info.lifecycle_stage).toBe('active');
  });

  it('renames and tags experiments; get-by-name finds deleted ones too', async () => {
    const id = (await create({ name: 'before' })).body.experiment_id;
    expect((await call(server.app, 'POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'after' })).status).toBe(200);
    expect((await call(server.app, 'POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'a', value: '1' })).status).toBe(200);
    expect((await call(server.app, 'POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'a', value: '2' })).status).toBe(200);
    await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: id });
    const got = await call(server.app, 'GET', `${API}/experiments/get-by-name?experiment_name=after`);
    expect(got.body.experiment).toMatchObject({ experiment_id: id, lifecycle_stage: 'deleted', tags: [{ key: 'a', value: '2' }] });
    const missing = await call(server.app, 'GET', `${API}/experiments/get-by-name?experiment_name=before`);
    expect(missing.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'before'" });
  });

  it('concurrent creates of one name give exactly one experiment', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => create({ name: 'race' })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });
});
