/**
 * MLflow 3.x's logged models over HTTP on every database: create, get, finalize, tags, params,
 * delete, search (filter, datasets, order_by, pages), and the run side (metrics with model_id,
 * model inputs, runs/outputs). And on a database at MLflow 2.12.2's schema: the same routes
 * answer the error naming `darwin-mlflow db upgrade`, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpSchema } from '../../src/db/schemaDump.js';
import { Database } from '../../src/db/database.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

for (const dialect of testDialects()) {
  describe(`logged models on ${dialect.dialect}`, () => {
    let server: TestServer;
    let experimentId: string;
    beforeAll(async () => {
      server = await startTestApp(dialect, 'logged_models');
      experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'lm' })).body.experiment_id;
    });
    afterAll(async () => server?.close());

    const create = async (body: object) => {
      const res = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: experimentId, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.model;
    };

    it('creates a pending model under the experiment location, with a generated name', async () => {
      const model = await create({ params: [{ key: 'p', value: 'v' }], tags: [{ key: 't', value: 'x' }] });
      expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
      expect(model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect(model.info.status).toBe('LOGGED_MODEL_PENDING');
      expect(model.info.model_type).toBe('');
      expect(model.info.source_run_id).toBe('');
      expect(model.info.artifact_uri).toBe(`${server.artifactRoot}/${experimentId}/models/${model.info.model_id}/artifacts`);
      expect(model.info.tags).toEqual([{ key: 't', value: 'x' }]);
      expect(model.data.params).toEqual([{ key: 'p', value: 'v' }]);
      const got = await call(server.app, 'GET', `${API}/logged-models/${model.info.model_id}`);
      expect(got.body).toEqual({ model });
    });

    it('refuses names MLflow refuses and unknown experiments', async () => {
      const bad = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: experimentId, name: 'a/b' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain("Invalid model name ('a/b') provided.");
      const missing = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: '999' });
      expect(missing.status).toBe(404);
      const noExperiment = await call(server.app, 'POST', `${API}/logged-models`, {});
      expect(noExperiment.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters." });
    });

    it('finalizes, sets and deletes tags, logs params, deletes', async () => {
      const { info } = await create({ name: 'm1', model_type: 'LLM' });
      const id = info.model_id as string;
      const done = await call(server.app, 'PATCH', `${API}/logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' });
      expect(done.body.model.info.status).toBe('LOGGED_MODEL_READY');
      expect(await call(server.app, 'PATCH', `${API}/logged-models/${id}/tags`, { tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })).toMatchObject({ status: 200, body: {} });
      expect(await call(server.app, 'POST', `${API}/logged-models/${id}/params`, { model_id: id, params: [{ key: 'lr', value: '0.1' }] })).toMatchObject({ status: 200 });
      const got = (await call(server.app, 'GET', `${API}/logged-models/${id}`)).body.model;
      expect(got.info.tags).toEqual([{ key: 'a', value: '2' }]);
      expect(got.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect((await call(server.app, 'DELETE', `${API}/logged-models/${id}/tags/a`)).status).toBe(200);
      const again = await call(server.app, 'DELETE', `${API}/logged-models/${id}/tags/a`);
      expect(again.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No tag with key 'a' found for model with ID '${id}'.` });
      expect((await call(server.app, 'DELETE', `${API}/logged-models/${id}`, { model_id: id })).status).toBe(200);
      const gone = await call(server.app, 'GET', `${API}/logged-models/${id}`);
      expect(gone).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Logged model with ID '${id}' not found.` } });
    });

    it('links metrics, inputs and outputs of runs to models', async () => {
      const { info } = await create({ name: 'linked' });
      const id = info.model_id as string;
      const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId, start_time: 1 })).body.run;
      expect(run.inputs).toEqual({});
      expect(run.outputs).toBeUndefined();
      const runId = run.info.run_id as string;
      const metric = { run_id: runId, key: 'acc', value: 0.5, timestamp: 10, step: 1, model_id: id, dataset_name: 'd', dataset_digest: 'x' };
      expect((await call(server.app, 'POST', `${API}/runs/log-metric`, metric)).status).toBe(200);
      const batch = { run_id: runId, metrics: [{ key: 'loss', value: 2, timestamp: 11, step: 0, model_id: id }] };
      expect((await call(server.app, 'POST', `${API}/runs/log-batch`, batch)).status).toBe(200);
      expect((await call(server.app, 'POST', `${API}/runs/log-inputs`, { run_id: runId, models: [{ model_id: id }] })).status).toBe(200);
      expect((await call(server.app, 'POST', `${API}/runs/outputs`, { run_id: runId, models: [{ model_id: id, step: 3 }] })).status).toBe(200);
      const got = (await call(server.app, 'GET', `${API}/runs/get?run_id=${runId}`)).body.run;
      expect(got.inputs).toEqual({ model_inputs: [{ model_id: id }] });
      expect(got.outputs).toEqual({ model_outputs: [{ model_id: id, step: 3 }] });
      const searched = (await call(server.app, 'POST', `${API}/runs/search`, { experiment_ids: [experimentId] })).body.runs;
      expect(searched.find((r: any) => r.info.run_id === runId)).toEqual(got);
      const model = (await call(server.app, 'GET', `${API}/logged-models/${id}`)).body.model;
      const metrics = [...model.data.metrics].sort((a: any, b: any) => a.key.localeCompare(b.key));
      expect(metrics).toEqual([
        { key: 'acc', value: 0.5, timestamp: 10, step: 1, dataset_name: 'd', dataset_digest: 'x', model_id: id, run_id: runId },
        { key: 'loss', value: 2, timestamp: 11, step: 0, model_id: id, run_id: runId },
      ]);
    });

    it('searches with filters, datasets, order_by and pages', async () => {
      const exp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'lm-search' })).body.experiment_id;
      const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: exp, start_time: 1 })).body.run.info.run_id;
      const ids: string[] = [];
      for (const [i, acc] of [0.1, 0.9, 0.5].entries()) {
        const res = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: exp, name: `s${i}`, params: [{ key: 'k', value: i === 1 ? 'v' : 'w' }] });
        ids.push(res.body.model.info.model_id);
        await call(server.app, 'POST', `${API}/runs/log-metric`, { run_id: run, key: 'acc', value: acc, timestamp: 5, step: 0, model_id: ids[i], dataset_name: 'eval', dataset_digest: 'd1' });
        await new Promise((r) => setTimeout(r, 2));
      }
      const search = async (body: object) => {
        const res = await call(server.app, 'POST', `${API}/logged-models/search`, { experiment_ids: [exp], ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body;
      };
      const names = (b: any) => (b.models ?? []).map((m: any) => m.info.name);
      expect(names(await search({}))).toEqual(['s2', 's1', 's0']);
      expect(names(await search({ filter: "params.k = 'v' AND metrics.acc > 0.5" }))).toEqual(['s1']);
      expect(names(await search({ filter: "name IN ('s0', 's2')" }))).toEqual(['s2', 's0']);
      expect(names(await search({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval' }] }))).toEqual(['s1', 's2', 's0']);
      expect(names(await search({ datasets: [{ dataset_name: 'eval', dataset_digest: 'd1' }] }))).toEqual(['s2', 's1', 's0']);
      expect(names(await search({ datasets: [{ dataset_name: 'other', dataset_digest: 'd1' }] }))).toEqual([]);
      const first = await search({ max_results: 2 });
      expect(names(first)).toEqual(['s2', 's1']);
      const second = await search({ max_results: 2, page_token: first.next_page_token });
      expect(names(second)).toEqual(['s0']);
      expect(second.next_page_token).toBeUndefined();
      const wrong = await call(server.app, 'POST', `${API}/logged-models/search`, { experiment_ids: ['0'], page_token: first.next_page_token });
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toContain('Experiment IDs in the page token do not match');
      const badOp = await call(server.app, 'POST', `${API}/logged-models/search`, { experiment_ids: [exp], filter: 'metrics.acc LIKE 1' });
      expect(badOp.status).toBe(400);
      const badOrder = await call(server.app, 'POST', `${API}/logged-models/search`, { experiment_ids: [exp], order_by: [{ field_name: 'params.k' }] });
      expect(badOrder.body.message).toBe('Invalid order by field name: params.k. Only metrics are supported.');
    });

    it('deletes an experiment tag (3.x) with MLflow messages', async () => {
      await call(server.app, 'POST', `${API}/experiments/set-experiment-tag`, { experiment_id: experimentId, key: 'k', value: 'v' });
      expect((await call(server.app, 'POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: experimentId, key: 'k' })).status).toBe(200);
      const again = await call(server.app, 'POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: experimentId, key: 'k' });
      expect(again.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No tag with name: k in experiment with id ${experimentId}` });
    });
  });

  describe(`an MLflow 2.12.2 database on ${dialect.dialect}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestApp(dialect, 'logged_models_2x', ['--new-db-schema', '2.12.2']);
    });
    afterAll(async () => server?.close());

    it('answers 3.x routes with the upgrade error and leaves the schema alone', async () => {
      const database = Database.open(server.database.uri);
      try {
        const before = await dumpSchema(database);
        const res = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: '0' });
        expect(res.status).toBe(501);
        expect(res.body.error_code).toBe('NOT_IMPLEMENTED');
        expect(res.body.message).toContain("run 'darwin-mlflow db upgrade <database_uri>'");
        const outputs = await call(server.app, 'POST', `${API}/runs/outputs`, { run_id: 'x', models: [] });
        expect(outputs.status).toBe(501);
        expect(await dumpSchema(database)).toBe(before);
      } finally {
        await database.close();
      }
    });

    it('keeps MLflow 2.12.2 run answers (no outputs, no inputs on create) and log-inputs rules', async () => {
      const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: '0', start_time: 1 })).body.run;
      expect(run.inputs).toBeUndefined();
      const got = (await call(server.app, 'GET', `${API}/runs/get?run_id=${run.info.run_id}`)).body.run;
      expect(got.outputs).toBeUndefined();
      expect(got.inputs).toEqual({});
      const noDatasets = await call(server.app, 'POST', `${API}/runs/log-inputs`, { run_id: run.info.run_id, models: [{ model_id: 'm-1' }] });
      expect(noDatasets.body.message).toContain("Missing value for required parameter 'datasets'");
    });
  });
}
