/**
 * OTLP span ingestion (`POST /v1/traces`) on every database, as an MLflow 3.4+ client drives it:
 * each span in its own protobuf ExportTraceServiceRequest (child first, then root), then
 * StartTraceV3, then batchGet reading the spans back from the `spans` table. The stored rows are
 * compared with what MLflow 3.x's SqlAlchemyStore.log_spans writes (the `content` texts below are
 * Python's json.dumps of Span.to_dict, computed with MLflow's rules). Plus an OTLP/JSON body, bad
 * bodies (400, nothing written), an unknown experiment, a trace of another experiment, and an
 * incomplete trace that batchGet leaves out; getTrace and get-trace-artifact read the table too, and
 * a batchGet mixes table spans with a traces.json trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FloatLiteral } from '../../src/http/json.js';
import { ExportTraceServiceRequestSchema } from '../../src/tracking/otlp/generated/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { SpanSchema } from '../../src/tracking/otlp/generated/opentelemetry/proto/trace/v1/trace_pb.js';
import type { AnyValueSchema } from '../../src/tracking/otlp/generated/opentelemetry/proto/common/v1/common_pb.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const V2 = '/api/2.0/mlflow';
const V3 = '/api/3.0/mlflow';
const PROTOBUF = 'application/x-protobuf';

type SpanInit = MessageInitShape<typeof SpanSchema>;
type AnyInit = MessageInitShape<typeof AnyValueSchema>;

/** A JS value as an OTLP AnyValue, as MLflow's _set_otel_proto_anyvalue builds it. */
function anyValue(v: unknown): AnyInit {
  if (v === null) return {};
  if (v instanceof FloatLiteral) return { value: { case: 'doubleValue', value: v.value } };
  if (v instanceof Uint8Array) return { value: { case: 'bytesValue', value: v } };
  if (typeof v === 'string') return { value: { case: 'stringValue', value: v } };
  if (typeof v === 'boolean') return { value: { case: 'boolValue', value: v } };
  if (typeof v === 'number' || typeof v === 'bigint') return { value: { case: 'intValue', value: BigInt(v) } };
  if (Array.isArray(v)) return { value: { case: 'arrayValue', value: { values: v.map(anyValue) } } };
  // a Map keeps the order of integer-like keys, which an object literal moves first
  const entries = v instanceof Map ? [...(v as Map<string, unknown>).entries()] : Object.entries(v as object);
  return { value: { case: 'kvlistValue', value: { values: entries.map(([key, x]) => ({ key, value: anyValue(x) })) } } };
}

const attrs = (pairs: Array<[string, unknown]>) => pairs.map(([key, v]) => ({ key, value: anyValue(v) }));
const withAttributes = (span: SpanInit, pairs: Array<[string, unknown]>): SpanInit => ({ ...(span as object), attributes: attrs(pairs) }) as SpanInit;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

function exportBody(spans: SpanInit[]): Buffer {
  return Buffer.from(toBinary(ExportTraceServiceRequestSchema, create(ExportTraceServiceRequestSchema, { resourceSpans: [{ scopeSpans: [{ spans }] }] })));
}

/** The trace of the 3.x client recording (client3-traces-vs-server3-*), with richer attributes. */
const T = '4d039fa71f0fcc6b73a6480e3817e852';
const TRACE_ID = `tr-${T}`;
const ROOT = 'd98f65ff2d5fd483';
const CHILD = '93bada4740f3ae07';

function rootSpan(traceHex = T, spanHex = ROOT): SpanInit {
  return {
    traceId: hex(traceHex),
    spanId: hex(spanHex),
    name: 'outer',
    startTimeUnixNano: 1796306291359198871n,
    endTimeUnixNano: 1796306291437469506n,
    attributes: attrs([
      ['mlflow.traceRequestId', `tr-${traceHex}`],
      ['mlflow.spanType', 'CHAIN'],
      ['mlflow.spanInputs', new Map<string, unknown>([['q', 1], ['2', [true, null]]])],
      ['mlflow.spanOutputs', 'größe'],
      ['mlflow.chat.tokenUsage', { input_tokens: 3, output_tokens: 4, total_tokens: 7 }],
      ['plain', '{"already": "json"}'],
    ]),
    // a description on a span that is not an error is dropped, as OpenTelemetry does
    status: { code: 1, message: 'ignored' },
  };
}

function childSpan(traceHex = T): SpanInit {
  return {
    traceId: hex(traceHex),
    spanId: hex(CHILD),
    parentSpanId: hex(ROOT),
    name: 'inner',
    startTimeUnixNano: 1796306291423062822n,
    endTimeUnixNano: 1796306291423145675n,
    attributes: attrs([
      ['mlflow.traceRequestId', `tr-${traceHex}`],
      ['mlflow.spanType', 'LLM'],
      ['ratio', new FloatLiteral(0.5)],
      ['whole', new FloatLiteral(2)],
      ['raw', Uint8Array.from([0x61, 0x27, 0x00])],
      ['mlflow.chat.tokenUsage', { input_tokens: 1, output_tokens: 1, total_tokens: 2 }],
    ]),
    events: [{ name: 'exception', timeUnixNano: 1796306291423100000n, attributes: attrs([['exception.message', 'boom'], ['n', new FloatLiteral(2)], ['ok', false]]) }],
    status: { code: 2, message: 'bad' },
  };
}

// Python's json.dumps(translate_span_when_storing(Span.from_otel_proto(span))) for the two spans
const ROOT_CONTENT =
  '{"trace_id": "TQOfpx8PzGtzpkgOOBfoUg==", "span_id": "2Y9l/y1f1IM=", "parent_span_id": null, "name": "outer", "start_time_unix_nano": 1796306291359198871, ' +
  '"end_time_unix_nano": 1796306291437469506, "events": [], "status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": ' +
  '"\\"tr-4d039fa71f0fcc6b73a6480e3817e852\\"", "mlflow.spanType": "\\"CHAIN\\"", "mlflow.spanInputs": "{\\"q\\": 1, \\"2\\": [true, null]}", ' +
  '"mlflow.spanOutputs": "\\"gr\\u00f6\\u00dfe\\"", "mlflow.chat.tokenUsage": "{\\"input_tokens\\": 3, \\"output_tokens\\": 4, \\"total_tokens\\": 7}", ' +
  '"plain": "{\\"already\\": \\"json\\"}"}}';
const CHILD_CONTENT =
  '{"trace_id": "TQOfpx8PzGtzpkgOOBfoUg==", "span_id": "k7raR0Dzrgc=", "parent_span_id": "2Y9l/y1f1IM=", "name": "inner", "start_time_unix_nano": 1796306291423062822, ' +
  '"end_time_unix_nano": 1796306291423145675, "events": [{"name": "exception", "time_unix_nano": 1796306291423100000, "attributes": {"exception.message": "boom", ' +
  '"n": 2.0, "ok": false}}], "status": {"code": "STATUS_CODE_ERROR", "message": "bad"}, "attributes": {"mlflow.traceRequestId": ' +
  '"\\"tr-4d039fa71f0fcc6b73a6480e3817e852\\"", "mlflow.spanType": "\\"LLM\\"", "ratio": "0.5", "whole": "2.0", "raw": "\\"b\\\\\\"a\'\\\\\\\\x00\\\\\\"\\"", ' +
  '"mlflow.chat.tokenUsage": "{\\"input_tokens\\": 1, \\"output_tokens\\": 1, \\"total_tokens\\": 2}"}}';

for (const dialect of testDialects()) {
  describe(`OTLP span ingestion on ${dialect.dialect}`, () => {
    let server: TestServer;
    let exp: string;
    let other: string;

    beforeAll(async () => {
      server = await startTestApp(dialect, 'otlp');
      exp = (await call(server.app, 'POST', `${V2}/experiments/create`, { name: 'otlp' })).body.experiment_id;
      other = (await call(server.app, 'POST', `${V2}/experiments/create`, { name: 'otlp-other' })).body.experiment_id;
    });
    afterAll(async () => {
      await server?.close();
    });

    const post = (payload: Buffer | string, headers: Record<string, string> = {}) =>
      server.app.inject({ method: 'POST', url: '/v1/traces', payload, headers: { 'content-type': PROTOBUF, 'x-mlflow-experiment-id': exp, ...headers } });
    const spanRows = (traceId: string) =>
      server.app.ctx.database.read((db) => db.selectFrom('spans').selectAll().where('trace_id', '=', traceId).orderBy('span_id').execute());
    const traceRow = (traceId: string) => server.app.ctx.database.read((db) => db.selectFrom('trace_info').selectAll().where('request_id', '=', traceId).executeTakeFirst());

    it('stores each span as MLflow does and keeps the trace row in step, span by span', async () => {
      const first = await post(exportBody([childSpan()]));
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['content-type']).toBe(PROTOBUF);
      expect(first.rawPayload.length).toBe(0);
      // the child alone: the trace exists, still in progress, over the child's range
      let info = await traceRow(TRACE_ID);
      expect({ ...info, experiment_id: Number(info?.experiment_id), timestamp_ms: Number(info?.timestamp_ms), execution_time_ms: Number(info?.execution_time_ms) }).toEqual({
        request_id: TRACE_ID,
        experiment_id: Number(exp),
        timestamp_ms: 1796306291423,
        execution_time_ms: 0,
        status: 'IN_PROGRESS',
        client_request_id: null,
        request_preview: null,
        response_preview: null,
      });
      expect((await post(exportBody([rootSpan()]))).statusCode).toBe(200);
      info = await traceRow(TRACE_ID);
      expect(Number(info?.timestamp_ms)).toBe(1796306291359);
      expect(Number(info?.execution_time_ms)).toBe(1796306291437 - 1796306291359);
      expect(info?.status).toBe('OK');
      // previews from the root span's inputs and outputs (_get_truncated_preview keeps the JSON text)
      expect(info?.request_preview).toBe('{"q": 1, "2": [true, null]}');
      expect(info?.response_preview).toBe('"größe"');

      const rows = await spanRows(TRACE_ID);
      expect(rows.map((r) => ({ ...r, experiment_id: Number(r.experiment_id), start: BigInt(r.start_time_unix_nano), end: BigInt(r.end_time_unix_nano ?? -1), duration: BigInt(r.duration_ns ?? -1) }))).toEqual([
        {
          trace_id: TRACE_ID,
          experiment_id: Number(exp),
          span_id: CHILD,
          parent_span_id: ROOT,
          name: 'inner',
          type: 'LLM',
          status: 'ERROR',
          start_time_unix_nano: rows[0]!.start_time_unix_nano,
          end_time_unix_nano: rows[0]!.end_time_unix_nano,
          duration_ns: rows[0]!.duration_ns,
          start: 1796306291423062822n,
          end: 1796306291423145675n,
          duration: 1796306291423145675n - 1796306291423062822n,
          content: CHILD_CONTENT,
        },
        {
          trace_id: TRACE_ID,
          experiment_id: Number(exp),
          span_id: ROOT,
          parent_span_id: null,
          name: 'outer',
          type: 'CHAIN',
          status: 'OK',
          start_time_unix_nano: rows[1]!.start_time_unix_nano,
          end_time_unix_nano: rows[1]!.end_time_unix_nano,
          duration_ns: rows[1]!.duration_ns,
          start: 1796306291359198871n,
          end: 1796306291437469506n,
          duration: 1796306291437469506n - 1796306291359198871n,
          content: ROOT_CONTENT,
        },
      ]);
      const got = await call(server.app, 'GET', `${V3}/traces/${TRACE_ID}`);
      const location = (await call(server.app, 'GET', `${V2}/experiments/get?experiment_id=${exp}`)).body.experiment.artifact_location;
      expect(got.body.trace.trace_info.tags).toEqual({
        'mlflow.trace.spansLocation': 'TRACKING_STORE',
        'mlflow.artifactLocation': `${location}/traces/${TRACE_ID}/artifacts`,
      });
      // token usage summed over both requests, in Python's json.dumps format
      expect(got.body.trace.trace_info.trace_metadata).toEqual({ 'mlflow.trace.tokenUsage': '{"input_tokens": 4, "output_tokens": 5, "total_tokens": 9}' });
    });

    it("then StartTraceV3 keeps the spans' tag (so the client uploads no traces.json) and batchGet answers the spans", async () => {
      const started = await call(server.app, 'POST', `${V3}/traces`, {
        trace: {
          trace_info: {
            trace_id: TRACE_ID,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-12-03T14:03:37.803Z',
            execution_duration: '0.102s',
            state: 'OK',
            trace_metadata: { 'mlflow.trace.sizeStats': '{"total_size_bytes": 1483, "num_spans": 2}' },
            tags: { 'mlflow.traceName': 'outer' },
          },
        },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect(started.body.trace.trace_info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect((await spanRows(TRACE_ID)).length).toBe(2);

      const batch = await call(server.app, 'GET', `${V3}/traces/batchGet?trace_ids=${TRACE_ID}&trace_ids=tr-absent`);
      expect(batch.status).toBe(200);
      expect(batch.body.traces).toHaveLength(1);
      const [trace] = batch.body.traces;
      expect(trace.trace_info.trace_id).toBe(TRACE_ID);
      expect(trace.trace_info.trace_metadata['mlflow.trace.sizeStats']).toContain('"num_spans": 2');
      // root first, then by start time; OTLP Span JSON as MLflow's message_to_json writes it
      const [root, child] = trace.spans;
      expect(child).toEqual({
        trace_id: 'TQOfpx8PzGtzpkgOOBfoUg==',
        span_id: 'k7raR0Dzrgc=',
        parent_span_id: '2Y9l/y1f1IM=',
        name: 'inner',
        // JSON.parse rounds these; the exact digits are checked on the raw reply below
        start_time_unix_nano: Number(1796306291423062822n),
        end_time_unix_nano: Number(1796306291423145675n),
        attributes: [
          { key: 'mlflow.traceRequestId', value: { string_value: TRACE_ID } },
          { key: 'mlflow.spanType', value: { string_value: 'LLM' } },
          { key: 'ratio', value: { double_value: 0.5 } },
          { key: 'whole', value: { double_value: 2 } },
          { key: 'raw', value: { string_value: "b\"a'\\x00\"" } },
          { key: 'mlflow.chat.tokenUsage', value: { kvlist_value: { values: [
            { key: 'input_tokens', value: { int_value: 1 } },
            { key: 'output_tokens', value: { int_value: 1 } },
            { key: 'total_tokens', value: { int_value: 2 } },
          ] } } },
        ],
        events: [{ time_unix_nano: 1796306291423100000, name: 'exception', attributes: [
          { key: 'exception.message', value: { string_value: 'boom' } },
          { key: 'n', value: { double_value: 2 } },
          { key: 'ok', value: { bool_value: false } },
        ] }],
        status: { message: 'bad', code: 'STATUS_CODE_ERROR' },
      });
      expect(root).toMatchObject({ span_id: '2Y9l/y1f1IM=', name: 'outer', status: { code: 'STATUS_CODE_OK' } });
      expect(root.parent_span_id).toBeUndefined();
      const value = (key: string) => root.attributes.find((a: { key: string }) => a.key === key)?.value;
      expect(value('mlflow.spanOutputs')).toEqual({ string_value: 'größe' });
      expect(value('plain')).toEqual({ kvlist_value: { values: [{ key: 'already', value: { string_value: 'json' } }] } });
      // the precise values of the int64 fields reach the wire
      expect(batch.headers['content-type']).toContain('application/json');
      const raw = await server.app.inject({ method: 'GET', url: `${V3}/traces/batchGet?trace_ids=${TRACE_ID}` });
      expect(raw.body).toContain('"start_time_unix_nano":1796306291359198871');
    });

    it('answers getTrace, get-trace-artifact and a batchGet mixing table spans with a traces.json trace', async () => {
      const batch = await call(server.app, 'GET', `${V3}/traces/batchGet?trace_ids=${TRACE_ID}`);
      expect(batch.body.traces).toHaveLength(1);
      // getTrace reads the same spans from the table
      const got = await call(server.app, 'GET', `${V3}/traces/get?trace_id=${TRACE_ID}`);
      expect(got.status, JSON.stringify(got.body)).toBe(200);
      expect(got.body).toEqual({ trace: batch.body.traces[0] });
      // the UI's download: the table's spans as a traces.json document, root span first
      const artifact = await server.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=${TRACE_ID}` });
      expect(artifact.statusCode, artifact.body).toBe(200);
      const document = JSON.parse(artifact.body) as { spans: Array<{ span_id: string; name: string }> };
      expect(document.spans.map((x) => x.name)).toEqual(['outer', 'inner']);
      // a trace without the tag keeps its spans in traces.json, read from there in the same batch
      const fileId = `tr-${'5a'.repeat(16)}`;
      const started = await call(server.app, 'POST', `${V3}/traces`, {
        trace: { trace_info: { trace_id: fileId, trace_location: { mlflow_experiment: { experiment_id: exp } }, state: 'OK', tags: { 'mlflow.traceName': 'file' } } },
      });
      expect(started.status).toBe(200);
      expect(started.body.trace.trace_info.tags['mlflow.trace.spansLocation']).toBeUndefined();
      const fileSpan = {
        trace_id: Buffer.from('5a'.repeat(16), 'hex').toString('base64'),
        span_id: Buffer.from('ef'.repeat(8), 'hex').toString('base64'),
        parent_span_id: null,
        name: 'from-file',
        start_time_unix_nano: 1796307065979,
        end_time_unix_nano: 1796307065995,
        events: [],
        status: { code: 'STATUS_CODE_OK', message: '' },
        attributes: { 'mlflow.traceRequestId': JSON.stringify(fileId) },
      };
      // with a local artifact root the client writes traces.json at the trace's artifact location itself
      const location = String(started.body.trace.trace_info.tags['mlflow.artifactLocation']);
      const dir = location.startsWith('file:') ? fileURLToPath(location) : location;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'traces.json'), JSON.stringify({ spans: [fileSpan] }));
      const mixed = await call(server.app, 'GET', `${V3}/traces/batchGet?trace_ids=${fileId}&trace_ids=${TRACE_ID}`);
      expect(mixed.status).toBe(200);
      expect(mixed.body.traces.map((x: any) => [x.trace_info.trace_id, x.spans.map((sp: any) => sp.name)])).toEqual([
        [fileId, ['from-file']],
        [TRACE_ID, ['outer', 'inner']],
      ]);
      expect((await call(server.app, 'GET', `${V3}/traces/get?trace_id=${fileId}`)).body.trace.spans.map((sp: any) => sp.name)).toEqual(['from-file']);
    });

    it('reads an OTLP/JSON body (hex ids) the same way, and batchGet leaves incomplete traces out', async () => {
      const t = 'aa'.repeat(16);
      const body = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'probe' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: t,
                    spanId: 'bb'.repeat(8),
                    name: 'json-root',
                    startTimeUnixNano: '1796306291359198871',
                    // a JSON number beyond 2^53, written into the text below
                    endTimeUnixNano: 'END',
                    attributes: [{ key: 'mlflow.spanInputs', value: { stringValue: '{"messages": [{"role": "user", "content": "hello"}]}' } }],
                    status: { code: 'STATUS_CODE_OK' },
                  },
                ],
              },
            ],
          },
        ],
      };
      const res = await post(JSON.stringify(body).replace('"END"', '1796306291437469506'), { 'content-type': 'application/json' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(JSON.parse(res.body)).toEqual({});
      const id = `tr-${t}`;
      const rows = await spanRows(id);
      expect(rows.map((r) => [r.span_id, r.name, r.status, BigInt(r.end_time_unix_nano ?? 0)])).toEqual([['bb'.repeat(8), 'json-root', 'OK', 1796306291437469506n]]);
      // the last user message of a chat input is the preview
      expect((await traceRow(id))?.request_preview).toBe('hello');
      const batch = await call(server.app, 'GET', `${V3}/traces/batchGet?trace_ids=${id}`);
      expect(batch.body.traces.map((x: any) => x.spans.map((s: any) => s.name))).toEqual([['json-root']]);
      // the client's size stats promise 3 spans: until they are all in, batchGet leaves the trace out
      const started = await call(server.app, 'POST', `${V3}/traces`, {
        trace: { trace_info: { trace_id: id, trace_location: { mlflow_experiment: { experiment_id: exp } }, state: 'OK', trace_metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 3}' } } },
      });
      expect(started.status).toBe(200);
      expect((await call(server.app, 'GET', `${V3}/traces/batchGet?trace_ids=${id}`)).body).toEqual({});
      // and getTrace answers 404 unless allow_partial, which gives the spans stored so far
      expect((await call(server.app, 'GET', `${V3}/traces/get?trace_id=${id}`)).status).toBe(404);
      const partial = await call(server.app, 'GET', `${V3}/traces/get?trace_id=${id}&allow_partial=true`);
      expect(partial.status).toBe(200);
      expect(partial.body.trace.spans.map((x: any) => x.name)).toEqual(['json-root']);
    });

    it('answers 400 for bodies it cannot read, and writes nothing', async () => {
      const count = async () => Number((await server.app.ctx.database.read((db) => db.selectFrom('spans').select((e) => e.fn.countAll().as('n')).executeTakeFirst()))?.n);
      const before = await count();
      const bad: Array<[string, Awaited<ReturnType<typeof post>>, string]> = [
        ['garbage bytes', await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])), 'Invalid OpenTelemetry protobuf format'],
        ['no spans', await post(exportBody([])), 'no spans found'],
        ['empty body', await post(Buffer.alloc(0)), 'no spans found'],
        ['malformed JSON', await post('{"resourceSpans": [', { 'content-type': 'application/json' }), 'Invalid OpenTelemetry JSON format'],
        ['JSON of another shape', await post('{"resourceSpans": 5}', { 'content-type': 'application/json' }), 'Invalid OpenTelemetry JSON format'],
        ['odd hex id', await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc', spanId: '00' }] }] }] }), { 'content-type': 'application/json' }), 'traceId must be a hex string'],
        ['other content type', await post('x', { 'content-type': 'text/plain' }), 'Invalid Content-Type: text/plain'],
        ['a 20-byte trace id', await post(exportBody([{ ...rootSpan(), traceId: new Uint8Array(20) }])), 'trace_id must be at most 16 bytes'],
        ['a trace id attribute that is no string', await post(exportBody([withAttributes(rootSpan('cc'.repeat(16)), [['mlflow.traceRequestId', 5]])])), 'mlflow.traceRequestId'],
        ['a span type that is no string', await post(exportBody([withAttributes(rootSpan('cd'.repeat(16)), [['mlflow.spanType', { a: 1 }]])])), 'mlflow.spanType'],
      ];
      // one good span and one bad in the same request: neither is stored
      const mixed = await post(exportBody([rootSpan('dd'.repeat(16)), { ...childSpan('dd'.repeat(16)), startTimeUnixNano: 1n << 63n }]));
      bad.push(['a start beyond int64, beside a good span', mixed, 'start_time_unix_nano']);
      for (const [what, res, message] of bad) {
        expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
        const body = JSON.parse(res.body);
        expect(body.error_code, what).toBe('INVALID_PARAMETER_VALUE');
        expect(body.message, what).toContain(message);
      }
      const noHeader = await server.app.inject({ method: 'POST', url: '/v1/traces', payload: exportBody([rootSpan()]), headers: { 'content-type': PROTOBUF } });
      expect(noHeader.statusCode).toBe(400);
      expect(JSON.parse(noHeader.body).message).toContain('x-mlflow-experiment-id');
      expect(await count()).toBe(before);
      for (const t of ['cc', 'cd', 'dd']) expect(await traceRow(`tr-${t.repeat(16)}`)).toBeUndefined();
    });

    it('answers 404 for an unknown experiment and 400 for a trace of another experiment', async () => {
      const unknown = await post(exportBody([rootSpan('ee'.repeat(16))]), { 'x-mlflow-experiment-id': '987654' });
      expect(unknown.statusCode).toBe(404);
      expect(JSON.parse(unknown.body)).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=987654 exists' });
      expect(await traceRow(`tr-${'ee'.repeat(16)}`)).toBeUndefined();
      const elsewhere = await post(exportBody([rootSpan()]), { 'x-mlflow-experiment-id': other });
      expect(elsewhere.statusCode).toBe(400);
      expect(JSON.parse(elsewhere.body).message).toBe(`Trace '${TRACE_ID}' belongs to experiment ${exp}, not to experiment ${other} named by the x-mlflow-experiment-id header.`);
      // one request, two traces, the second refused: the first is not written either
      const fresh = 'ef'.repeat(16);
      const both = await post(exportBody([rootSpan(fresh), rootSpan()]), { 'x-mlflow-experiment-id': other });
      expect(both.statusCode).toBe(400);
      expect(await traceRow(`tr-${fresh}`)).toBeUndefined();
      expect(await spanRows(`tr-${fresh}`)).toEqual([]);
    });

    it('sends the same span twice without a second row, deletes spans with their trace, and caps the body size', async () => {
      const t = 'ab'.repeat(16);
      expect((await post(exportBody([rootSpan(t)]))).statusCode).toBe(200);
      expect((await post(exportBody([rootSpan(t)]))).statusCode).toBe(200);
      expect(await spanRows(`tr-${t}`)).toHaveLength(1);
      // deleting the trace takes its spans with it
      const deleted = await call(server.app, 'POST', `${V3}/traces/delete-traces`, { experiment_id: exp, request_ids: [`tr-${t}`] });
      expect(deleted.body).toEqual({ traces_deleted: 1 });
      expect(await spanRows(`tr-${t}`)).toEqual([]);
      if (dialect.dialect !== 'sqlite') return;
      const huge = await post(Buffer.alloc(32 * 1024 * 1024 + 1));
      expect(huge.statusCode).toBe(413);
      expect(JSON.parse(huge.body).error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });
}
