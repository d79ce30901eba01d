/**
 * MLflow 3.x's traces over HTTP on every database, as a 3.x client drives them (requests shaped
 * like ../shared/conformance-3x/client-workflow): start a trace, upload its spans as
 * `traces.json` through the artifact proxy to the trace's `mlflow.artifactLocation`, read it back,
 * get and search (filter, order_by, pages), tags, assessments, link to a run, delete by ids and
 * by timestamp. And on a database at MLflow 2.12.2's schema: the upgrade error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { call } from '../support/app.js';

const V2 = '/api/2.0/mlflow';
const V3 = '/api/3.0/mlflow';

let seq = 0;
const newTraceId = () => `tr-${(++seq).toString(16).padStart(4, '0')}${'0'.repeat(28)}`;

function traceInfo(experimentId: string, traceId: string, overrides: Record<string, unknown> = {}) {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: '2026-12-03T14:11:05.979Z',
    execution_duration: '0.016s',
    state: 'OK',
    trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.user': 'root' },
    tags: { 'mlflow.traceName': 'outer' },
    request_preview: '{"q": "hi"}',
    response_preview: '{"a": "yo"}',
    ...overrides,
  };
}

for (const dialect of testDialects()) {
  describe(`traces on ${dialect.dialect}`, () => {
    let app: FastifyInstance;
    let database: TestDatabase;
    let dir: string;
    let exp: string;

    beforeAll(async () => {
      database = await dialect.create('traces');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-traces-'));
      // served artifacts, as `mlflow server` runs by default: mlflow-artifacts:/ locations
      app = await buildApp(loadServerConfig(['--backend-store-uri', database.uri, '--artifacts-destination', path.join(dir, 'artifacts')], {}, dir));
      exp = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'traces' })).body.experiment_id;
    });
    afterAll(async () => {
      await app?.close();
      await database?.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const start = async (traceId: string, overrides: Record<string, unknown> = {}) => {
      const res = await call(app, 'POST', V3 + '/traces', { trace: { trace_info: traceInfo(exp, traceId, overrides) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.trace.trace_info;
    };

    it('starts a trace, names its artifact location, and keeps its spans there', async () => {
      const id = newTraceId();
      const info = await start(id);
      const location = `mlflow-artifacts:/${exp}/traces/${id}/artifacts`;
      expect(info).toEqual({ ...traceInfo(exp, id), tags: { 'mlflow.traceName': 'outer', 'mlflow.artifactLocation': location } });
      // no spansLocation tag: a 3.x client then uploads the spans itself
      expect(info.tags['mlflow.trace.spansLocation']).toBeUndefined();
      const spans = JSON.stringify({
        spans: [
          {
            trace_id: 'OZh3BctjP5zIk1u/4r/qdg==',
            span_id: 'iB49vHgslvk=',
            parent_span_id: null,
            name: 'outer',
            start_time_unix_nano: 1796307065979,
            end_time_unix_nano: 1796307065995,
            events: [],
            status: { code: 'STATUS_CODE_OK', message: '' },
            attributes: { 'mlflow.traceRequestId': JSON.stringify(id) },
          },
        ],
      });
      const url = `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${id}/artifacts/traces.json`;
      const put = await app.inject({ method: 'PUT', url, payload: spans, headers: { 'content-type': 'text/plain' } });
      expect(put.statusCode).toBe(200);
      const got = await app.inject({ method: 'GET', url });
      expect(got.statusCode).toBe(200);
      expect(got.body).toBe(spans);
      const read = await call(app, 'GET', `${V3}/traces/${id}?trace_id=${id}`);
      expect(read.body).toEqual({ trace: { trace_info: info } });
      // batchGet answers the trace with the spans of its traces.json (trace-spans.test.ts has the span JSON)
      const batch = await call(app, 'GET', `${V3}/traces/batchGet?trace_ids=${id}`);
      expect(batch.status).toBe(200);
      expect(batch.body.traces).toHaveLength(1);
      expect(batch.body.traces[0].trace_info).toEqual(info);
      expect(batch.body.traces[0].spans).toMatchObject([{ trace_id: 'OZh3BctjP5zIk1u/4r/qdg==', span_id: 'iB49vHgslvk=', name: 'outer' }]);
      expect((await call(app, 'GET', `${V3}/traces/batchGet`)).status).toBe(400);
    });

    it('answers MLflow errors for unknown traces and experiments, and bad wire values', async () => {
      const missing = await call(app, 'GET', `${V3}/traces/tr-nope`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Trace with ID 'tr-nope' not found." });
      const noExperiment = await call(app, 'POST', V3 + '/traces', { trace: { trace_info: traceInfo('98765', newTraceId()) } });
      expect(noExperiment.status).toBe(404);
      const badTime = await call(app, 'POST', V3 + '/traces', { trace: { trace_info: traceInfo(exp, newTraceId(), { request_time: 'yesterday' }) } });
      expect(badTime.status).toBe(400);
      expect(badTime.body.message).toContain("'trace.trace_info.request_time'");
      const badMap = await call(app, 'POST', V3 + '/traces', { trace: { trace_info: traceInfo(exp, newTraceId(), { tags: { a: 1 } }) } });
      expect(badMap.status).toBe(400);
      // OTLP export without the experiment header (the OTLP route itself: otlp.test.ts)
      const otlp = await app.inject({ method: 'POST', url: '/v1/traces', payload: Buffer.from([0x0a, 0x00]), headers: { 'content-type': 'application/x-protobuf' } });
      expect(otlp.statusCode).toBe(400);
      expect(JSON.parse(otlp.body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      const noTrace = await call(app, 'POST', V3 + '/traces', {});
      expect(noTrace.body.message).toContain("Missing value for required parameter 'trace'");
    });

    it('sets and deletes tags on the v2 and v3 routes', async () => {
      const id = newTraceId();
      await start(id);
      expect((await call(app, 'PATCH', `${V2}/traces/${id}/tags`, { key: 'probe', value: '1' })).body).toEqual({});
      expect((await call(app, 'PATCH', `${V3}/traces/${id}/tags`, { key: 'v3', value: '2' })).status).toBe(200);
      let tags = (await call(app, 'GET', `${V3}/traces/${id}`)).body.trace.trace_info.tags;
      expect(tags).toMatchObject({ probe: '1', v3: '2' });
      expect((await call(app, 'DELETE', `${V2}/traces/${id}/tags`, { key: 'probe' })).status).toBe(200);
      tags = (await call(app, 'GET', `${V3}/traces/${id}`)).body.trace.trace_info.tags;
      expect(tags.probe).toBeUndefined();
      const again = await call(app, 'DELETE', `${V3}/traces/${id}/tags`, { key: 'probe' });
      expect(again.status).toBe(404);
      expect(again.body.message).toBe(`No trace tag with key 'probe' for trace with ID '${id}'`);
      expect((await call(app, 'PATCH', `${V2}/traces/tr-absent/tags`, { key: 'k', value: 'v' })).status).toBe(404);
    });

    it('creates, reads and deletes assessments, shown in the trace info', async () => {
      const id = newTraceId();
      await start(id);
      const body = {
        assessment: {
          assessment_name: 'quality',
          trace_id: id,
          source: { source_type: 'HUMAN', source_id: 'me' },
          create_time: '2026-12-03T14:11:08.502Z',
          last_update_time: '2026-12-03T14:11:08.502Z',
          feedback: { value: true },
          rationale: 'fine',
          valid: true,
        },
      };
      const created = await call(app, 'POST', `${V3}/traces/${id}/assessments`, body);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const assessment = created.body.assessment;
      expect(assessment.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
      expect(assessment).toEqual({ ...body.assessment, assessment_id: assessment.assessment_id });
      const got = await call(app, 'GET', `${V3}/traces/${id}/assessments/${assessment.assessment_id}`);
      expect(got.body).toEqual({ assessment });
      expect((await call(app, 'GET', `${V3}/traces/${id}`)).body.trace.trace_info.assessments).toEqual([assessment]);
      const expectation = await call(app, 'POST', `${V3}/traces/${id}/assessments`, {
        assessment: { assessment_name: 'expected', source: { source_type: 'HUMAN' }, expectation: { value: { answer: 42 } } },
      });
      expect(expectation.body.assessment.expectation).toEqual({ serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"answer":42}' } });
      const updated = await call(app, 'PATCH', `${V3}/traces/${id}/assessments/${assessment.assessment_id}`, {
        assessment: { rationale: 'better', feedback: { value: 0.5 }, metadata: { k: 'v' } },
        update_mask: 'rationale,feedback,metadata',
      });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body.assessment).toMatchObject({ assessment_name: 'quality', rationale: 'better', feedback: { value: 0.5 }, metadata: { k: 'v' }, create_time: body.assessment.create_time });
      const wrongKind = await call(app, 'PATCH', `${V3}/traces/${id}/assessments/${assessment.assessment_id}`, {
        assessment: { expectation: { value: 1 } },
        update_mask: 'expectation',
      });
      expect(wrongKind.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Cannot update expectation value on a Feedback assessment.' });
      expect((await call(app, 'DELETE', `${V3}/traces/${id}/assessments/${assessment.assessment_id}`)).status).toBe(200);
      const gone = await call(app, 'GET', `${V3}/traces/${id}/assessments/${assessment.assessment_id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.message).toBe(`Assessment with ID '${assessment.assessment_id}' not found for trace '${id}'`);
      const neither = await call(app, 'POST', `${V3}/traces/${id}/assessments`, { assessment: { assessment_name: 'x' } });
      expect(neither.status).toBe(400);
    });

    it('searches with filters, order_by and pages, and links traces to runs', async () => {
      const search = await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-search' });
      const sx = search.body.experiment_id as string;
      const run = (await call(app, 'POST', `${V2}/runs/create`, { experiment_id: sx })).body.run.info.run_id as string;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = newTraceId();
        ids.push(id);
        const ms = 1_700_000_000_000 + i * 1000;
        const res = await call(app, 'POST', V3 + '/traces', {
          trace: {
            trace_info: {
              ...traceInfo(sx, id),
              request_time: new Date(ms).toISOString(),
              execution_duration: `${i}s`,
              state: i === 4 ? 'ERROR' : 'OK',
              tags: { 'mlflow.traceName': i % 2 === 0 ? 'even' : 'odd', n: String(i) },
              trace_metadata: i === 1 ? { 'mlflow.sourceRun': run } : {},
            },
          },
        });
        expect(res.status).toBe(200);
      }
      await call(app, 'POST', `${V2}/traces/link-to-run`, { trace_ids: [ids[3]], run_id: run });
      const find = async (body: Record<string, unknown>) => {
        const res = await call(app, 'POST', `${V3}/traces/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: sx } }], ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return { ids: ((res.body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id), token: res.body.next_page_token as string | undefined };
      };
      expect((await find({})).ids).toEqual([...ids].reverse());
      expect((await find({ filter: "trace.status = 'ERROR'" })).ids).toEqual([ids[4]]);
      expect((await find({ filter: "name = 'even'", order_by: ['timestamp_ms ASC'] })).ids).toEqual([ids[0], ids[2], ids[4]]);
      expect((await find({ filter: `trace.request_id IN ('${ids[1]}', '${ids[2]}')` })).ids).toEqual([ids[2], ids[1]]);
      expect((await find({ filter: 'execution_time_ms >= 3000' })).ids).toEqual([ids[4], ids[3]]);
      expect((await find({ filter: `timestamp_ms < ${1_700_000_000_000 + 2000}` })).ids).toEqual([ids[1], ids[0]]);
      expect((await find({ filter: `run_id = '${run}'` })).ids).toEqual([ids[3], ids[1]]);
      expect((await find({ filter: "tag.n LIKE '%3'" })).ids).toEqual([ids[3]]);
      expect((await find({ order_by: ['tag.n DESC'] })).ids).toEqual([...ids].reverse());
      expect((await find({ order_by: ['execution_time ASC'] })).ids).toEqual(ids);
      const first = await find({ max_results: 2 });
      expect(first.ids).toEqual([ids[4], ids[3]]);
      const second = await find({ max_results: 2, page_token: first.token });
      expect(second.ids).toEqual([ids[2], ids[1]]);
      const bad = await call(app, 'POST', `${V3}/traces/search`, { locations: [], filter: 'foo.bar = 1' });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      // IN is for attributes only, as in MLflow
      const tagIn = await call(app, 'POST', `${V3}/traces/search`, { locations: [], filter: "tags.n IN ('1', '2')" });
      expect(tagIn.status).toBe(400);
      const tooMany = await call(app, 'POST', `${V3}/traces/search`, { locations: [], max_results: 501 });
      expect(tooMany.status).toBe(400);

      // deletes: by ids, then the oldest by timestamp with max_traces
      const byIds = await call(app, 'POST', `${V2}/traces/delete-traces`, { experiment_id: sx, request_ids: [ids[0]] });
      expect(byIds.body).toEqual({ traces_deleted: 1 });
      const oldest = await call(app, 'POST', `${V3}/traces/delete-traces`, { experiment_id: sx, max_timestamp_millis: 1_800_000_000_000, max_traces: 2 });
      expect(oldest.body).toEqual({ traces_deleted: 2 });
      expect((await find({})).ids).toEqual([ids[4], ids[3]]);
      const neither = await call(app, 'POST', `${V2}/traces/delete-traces`, { experiment_id: sx });
      expect(neither.body.message).toBe('Either `max_timestamp_millis` or `trace_ids` must be specified.');
    });
  });
}

describe('traces on a database at MLflow 2.12.2 schema', () => {
  it('answer the error naming darwin-mlflow db upgrade', async () => {
    const dialect = testDialects()[0]!;
    const database = await dialect.create('traces_2x');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-traces2-'));
    const app = await buildApp(loadServerConfig(['--backend-store-uri', database.uri, '--default-artifact-root', dir, '--new-db-schema', '2.12.2'], {}, dir));
    try {
      const res = await call(app, 'POST', `${V3}/traces/search`, { locations: [] });
      expect(res.status).toBe(501);
      expect(res.body.message).toContain('darwin-mlflow db upgrade');
      // OTLP export too, with the phrase on which the MLflow client stops exporting spans
      const otlp = await app.inject({ method: 'POST', url: '/v1/traces', payload: '{}', headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' } });
      expect(otlp.statusCode).toBe(501);
      expect(JSON.parse(otlp.body).message).toContain('REST OTLP span logging is not supported');
    } finally {
      await app.close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
