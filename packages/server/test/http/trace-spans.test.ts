/**
 * MLflow 3.x trace reads with spans, on every database: getTrace and batchGet answer the spans a
 * client uploaded as `traces.json` (through the artifact proxy) as OpenTelemetry Span JSON, the
 * UI's get-trace-artifact downloads that file, the deprecated 2.x trace RPCs (start, end, info,
 * search) answer TraceInfo v2, and calculate-filter-correlation counts traces per filter.
 *
 * The spans uploaded are those of client3-traces-vs-server3-filestore and the expected span JSON
 * is MLflow's own answer for them (client3-workflow-vs-server3's batchGet, ../shared/conformance-3x).
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
const AJAX = '/ajax-api/2.0/mlflow';

let seq = 0;
const newTraceId = () => `tr-${(++seq).toString(16).padStart(4, '0')}${'ab'.repeat(14)}`;

/** traces.json as the 3.x client writes it (Python's json.dumps of Span.to_dict()s). */
function tracesJson(traceId: string): string {
  const outer =
    `{"trace_id": "OZh3BctjP5zIk1u/4r/qdg==", "span_id": "iB49vHgslvk=", "parent_span_id": null, "name": "outer", ` +
    `"start_time_unix_nano": 1796307065979186484, "end_time_unix_nano": 1796307065995709311, "events": [], ` +
    `"status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": "\\"${traceId}\\"", ` +
    `"mlflow.spanType": "\\"UNKNOWN\\"", "mlflow.spanInputs": "{\\"q\\": \\"hi\\"}", "mlflow.spanOutputs": "{\\"a\\": \\"yo\\"}"}}`;
  const inner =
    `{"trace_id": "OZh3BctjP5zIk1u/4r/qdg==", "span_id": "wdfobS31Fz4=", "parent_span_id": "iB49vHgslvk=", "name": "inner", ` +
    `"start_time_unix_nano": 1796307065990000000, "end_time_unix_nano": 1796307065991000000, ` +
    `"events": [{"name": "exception", "time_unix_nano": 1796307065990500000, "attributes": {"exception.type": "ValueError", "exception.escaped": false}}], ` +
    `"status": {"code": "STATUS_CODE_ERROR", "message": "ValueError: boom"}, "attributes": {"mlflow.traceRequestId": "\\"${traceId}\\"", ` +
    `"score": "0.5", "whole": "2.0", "count": "3", "flag": "true", "tags": "[\\"x\\", 1]", "plain": "not json", "empty": "null"}}`;
  return `{"spans": [${outer}, ${inner}]}`;
}

/** MLflow's answer for the outer span (recorded), and for the inner one (same rules). */
function expectedSpans(traceId: string) {
  return [
    {
      trace_id: 'OZh3BctjP5zIk1u/4r/qdg==',
      span_id: 'iB49vHgslvk=',
      name: 'outer',
      // as JSON.parse reads them (the raw body is checked digit for digit below)
      start_time_unix_nano: Number('1796307065979186484'),
      end_time_unix_nano: Number('1796307065995709311'),
      attributes: [
        { key: 'mlflow.traceRequestId', value: { string_value: traceId } },
        { key: 'mlflow.spanType', value: { string_value: 'UNKNOWN' } },
        { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'q', value: { string_value: 'hi' } }] } } },
        { key: 'mlflow.spanOutputs', value: { kvlist_value: { values: [{ key: 'a', value: { string_value: 'yo' } }] } } },
      ],
      status: { code: 'STATUS_CODE_OK' },
    },
    {
      trace_id: 'OZh3BctjP5zIk1u/4r/qdg==',
      span_id: 'wdfobS31Fz4=',
      parent_span_id: 'iB49vHgslvk=',
      name: 'inner',
      start_time_unix_nano: 1796307065990000000,
      end_time_unix_nano: 1796307065991000000,
      attributes: [
        { key: 'mlflow.traceRequestId', value: { string_value: traceId } },
        { key: 'score', value: { double_value: 0.5 } },
        { key: 'whole', value: { double_value: 2 } },
        { key: 'count', value: { int_value: 3 } },
        { key: 'flag', value: { bool_value: true } },
        { key: 'tags', value: { array_value: { values: [{ string_value: 'x' }, { int_value: 1 }] } } },
        { key: 'plain', value: { string_value: 'not json' } },
        { key: 'empty' },
      ],
      events: [
        {
          time_unix_nano: 1796307065990500000,
          name: 'exception',
          attributes: [
            { key: 'exception.type', value: { string_value: 'ValueError' } },
            { key: 'exception.escaped', value: { bool_value: false } },
          ],
        },
      ],
      status: { message: 'ValueError: boom', code: 'STATUS_CODE_ERROR' },
    },
  ];
}

for (const dialect of testDialects()) {
  describe(`trace spans and 2.x trace RPCs on ${dialect.dialect}`, () => {
    let app: FastifyInstance;
    let database: TestDatabase;
    let dir: string;
    let exp: string;

    beforeAll(async () => {
      database = await dialect.create('trace_spans');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-trace-spans-'));
      app = await buildApp(loadServerConfig(['--backend-store-uri', database.uri, '--artifacts-destination', path.join(dir, 'artifacts')], {}, dir));
      exp = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-spans' })).body.experiment_id;
    });
    afterAll(async () => {
      await app?.close();
      await database?.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const start = async (traceId: string, metadata: Record<string, string> = {}) => {
      const res = await call(app, 'POST', `${V3}/traces`, {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-12-03T14:11:05.979Z',
            execution_duration: '0.016s',
            state: 'OK',
            trace_metadata: metadata,
            tags: { 'mlflow.traceName': 'outer' },
          },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.trace.trace_info;
    };
    const upload = async (traceId: string, text: string) => {
      const url = `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${traceId}/artifacts/traces.json`;
      const put = await app.inject({ method: 'PUT', url, payload: text, headers: { 'content-type': 'text/plain' } });
      expect(put.statusCode).toBe(200);
    };
    const twoSpans = { 'mlflow.trace.sizeStats': '{"total_size_bytes": 1602, "num_spans": 2}' };

    it('answers getTrace with the spans of traces.json, once they are all there', async () => {
      const id = newTraceId();
      const info = await start(id, twoSpans);
      const early = await call(app, 'GET', `${V3}/traces/get?trace_id=${id}`);
      expect(early.status).toBe(404);
      expect(early.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Trace with ID ${id} is not fully exported yet, please try again later.` });
      expect((await call(app, 'GET', `${V3}/traces/get?trace_id=${id}&allow_partial=True`)).body).toEqual({ trace: { trace_info: info } });
      expect((await call(app, 'GET', `${V3}/traces/batchGet?trace_ids=${id}`)).body).toEqual({});

      await upload(id, tracesJson(id));
      const raw = await app.inject({ method: 'GET', url: `${V3}/traces/get?trace_id=${id}` });
      expect(raw.statusCode, raw.body).toBe(200);
      // nanosecond times beyond 2^53 are written digit for digit
      expect(raw.body).toContain('"start_time_unix_nano":1796307065979186484');
      expect(JSON.parse(raw.body)).toEqual({ trace: { trace_info: info, spans: expectedSpans(id) } });
      // the ajax twin answers the same
      expect((await call(app, 'GET', `/ajax-api/3.0/mlflow/traces/get?trace_id=${id}`)).body).toEqual(JSON.parse(raw.body));
    });

    it('serves the literal traces/get route, not getTraceInfoV3 of a trace named "get"', async () => {
      const missing = await call(app, 'GET', `${V3}/traces/get`);
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain("Missing value for required parameter 'trace_id'");
      const unknown = await call(app, 'GET', `${V3}/traces/get?trace_id=tr-unknown`);
      expect(unknown.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Trace with ID tr-unknown is not found.' });
      const badBool = await call(app, 'GET', `${V3}/traces/get?trace_id=tr-unknown&allow_partial=yes`);
      expect(badBool.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid boolean value: yes, must be 'true' or 'false'." });
    });

    it('answers batchGet with complete traces only, in the order asked for', async () => {
      const [a, b, partial, noSpans] = [newTraceId(), newTraceId(), newTraceId(), newTraceId()];
      const infoA = await start(a, twoSpans);
      const infoB = await start(b);
      await start(partial, { 'mlflow.trace.sizeStats': '{"num_spans": 3}' });
      await start(noSpans);
      for (const id of [a, b, partial]) await upload(id, tracesJson(id));
      const res = await call(app, 'GET', `${V3}/traces/batchGet?trace_ids=${b}&trace_ids=tr-unknown&trace_ids=${partial}&trace_ids=${noSpans}&trace_ids=${a}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        traces: [
          { trace_info: infoB, spans: expectedSpans(b) },
          { trace_info: infoA, spans: expectedSpans(a) },
        ],
      });
      // a partial trace is still served when asked for
      const some = await call(app, 'GET', `${V3}/traces/get?trace_id=${partial}&allow_partial=true`);
      expect(some.body.trace.spans).toHaveLength(2);
      expect((await call(app, 'GET', `${V3}/traces/get?trace_id=${partial}`)).status).toBe(404);
    });

    it('downloads traces.json for the UI (get-trace-artifact), and answers its errors', async () => {
      const id = newTraceId();
      await start(id);
      const url = `${AJAX}/get-trace-artifact?request_id=${id}`;
      const before = await call(app, 'GET', url);
      expect(before.status).toBe(404);
      expect(before.body).toEqual({ error_code: 'NOT_FOUND', message: 'Trace data not found for path=traces.json' });
      const text = tracesJson(id);
      await upload(id, text);
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename=traces.json');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // json.dumps of what json.load read: the client's own text, byte for byte
      expect(res.body).toBe(text);

      const noId = await call(app, 'GET', `${AJAX}/get-trace-artifact`);
      expect(noId.status).toBe(400);
      expect(noId.body).toEqual({ error_code: 'BAD_REQUEST', message: 'Request must include the "request_id" query parameter.' });
      const unknown = await call(app, 'GET', `${AJAX}/get-trace-artifact?request_id=tr-unknown`);
      expect(unknown.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Trace with ID 'tr-unknown' not found." });
      // the UI route only, as MLflow mounts it
      expect((await call(app, 'GET', `/api/2.0/mlflow/get-trace-artifact?request_id=${id}`)).status).toBe(404);

      const corrupt = newTraceId();
      await start(corrupt);
      await upload(corrupt, '{"spans": [');
      const bad = await call(app, 'GET', `${AJAX}/get-trace-artifact?request_id=${corrupt}`);
      expect(bad.status).toBe(500);
      expect(bad.body).toEqual({ error_code: 'INVALID_STATE', message: 'Trace data is corrupted for path=traces.json' });
      expect((await call(app, 'GET', `${V3}/traces/get?trace_id=${corrupt}`)).body.error_code).toBe('INVALID_STATE');
    });

    it('serves the deprecated 2.x trace RPCs: start, end, get info, search', async () => {
      const sx = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-v2' })).body.experiment_id as string;
      const started = await call(app, 'POST', `${V2}/traces`, {
        experiment_id: sx,
        timestamp_ms: 1_700_000_000_000,
        request_metadata: [{ key: 'mlflow.sourceRun', value: 'r1' }],
        tags: [{ key: 'mlflow.traceName', value: 'v2' }],
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const requestId = started.body.trace_info.request_id as string;
      expect(requestId).toMatch(/^[0-9a-f]{32}$/);
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
      expect({ ...started.body.trace_info, tags: [...started.body.trace_info.tags].sort(byKey) }).toEqual({
        request_id: requestId,
        experiment_id: sx,
        timestamp_ms: 1_700_000_000_000,
        execution_time_ms: 0,
        status: 'IN_PROGRESS',
        request_metadata: [{ key: 'mlflow.sourceRun', value: 'r1' }],
        tags: [
          { key: 'mlflow.artifactLocation', value: `mlflow-artifacts:/${sx}/traces/${requestId}/artifacts` },
          { key: 'mlflow.traceName', value: 'v2' },
        ],
      });

      const ended = await call(app, 'PATCH', `${V2}/traces/${requestId}`, {
        timestamp_ms: 1_700_000_000_250,
        status: 'OK',
        request_metadata: [{ key: 'extra', value: 'm' }],
        tags: [{ key: 'mlflow.traceName', value: 'renamed' }],
      });
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      const info = ended.body.trace_info;
      expect(info).toMatchObject({ request_id: requestId, execution_time_ms: 250, status: 'OK' });
      expect(info.request_metadata).toEqual(expect.arrayContaining([{ key: 'mlflow.sourceRun', value: 'r1' }, { key: 'extra', value: 'm' }]));
      expect(info.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.traceName', value: 'renamed' }]));
      expect((await call(app, 'GET', `${V2}/traces/${requestId}/info`)).body).toEqual(ended.body);
      const v3 = (await call(app, 'GET', `${V3}/traces/${requestId}`)).body.trace.trace_info;
      expect(v3).toMatchObject({ trace_id: requestId, state: 'OK', request_time: '2023-11-14T22:13:20Z', execution_duration: '0.250s' });

      const second = (await call(app, 'POST', `${V2}/traces`, { experiment_id: sx, timestamp_ms: 1_700_000_001_000 })).body.trace_info.request_id;
      const page1 = await call(app, 'GET', `${V2}/traces?experiment_ids=${sx}&max_results=1`);
      expect(page1.status).toBe(200);
      expect(page1.body.traces.map((t: { request_id: string }) => t.request_id)).toEqual([second]);
      expect(page1.body.traces[0]).toMatchObject({ status: 'IN_PROGRESS', execution_time_ms: 0 });
      const page2 = await call(app, 'GET', `${V2}/traces?experiment_ids=${sx}&max_results=1&page_token=${encodeURIComponent(page1.body.next_page_token)}`);
      expect(page2.body.traces).toEqual([info]);
      const filtered = await call(app, 'GET', `${V2}/traces?experiment_ids=${sx}&filter=${encodeURIComponent("trace.status = 'OK'")}`);
      expect(filtered.body).toEqual({ traces: [info] });
    });

    it('answers MLflow errors for bad 2.x trace requests and changes nothing', async () => {
      const sx = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-v2-errors' })).body.experiment_id as string;
      const count = async () => ((await call(app, 'GET', `${V2}/traces?experiment_ids=${sx}`)).body.traces ?? []).length;
      const noKey = await call(app, 'POST', `${V2}/traces`, { experiment_id: sx, tags: [{ value: 'v' }] });
      expect(noKey.status).toBe(400);
      expect(noKey.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      const badTime = await call(app, 'POST', `${V2}/traces`, { experiment_id: sx, timestamp_ms: 'soon' });
      expect(badTime.status).toBe(400);
      const noExperiment = await call(app, 'POST', `${V2}/traces`, { experiment_id: '987654', timestamp_ms: 1 });
      expect(noExperiment.status).toBe(404);
      expect(await count()).toBe(0);
      const unknown = await call(app, 'PATCH', `${V2}/traces/nope`, { timestamp_ms: 1, status: 'OK' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Trace with ID 'nope' not found." });
      const id = (await call(app, 'POST', `${V2}/traces`, { experiment_id: sx, timestamp_ms: 5 })).body.trace_info.request_id;
      const badStatus = await call(app, 'PATCH', `${V2}/traces/${id}`, { timestamp_ms: 9, status: 'DONE' });
      expect(badStatus.status).toBe(400);
      expect((await call(app, 'GET', `${V2}/traces/${id}/info`)).body.trace_info).toMatchObject({ status: 'IN_PROGRESS', execution_time_ms: 0 });
      expect((await call(app, 'GET', `${V2}/traces/nope/info`)).status).toBe(404);
      const noIds = await call(app, 'GET', `${V2}/traces`);
      expect(noIds.status).toBe(400);
      expect(noIds.body.message).toContain("'experiment_ids'");
      expect((await call(app, 'GET', `${V2}/traces?experiment_ids=${sx}&max_results=501`)).status).toBe(400);
    });

    it('counts traces per filter and their NPMI (calculate-filter-correlation)', async () => {
      const cx = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-correlation' })).body.experiment_id as string;
      // status OK for 0..3, tag kind=a for 0, 1, 2 and 5; request times 0..5 s
      for (let i = 0; i < 6; i++) {
        const res = await call(app, 'POST', `${V3}/traces`, {
          trace: {
            trace_info: {
              trace_id: newTraceId(),
              trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: cx } },
              request_time: new Date(1_700_000_000_000 + i * 1000).toISOString(),
              state: i < 4 ? 'OK' : 'ERROR',
              tags: { kind: [0, 1, 2, 5].includes(i) ? 'a' : 'b' },
            },
          },
        });
        expect(res.status).toBe(200);
      }
      const correlate = async (body: Record<string, unknown>) => {
        const res = await call(app, 'POST', `${V3}/traces/calculate-filter-correlation`, { experiment_ids: [cx], ...body });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body;
      };
      // NPMI from the 2x2 table, written out here independently of the server's code
      const npmi = (n11: number, n10: number, n01: number, n00: number) => {
        const n = n11 + n10 + n01 + n00;
        return Math.log((n11 * n) / ((n11 + n10) * (n11 + n01))) / -Math.log(n11 / n);
      };
      const all = await correlate({ filter_string1: "trace.status = 'OK'", filter_string2: "tag.kind = 'a'" });
      expect(all).toMatchObject({ filter1_count: 4, filter2_count: 4, joint_count: 3, total_count: 6 });
      expect(all.npmi).toBeCloseTo(npmi(3, 1, 1, 1), 12);
      expect(all.npmi_smoothed).toBeCloseTo(npmi(3.5, 1.5, 1.5, 1.5), 12);
      const windowed = await correlate({
        filter_string1: "trace.status = 'OK'",
        filter_string2: "tag.kind = 'a'",
        base_filter: `trace.timestamp_ms >= ${1_700_000_000_000 + 1000}`,
      });
      expect(windowed).toMatchObject({ filter1_count: 3, filter2_count: 3, joint_count: 2, total_count: 5 });
      expect(windowed.npmi).toBeCloseTo(npmi(2, 1, 1, 1), 12);
      // never together: -1 unsmoothed; no support: NaN, left out of the answer
      const apart = await correlate({ filter_string1: "trace.status = 'ERROR'", filter_string2: "tag.kind = 'a' AND trace.status = 'OK'" });
      expect(apart).toMatchObject({ npmi: -1, filter1_count: 2, filter2_count: 3, joint_count: 0, total_count: 6 });
      const none = await correlate({ filter_string1: "tag.kind = 'zzz'", filter_string2: "tag.kind = 'a'" });
      expect(none).toEqual({ filter1_count: 0, filter2_count: 4, joint_count: 0, total_count: 6 });

      const spanFilter = await call(app, 'POST', `${V3}/traces/calculate-filter-correlation`, {
        experiment_ids: [cx],
        filter_string1: "span.type = 'LLM'",
        filter_string2: "tag.kind = 'a'",
      });
      // span filters count spans in the spans table; these traces have none (trace-span-search.test.ts has some)
      expect(spanFilter.status, JSON.stringify(spanFilter.body)).toBe(200);
      expect(spanFilter.body).toEqual({ filter1_count: 0, filter2_count: 4, joint_count: 0, total_count: 6 });
      const noFilter = await call(app, 'POST', `${V3}/traces/calculate-filter-correlation`, { experiment_ids: [cx], filter_string2: "tag.kind = 'a'" });
      expect(noFilter.status).toBe(400);
      expect(noFilter.body.message).toContain("'filter_string1'");
    });
  });
}

describe('trace span routes on a database at MLflow 2.12.2 schema', () => {
  it('answer the error naming darwin-mlflow db upgrade', async () => {
    const dialect = testDialects()[0]!;
    const database = await dialect.create('trace_spans_2x');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-trace-spans2-'));
    const app = await buildApp(loadServerConfig(['--backend-store-uri', database.uri, '--default-artifact-root', dir, '--new-db-schema', '2.12.2'], {}, dir));
    try {
      for (const [method, url] of [
        ['GET', `${V3}/traces/get?trace_id=x`],
        ['POST', `${V2}/traces`],
        ['GET', `${AJAX}/get-trace-artifact?request_id=x`],
      ] as const) {
        const res = await call(app, method, url, method === 'POST' ? {} : undefined);
        expect(res.status, url).toBe(501);
        expect(res.body.message).toContain('darwin-mlflow db upgrade');
      }
    } finally {
      await app.close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
