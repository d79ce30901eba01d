import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { garbageCollect, parseOlderThan } from '../../src/artifacts/gc.js';
import type { GcOptions } from '../../src/artifacts/gc.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const V3 = '/api/3.0/mlflow';

describe('the --older-than grammar', () => {
  it('reads MLflow durations', () => {
    expect(parseOlderThan('1d2h3m4s')).toBe(((24 + 2) * 60 + 3) * 60_000 + 4000);
    expect(parseOlderThan('1.5h')).toBe(90 * 60_000);
    expect(parseOlderThan('2m4s')).toBe(124_000);
    expect(() => parseOlderThan('3 days')).toThrow("Could not parse any time information from '3 days'");
  });
});

describe.each(testDialects())('gc on $dialect', (dialect) => {
  let server: TestServer;
  let dest: string;
  let options: GcOptions;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'gc', ['--artifacts-destination', 'dest']);
    dest = path.join(server.artifactRoot, 'dest');
    options = { artifactsDestination: dest, defaultArtifactRoot: server.artifactRoot, serveArtifacts: true, cwd: server.artifactRoot, env: {} };
  });
  afterAll(async () => server?.close());

  async function runWithData(experimentId: string): Promise<{ runId: string; artifactDir: string }> {
    const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId })).body.run.info;
    const runId = run.run_id as string;
    await call(server.app, 'POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 't', value: 'v' }],
    });
    await call(server.app, 'POST', `${API}/runs/log-inputs`, {
      run_id: runId,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: `d-${runId}`, digest: 'x', source_type: 'local', source: '/d' } }],
    });
    const up = await server.app.inject({ method: 'POST', url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=dir/a.txt`, payload: 'artifact' });
    expect(up.statusCode).toBe(200);
    const uri = run.artifact_uri as string;
    const artifactDir = uri.startsWith('mlflow-artifacts:/') ? path.join(dest, uri.slice('mlflow-artifacts:/'.length)) : uri;
    expect(fs.existsSync(path.join(artifactDir, 'dir', 'a.txt'))).toBe(true);
    return { runId, artifactDir };
  }

  async function rowCounts(runId: string): Promise<number[]> {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await database.read(async (db) => {
        const counts: number[] = [];
        for (const table of ['metrics', 'latest_metrics', 'params', 'tags'] as const) {
          counts.push((await db.selectFrom(table).select('run_uuid').where('run_uuid', '=', runId).execute()).length);
        }
        counts.push((await db.selectFrom('inputs').select('input_uuid').where('destination_id', '=', runId).execute()).length);
        counts.push((await db.selectFrom('runs').select('run_uuid').where('run_uuid', '=', runId).execute()).length);
        return counts;
      });
    } finally {
      await database.close();
    }
  }

  async function gc(extra: Partial<GcOptions> = {}) {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await garbageCollect(database, { ...options, ...extra });
    } finally {
      await database.close();
    }
  }

  it('removes deleted runs with all their rows and artifacts, and deleted experiments with their runs', async () => {
    const local = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-local' })).body.experiment_id;
    const proxied = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-proxied', artifact_location: 'mlflow-artifacts:/gcp' })).body.experiment_id;
    const doomed = await runWithData(local);
    const kept = await runWithData(local);
    const doomedProxied = await runWithData(proxied);
    expect(await rowCounts(doomed.runId)).toEqual([1, 1, 1, 2, 1, 1]);
    await call(server.app, 'POST', `${API}/runs/delete`, { run_id: doomed.runId });
    await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: proxied });

    // --older-than keeps what was deleted too recently
    await expect(gc({ olderThan: '1d', runIds: [doomed.runId] })).rejects.toThrow('is not older than the required age');

    const result = await gc();
    expect(result.runs.sort()).toEqual([doomed.runId, doomedProxied.runId].sort());
    expect(result.experiments).toEqual([proxied]);
    expect(await rowCounts(doomed.runId)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await rowCounts(doomedProxied.runId)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(fs.existsSync(doomed.artifactDir)).toBe(false);
    expect(fs.existsSync(doomedProxied.artifactDir)).toBe(false);
    expect(fs.existsSync(path.join(kept.artifactDir, 'dir', 'a.txt'))).toBe(true);
    expect((await rowCounts(kept.runId)).at(-1)).toBe(1);
    expect((await call(server.app, 'GET', `${API}/experiments/get?experiment_id=${proxied}`)).status).toBe(404);
    expect((await call(server.app, 'GET', `${API}/runs/get?run_id=${kept.runId}`)).status).toBe(200);
  });

  it('refuses runs and experiments that are not deleted', async () => {
    const exp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-active' })).body.experiment_id;
    const { runId } = await runWithData(exp);
    await expect(gc({ runIds: [runId] })).rejects.toThrow('is not in `deleted` lifecycle stage');
    await expect(gc({ experimentIds: [exp] })).rejects.toThrow(`Experiments ['${exp}'] are not in the deleted lifecycle stage`);
    expect((await rowCounts(runId)).at(-1)).toBe(1);
  });

  /** A trace with tags, request metadata, a span in the spans table (OTLP), an assessment, linked to `runId`. */
  async function traceWithData(experimentId: string, hex: string, runId: string): Promise<string> {
    const traceId = `tr-${hex}`;
    const span = { traceId: hex, spanId: hex.slice(0, 16), name: 'root', startTimeUnixNano: '1000000', endTimeUnixNano: '2000000', status: { code: 'STATUS_CODE_OK' } };
    const otlp = await server.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
      headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
    });
    expect(otlp.statusCode, otlp.body).toBe(200);
    const started = await call(server.app, 'POST', `${V3}/traces`, {
      trace: { trace_info: { trace_id: traceId, trace_location: { mlflow_experiment: { experiment_id: experimentId } }, state: 'OK', trace_metadata: { k: 'v' }, tags: { t: 'v' } } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const assessment = await call(server.app, 'POST', `${V3}/traces/${traceId}/assessments`, {
      assessment: { assessment_name: 'quality', source: { source_type: 'HUMAN', source_id: 'u' }, feedback: { value: 1 } },
    });
    expect(assessment.status, JSON.stringify(assessment.body)).toBe(200);
    expect((await call(server.app, 'POST', `${API}/traces/link-to-run`, { trace_ids: [traceId], run_id: runId })).status).toBe(200);
    return traceId;
  }

  /** A logged model with a tag and a param, a metric logged by `runId`, and that run's input and output. */
  async function modelWithData(experimentId: string, runId: string): Promise<string> {
    const created = await call(server.app, 'POST', `${API}/logged-models`, { experiment_id: experimentId, params: [{ key: 'p', value: 'v' }], tags: [{ key: 't', value: 'v' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const modelId = created.body.model.info.model_id as string;
    const metric = { run_id: runId, key: 'acc', value: 0.5, timestamp: 1, step: 0, model_id: modelId };
    expect((await call(server.app, 'POST', `${API}/runs/log-metric`, metric)).status).toBe(200);
    expect((await call(server.app, 'POST', `${API}/runs/log-inputs`, { run_id: runId, models: [{ model_id: modelId }] })).status).toBe(200);
    expect((await call(server.app, 'POST', `${API}/runs/outputs`, { run_id: runId, models: [{ model_id: modelId, step: 1 }] })).status).toBe(200);
    return modelId;
  }

  /** Rows of a trace in trace_info, trace_tags, trace_request_metadata, assessments, spans, entity_associations. */
  async function traceRows(traceId: string): Promise<number[]> {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await database.read(async (db) => [
        (await db.selectFrom('trace_info').select('request_id').where('request_id', '=', traceId).execute()).length,
        (await db.selectFrom('trace_tags').select('key').where('request_id', '=', traceId).execute()).length,
        (await db.selectFrom('trace_request_metadata').select('key').where('request_id', '=', traceId).execute()).length,
        (await db.selectFrom('assessments').select('assessment_id').where('trace_id', '=', traceId).execute()).length,
        (await db.selectFrom('spans').select('span_id').where('trace_id', '=', traceId).execute()).length,
        (await db.selectFrom('entity_associations').select('association_id').where('source_id', '=', traceId).execute()).length,
      ]);
    } finally {
      await database.close();
    }
  }

  /** Rows of a logged model in logged_models, its tags, params, metrics, and run inputs/outputs naming it. */
  async function modelRows(modelId: string): Promise<number[]> {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await database.read(async (db) => [
        (await db.selectFrom('logged_models').select('model_id').where('model_id', '=', modelId).execute()).length,
        (await db.selectFrom('logged_model_tags').select('tag_key').where('model_id', '=', modelId).execute()).length,
        (await db.selectFrom('logged_model_params').select('param_key').where('model_id', '=', modelId).execute()).length,
        (await db.selectFrom('logged_model_metrics').select('metric_name').where('model_id', '=', modelId).execute()).length,
        (await db.selectFrom('inputs').select('input_uuid').where('destination_id', '=', modelId).execute()).length,
      ]);
    } finally {
      await database.close();
    }
  }

  it("removes a deleted experiment's traces and logged models, and a deleted run's links to models and traces", async () => {
    const doomedExp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-3x-doomed' })).body.experiment_id;
    const keptExp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-3x-kept' })).body.experiment_id;
    const doomedRun = await runWithData(doomedExp);
    const keptRun = await runWithData(keptExp);
    const deletedRun = await runWithData(keptExp);
    // traces and models of the doomed experiment, linked to runs of both experiments
    const doomedTrace = await traceWithData(doomedExp, 'a1'.repeat(16), keptRun.runId);
    const doomedModel = await modelWithData(doomedExp, keptRun.runId);
    await modelWithData(doomedExp, doomedRun.runId);
    // a kept experiment's trace and model, linked to a run that gc removes
    const keptTrace = await traceWithData(keptExp, 'b2'.repeat(16), deletedRun.runId);
    const keptModel = await modelWithData(keptExp, deletedRun.runId);
    expect(await traceRows(doomedTrace)).toEqual([1, 3, 1, 1, 1, 1]);
    expect(await modelRows(doomedModel)).toEqual([1, 1, 1, 1, 2]);

    await call(server.app, 'POST', `${API}/runs/delete`, { run_id: deletedRun.runId });
    await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: doomedExp });
    const result = await gc({ experimentIds: [doomedExp], runIds: [deletedRun.runId] });
    expect(result.runs.sort()).toEqual([deletedRun.runId, doomedRun.runId].sort());
    expect(result.experiments).toEqual([doomedExp]);

    expect(await traceRows(doomedTrace)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await modelRows(doomedModel)).toEqual([0, 0, 0, 0, 0]);
    expect((await call(server.app, 'GET', `${V3}/traces/${doomedTrace}`)).status).toBe(404);
    expect((await call(server.app, 'GET', `${API}/logged-models/${doomedModel}`)).status).toBe(404);
    // the kept trace and model stay; only what named the removed run goes (its link, its metric, its input and output)
    expect(await traceRows(keptTrace)).toEqual([1, 3, 1, 1, 1, 0]);
    expect(await modelRows(keptModel)).toEqual([1, 1, 1, 0, 0]);
    expect((await call(server.app, 'GET', `${V3}/traces/${keptTrace}`)).status).toBe(200);
    // the kept run lost the inputs/outputs pointing at the removed models, nothing else
    const kept = (await call(server.app, 'GET', `${API}/runs/get?run_id=${keptRun.runId}`)).body.run;
    expect(kept.inputs.model_inputs).toBeUndefined();
    expect(kept.outputs?.model_outputs).toBeUndefined();
    // its own metrics stay, the one it logged for the removed model among them
    expect(kept.data.metrics.map((m: { key: string }) => m.key).sort()).toEqual(['acc', 'm']);
    expect(await rowCounts(keptRun.runId)).toEqual([2, 2, 1, 2, 1, 1]);
  });
});

describe.each(testDialects())('gc on an MLflow 2.12.2 database on $dialect', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'gc_2x', ['--new-db-schema', '2.12.2', '--artifacts-destination', 'dest']);
  });
  afterAll(async () => server?.close());

  it('removes deleted runs and experiments without touching the 3.x tables it does not have', async () => {
    const exp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-2x' })).body.experiment_id;
    const runId = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
    await call(server.app, 'POST', `${API}/runs/log-batch`, { run_id: runId, params: [{ key: 'p', value: 'v' }] });
    await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: exp });
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      const result = await garbageCollect(database, { artifactsDestination: path.join(server.artifactRoot, 'dest'), defaultArtifactRoot: server.artifactRoot, serveArtifacts: true, cwd: server.artifactRoot, env: {} });
      expect(result).toEqual({ runs: [runId], experiments: [exp] });
      expect(await database.read((db) => db.selectFrom('params').select('key').where('run_uuid', '=', runId).execute())).toEqual([]);
    } finally {
      await database.close();
    }
    expect((await call(server.app, 'GET', `${API}/experiments/get?experiment_id=${exp}`)).status).toBe(404);
  });

  it("refuses a database without MLflow's schema with the server's upgrade message", async () => {
    const empty = await dialect.create('gc_empty');
    const database = Database.open(empty.uri, { pool: { size: 1 } });
    try {
      await expect(garbageCollect(database, { artifactsDestination: path.join(server.artifactRoot, 'dest'), defaultArtifactRoot: server.artifactRoot, serveArtifacts: true, cwd: server.artifactRoot, env: {} })).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: expect.stringContaining("Detected out-of-date database schema (found version None"),
      });
    } finally {
      await database.close();
      await empty.drop();
    }
  });
});
