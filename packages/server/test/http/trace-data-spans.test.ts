/**
 * The artifact path of MLflow 3.x clients fills the `spans` table, on every database: a trace
 * started with StartTraceV3 whose `traces.json` is then PUT through the artifact proxy to the
 * trace's `mlflow.artifactLocation` is found by `span.*` filters, its rows hold what MLflow 3.x's
 * log_spans writes for those spans (Span.to_dict as json.dumps writes it), and getTrace / batchGet
 * answer exactly what they answered before (the spans of traces.json; no spansLocation tag).
 * A traces.json MLflow cannot load is stored and answered 200 but not indexed, a re-upload
 * replaces the indexed spans, a file over 32 MB is stored but not indexed, and uploads elsewhere
 * index nothing. Also on an S3 destination, and an aborted upload over real HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import { Database } from '../../src/db/database.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase, TestDialect } from '../support/databases.js';
import { call } from '../support/app.js';
import { startArtifactServer, startS3 } from '../artifacts/support.js';
import type { ArtifactServer, S3TestServer } from '../artifacts/support.js';
import { abortedUpload } from '../artifacts/http.js';

const V2 = '/api/2.0/mlflow';
const V3 = '/api/3.0/mlflow';

/**
 * The spans of trace-spans.test.ts's traces.json (client3-traces-vs-server3-filestore's, as the
 * 3.x client writes them): Python's json.dumps of Span.to_dict(), which is also what log_spans
 * stores as `content` for these spans (sanitize_attributes leaves them as they are).
 */
function spanTexts(traceId: string, names = { outer: 'outer', inner: 'inner' }): [string, string] {
  const outer =
    `{"trace_id": "OZh3BctjP5zIk1u/4r/qdg==", "span_id": "iB49vHgslvk=", "parent_span_id": null, "name": "${names.outer}", ` +
    `"start_time_unix_nano": 1796307065979186484, "end_time_unix_nano": 1796307065995709311, "events": [], ` +
    `"status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": "\\"${traceId}\\"", ` +
    `"mlflow.spanType": "\\"UNKNOWN\\"", "mlflow.spanInputs": "{\\"q\\": \\"hi\\"}", "mlflow.spanOutputs": "{\\"a\\": \\"yo\\"}"}}`;
  const inner =
    `{"trace_id": "OZh3BctjP5zIk1u/4r/qdg==", "span_id": "wdfobS31Fz4=", "parent_span_id": "iB49vHgslvk=", "name": "${names.inner}", ` +
    `"start_time_unix_nano": 1796307065990000000, "end_time_unix_nano": 1796307065991000000, ` +
    `"events": [{"name": "exception", "time_unix_nano": 1796307065990500000, "attributes": {"exception.type": "ValueError", "exception.escaped": false}}], ` +
    `"status": {"code": "STATUS_CODE_ERROR", "message": "ValueError: boom"}, "attributes": {"mlflow.traceRequestId": "\\"${traceId}\\"", ` +
    `"mlflow.spanType": "\\"LLM\\"", "score": "0.5", "model": "\\"gpt-4o\\"", "plain": "not json", "empty": "null"}}`;
  return [outer, inner];
}
const document = (spans: string[]) => `{"spans": [${spans.join(', ')}]}`;

let seq = 0;
const newTraceId = () => `tr-${(++seq).toString(16).padStart(4, '0')}${'cd'.repeat(14)}`;

interface Setup {
  label: string;
  dialect: TestDialect;
  s3?: boolean;
}

const setups: Setup[] = [
  ...testDialects().map((dialect) => ({ label: dialect.dialect, dialect })),
  ...testDialects()
    .filter((d) => d.dialect === 'sqlite')
    .map((dialect) => ({ label: 'sqlite with an S3 destination', dialect, s3: true })),
];

for (const setup of setups) {
  describe(`traces.json spans into the spans table on ${setup.label}`, () => {
    let app: FastifyInstance;
    let testDb: TestDatabase;
    let db: Database;
    let dir: string;
    let s3: S3TestServer | undefined;
    let exp: string;
    let otherExp: string;

    beforeAll(async () => {
      testDb = await setup.dialect.create('trace_data_spans');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-trace-data-spans-'));
      let destination = path.join(dir, 'artifacts');
      let env: Record<string, string> = {};
      if (setup.s3) {
        s3 = await startS3('traces');
        destination = 's3://traces/mlartifacts';
        env = s3.env;
      }
      app = await buildApp(loadServerConfig(['--backend-store-uri', testDb.uri, '--artifacts-destination', destination], env, dir));
      db = Database.open(testDb.uri);
      exp = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'trace-data-spans' })).body.experiment_id;
      otherExp = (await call(app, 'POST', `${V2}/experiments/create`, { name: 'elsewhere' })).body.experiment_id;
    });
    afterAll(async () => {
      await db?.close();
      await app?.close();
      await s3?.close();
      await testDb?.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const start = async (traceId: string, numSpans = 2) => {
      const res = await call(app, 'POST', `${V3}/traces`, {
        trace: {
          trace_info: {
            trace_id: traceId,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-12-03T14:11:05.979Z',
            execution_duration: '0.016s',
            state: 'OK',
            trace_metadata: { 'mlflow.trace.sizeStats': `{"num_spans": ${numSpans}}` },
            tags: { 'mlflow.traceName': 'outer' },
          },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.trace.trace_info.tags['mlflow.artifactLocation']).toBe(`mlflow-artifacts:/${exp}/traces/${traceId}/artifacts`);
      return res.body.trace.trace_info;
    };
    const put = async (artifactPath: string, text: string) => {
      const res = await app.inject({ method: 'PUT', url: `/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`, payload: text, headers: { 'content-type': 'text/plain' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(JSON.parse(res.body)).toEqual({});
    };
    const upload = (traceId: string, text: string) => put(`${exp}/traces/${traceId}/artifacts/traces.json`, text);
    const download = async (artifactPath: string) => (await app.inject({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts/${artifactPath}` })).body;

    const find = async (filter: string): Promise<string[]> => {
      const res = await call(app, 'POST', `${V3}/traces/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter });
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      return ((res.body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id);
    };
    const rows = (traceId: string) =>
      db.read((q) =>
        q
          .selectFrom('spans')
          .select(['trace_id', 'experiment_id', 'span_id', 'parent_span_id', 'name', 'type', 'status', 'start_time_unix_nano', 'end_time_unix_nano', 'content'])
          .where('trace_id', '=', traceId)
          .orderBy('start_time_unix_nano')
          .execute(),
      );
    const getBoth = async (traceId: string) => ({
      get: (await app.inject({ method: 'GET', url: `${V3}/traces/get?trace_id=${traceId}` })).body,
      batch: (await app.inject({ method: 'GET', url: `${V3}/traces/batchGet?trace_ids=${traceId}` })).body,
    });

    it('indexes the spans of a StartTraceV3 trace once its traces.json is uploaded, as log_spans writes them', async () => {
      const id = newTraceId();
      const info = await start(id);
      const [outer, inner] = spanTexts(id);
      await upload(id, document([outer, inner]));

      expect(await find("span.name = 'inner'")).toEqual([id]);
      expect(await find("span.type = 'LLM'")).toEqual([id]);
      expect(await find("span.type = 'UNKNOWN' AND span.status = 'ERROR'")).toEqual([id]);
      expect(await find("span.attributes.model LIKE '%gpt%'")).toEqual([id]);
      expect(await find("trace.text ILIKE '%ValueError%'")).toEqual([id]);
      expect(await find("span.name = 'nothing'")).toEqual([]);

      const stored = await rows(id);
      expect(stored.map((r) => ({ ...r, experiment_id: String(r.experiment_id), start_time_unix_nano: String(r.start_time_unix_nano), end_time_unix_nano: String(r.end_time_unix_nano) }))).toEqual([
        {
          trace_id: id,
          experiment_id: exp,
          span_id: '881e3dbc782c96f9',
          parent_span_id: null,
          name: 'outer',
          type: 'UNKNOWN',
          status: 'OK',
          start_time_unix_nano: '1796307065979186484',
          end_time_unix_nano: '1796307065995709311',
          content: outer,
        },
        {
          trace_id: id,
          experiment_id: exp,
          span_id: 'c1d7e86d2df5173e',
          parent_span_id: '881e3dbc782c96f9',
          name: 'inner',
          type: 'LLM',
          status: 'ERROR',
          start_time_unix_nano: '1796307065990000000',
          end_time_unix_nano: '1796307065991000000',
          content: inner,
        },
      ]);
      // reads still come from traces.json: the trace gets no spansLocation tag
      const res = await call(app, 'GET', `${V3}/traces/get?trace_id=${id}`);
      expect(res.status).toBe(200);
      expect(res.body.trace.trace_info).toEqual(info);
      expect(res.body.trace.trace_info.tags['mlflow.trace.spansLocation']).toBeUndefined();
      expect(res.body.trace.spans.map((s: { name: string }) => s.name)).toEqual(['outer', 'inner']);
    });

    it('answers getTrace and batchGet as before indexing existed', async () => {
      // trace-spans.test.ts checks these answers against MLflow's own; here: with the index rows
      // and without them (as a server before indexing left the trace), the answers are the same
      const id = newTraceId();
      await start(id);
      await upload(id, document(spanTexts(id)));
      expect((await rows(id)).length).toBe(2);
      const indexed = await getBoth(id);
      await db.write((tx) => tx.deleteFrom('spans').where('trace_id', '=', id).execute());
      expect(await find("span.name = 'inner'")).not.toContain(id);
      expect(await getBoth(id)).toEqual(indexed);
      expect(JSON.parse(indexed.batch).traces).toHaveLength(1);
      expect(JSON.parse(indexed.get).trace.spans).toHaveLength(2);
      expect(indexed.get).toContain('"start_time_unix_nano":1796307065979186484');
    });

    it('stores a traces.json MLflow cannot load, answers 200, and indexes nothing', async () => {
      const bad = newTraceId();
      await start(bad);
      await upload(bad, '{"spans": [not json');
      expect(await download(`${exp}/traces/${bad}/artifacts/traces.json`)).toBe('{"spans": [not json');
      expect(await rows(bad)).toEqual([]);
      // a span without its trace id attribute: MLflow's Span.from_dict refuses it, and so the file
      const [outer, inner] = spanTexts(bad);
      await upload(bad, document([outer, inner.replace(`"mlflow.traceRequestId": "\\"${bad}\\"", `, '')]));
      expect(await rows(bad)).toEqual([]);
      // spans of another trace are not this trace's
      await upload(bad, document(spanTexts(newTraceId())));
      expect(await rows(bad)).toEqual([]);
      expect(await find("span.name = 'inner'")).not.toContain(bad);
      // the server goes on answering, and the next good upload is indexed
      await upload(bad, document([outer, inner]));
      expect((await rows(bad)).map((r) => r.name)).toEqual(['outer', 'inner']);
    });

    it('replaces the indexed spans on a re-upload (never duplicates), and keeps them when the new file is bad', async () => {
      const id = newTraceId();
      await start(id);
      await upload(id, document(spanTexts(id)));
      await upload(id, document(spanTexts(id)));
      expect((await rows(id)).map((r) => r.name)).toEqual(['outer', 'inner']);
      // a file with other spans: the table follows the file getTrace reads
      const [renamedOuter] = spanTexts(id, { outer: 'renamed', inner: 'inner' });
      await upload(id, document([renamedOuter]));
      expect((await rows(id)).map((r) => r.name)).toEqual(['renamed']);
      expect(await find("span.name = 'renamed'")).toEqual([id]);
      expect(await find("span.name = 'inner'")).not.toContain(id);
      await upload(id, 'garbage');
      expect((await rows(id)).map((r) => r.name)).toEqual(['renamed']);
    });

    it.runIf(setup.label === 'sqlite')('stores a traces.json larger than 32 MB without indexing it', async () => {
      const id = newTraceId();
      await start(id);
      // a loadable document, but beyond what is buffered for indexing
      const big = `{"padding": "${'x'.repeat(32 * 1024 * 1024)}", "spans": [${spanTexts(id).join(', ')}]}`;
      await upload(id, big);
      expect((await download(`${exp}/traces/${id}/artifacts/traces.json`)).length).toBe(big.length);
      expect(await rows(id)).toEqual([]);
      // the trace is still read from its file
      expect((await call(app, 'GET', `${V3}/traces/get?trace_id=${id}`)).body.trace.spans).toHaveLength(2);
    });

    it('indexes nothing for uploads that are not to a trace location', async () => {
      const id = newTraceId();
      await start(id);
      const text = document(spanTexts(id));
      // an unknown trace, the right trace under another experiment's folder, another file name,
      // another folder of the trace
      await put(`${exp}/traces/tr-unknown/artifacts/traces.json`, text);
      await put(`${otherExp}/traces/${id}/artifacts/traces.json`, text);
      await put(`${exp}/traces/${id}/artifacts/other.json`, text);
      await put(`${exp}/traces/${id}/traces.json`, text);
      await put(`${exp}/runs/${id}/artifacts/traces.json`, text);
      expect(await rows(id)).toEqual([]);
      expect(await rows('tr-unknown')).toEqual([]);
      expect(await download(`${otherExp}/traces/${id}/artifacts/traces.json`)).toBe(text);
    });

    it('leaves the spans of a trace sent over OTLP as they are', async () => {
      const traceHex = 'ef'.repeat(16);
      const id = `tr-${traceHex}`;
      const otlp = {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: traceHex,
                    spanId: 'ef'.repeat(8),
                    name: 'from-otlp',
                    startTimeUnixNano: '1700000000000000000',
                    endTimeUnixNano: '1700000000001000000',
                    attributes: [{ key: 'mlflow.spanType', value: { stringValue: 'CHAIN' } }],
                    status: { code: 'STATUS_CODE_OK' },
                  },
                ],
              },
            ],
          },
        ],
      };
      const sent = await app.inject({
        method: 'POST',
        url: '/v1/traces',
        payload: JSON.stringify(otlp),
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const before = await getBoth(id);
      await upload(id, document(spanTexts(id)));
      expect((await rows(id)).map((r) => r.name)).toEqual(['from-otlp']);
      expect(await getBoth(id)).toEqual(before);
    });
  });
}

describe('an aborted traces.json upload over real HTTP', () => {
  let server: ArtifactServer;
  beforeAll(async () => {
    server = await startArtifactServer(['--artifacts-destination', '{dir}/artifacts']);
  });
  afterAll(async () => server?.close());

  it('stores nothing, indexes nothing, and the next upload is indexed', async () => {
    const post = async (url: string, body: unknown) => {
      const res = await fetch(`${server.url}${url}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    };
    const exp = (await post(`${V2}/experiments/create`, { name: 'aborted' })).experiment_id;
    const id = newTraceId();
    await post(`${V3}/traces`, { trace: { trace_info: { trace_id: id, trace_location: { mlflow_experiment: { experiment_id: exp } }, request_time: '2026-12-03T14:11:05.979Z', state: 'OK' } } });
    const url = `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${id}/artifacts/traces.json`;
    const find = async () =>
      ((await post(`${V3}/traces/search`, { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter: "span.name = 'inner'" })).traces ?? []).map((t: { trace_id: string }) => t.trace_id);

    await abortedUpload(server.url, url, 4 * 1024 * 1024, 512 * 1024);
    for (let i = 0; i < 200 && !server.failed.some((r) => r.startsWith(`PUT ${url}`)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(server.failed.some((r) => r.startsWith(`PUT ${url}`))).toBe(true);
    expect((await fetch(`${server.url}${url}`)).status).toBe(404);
    expect(await find()).toEqual([]);

    const put = await fetch(`${server.url}${url}`, { method: 'PUT', body: document(spanTexts(id)) });
    expect(put.status).toBe(200);
    expect(await find()).toEqual([id]);
  });
});
