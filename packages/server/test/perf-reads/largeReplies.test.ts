/**
 * The large replies (runs/get, runs/search, metrics/get-history and the bulk history reads) are
 * read as array rows and presented without entities (db/arrayRows.ts, tracking/presenters.ts).
 * On every database: int64 values beyond 2^53 stay exact through each of these paths, NaN and
 * infinities keep MLflow's forms, empty lists stay omitted, and runs/get and runs/search write
 * the same run byte for byte. Speed is measured by `npm run bench`, never here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../src/http/json.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const BEYOND_2_53 = '9007199254740993';
const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';

/** Strings the JSON encoder must escape, or must not. */
const AWKWARD = 'quote" back\\slash\nnew\u0001line \u2028 é 😀 </script>';

describe.each(testDialects())('large replies on $dialect', (dialect) => {
  let server: TestServer;
  let experimentId: string;
  let runId: string;

  const raw = async (method: 'GET' | 'POST', url: string, body?: string) => {
    const res = await server.app.inject({ method, url, payload: body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };
  const post = (endpoint: string, body: string) => raw('POST', `${API}/${endpoint}`, body);

  beforeAll(async () => {
    server = await startTestApp(dialect, 'perf_reads');
    experimentId = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'large-replies' })).body.experiment_id;
    const created = await post('runs/create', `{"experiment_id": "${experimentId}", "run_name": "big", "start_time": ${BEYOND_2_53}}`);
    runId = JSON.parse(created).run.info.run_id;
    await post('runs/update', `{"run_id": "${runId}", "status": "FINISHED", "end_time": ${INT64_MAX}}`);
    await post(
      'runs/log-batch',
      `{"run_id": "${runId}", "metrics": [
        {"key": "big", "value": 1.5, "timestamp": ${BEYOND_2_53}, "step": ${INT64_MAX}},
        {"key": "small", "value": -2.5, "timestamp": ${BEYOND_2_53}, "step": ${INT64_MIN}},
        {"key": "nan", "value": NaN, "timestamp": 1, "step": 0},
        {"key": "inf", "value": Infinity, "timestamp": 1, "step": 0},
        {"key": "ninf", "value": -Infinity, "timestamp": 1, "step": 0},
        {"key": "sum", "value": 0.30000000000000004, "timestamp": 1, "step": 2},
        {"key": "zero", "value": 0, "timestamp": 0, "step": 0}],
       "params": [{"key": "p", "value": ${JSON.stringify(AWKWARD)}}],
       "tags": [{"key": "t", "value": ${JSON.stringify(AWKWARD)}}, {"key": "empty", "value": ""}]}`,
    );
  });
  afterAll(async () => server?.close());

  it('runs/get and runs/search write the same run, int64 exact, NaN and infinities as MLflow does', async () => {
    const got = await raw('GET', `${API}/runs/get?run_id=${runId}`);
    const found = await post('runs/search', `{"experiment_ids": ["${experimentId}"], "filter": "attributes.run_id = '${runId}'"}`);
    expect(got.startsWith('{"run":')).toBe(true);
    expect(found.startsWith('{"runs":[')).toBe(true);
    const run = got.slice('{"run":'.length, -1);
    // the same values (int64 exact: parseJson keeps bigints); SQLite writes search pages itself
    // and prints an integral double as 0.0, the presenter as 0
    expect(parseJson(found)).toEqual(parseJson(`{"runs":[${run}]}`));
    for (const text of [
      `"start_time":${BEYOND_2_53}`,
      `"end_time":${INT64_MAX}`,
      `{"key":"big","value":1.5,"timestamp":${BEYOND_2_53},"step":${INT64_MAX}}`,
      `{"key":"small","value":-2.5,"timestamp":${BEYOND_2_53},"step":${INT64_MIN}}`,
      '{"key":"nan","value":"NaN","timestamp":1,"step":0}',
      '{"key":"inf","value":1.7976931348623157e+308,"timestamp":1,"step":0}',
      '{"key":"ninf","value":-1.7976931348623157e+308,"timestamp":1,"step":0}',
      '{"key":"sum","value":0.30000000000000004,"timestamp":1,"step":2}',
      `{"key":"p","value":${JSON.stringify(AWKWARD)}}`,
      `{"key":"t","value":${JSON.stringify(AWKWARD)}}`,
      '{"key":"empty","value":""}',
      '"inputs":{}',
    ]) {
      expect(run).toContain(text);
    }
  });

  it('writes an integral double as a JSON number in both replies', async () => {
    const got = await raw('GET', `${API}/runs/get?run_id=${runId}`);
    const found = await post('runs/search', `{"experiment_ids": ["${experimentId}"], "filter": "attributes.run_id = '${runId}'"}`);
    for (const text of [got, found]) expect(text).toMatch(/\{"key":"zero","value":0(\.0)?,"timestamp":0,"step":0\}/);
  });

  it('metrics/get-history: every point exact, no list at all for a missing key', async () => {
    const history = (key: string) => raw('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=${key}`);
    expect(await history('big')).toBe(`{"metrics":[{"key":"big","value":1.5,"timestamp":${BEYOND_2_53},"step":${INT64_MAX}}]}`);
    expect(await history('small')).toBe(`{"metrics":[{"key":"small","value":-2.5,"timestamp":${BEYOND_2_53},"step":${INT64_MIN}}]}`);
    expect(await history('nan')).toBe('{"metrics":[{"key":"nan","value":"NaN","timestamp":1,"step":0}]}');
    expect(await history('absent')).toBe('{}');
  });

  it('the bulk history reads keep int64 exact too', async () => {
    const interval = await raw('GET', `${AJAX}/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=big`);
    expect(interval).toContain(`"timestamp":${BEYOND_2_53},"step":${INT64_MAX}`);
    const bulk = await raw('GET', `${AJAX}/metrics/get-history-bulk?run_id=${runId}&metric_key=big`);
    expect(bulk).toContain(`"step":${INT64_MAX},"timestamp":${BEYOND_2_53}`);
  });

  it('an empty run: data {} on get and search; runs/create answers an empty inputs and no outputs (MLflow 3.x)', async () => {
    const created = await post('runs/create', `{"experiment_id": "${experimentId}", "run_name": "empty", "start_time": 5}`);
    expect(created).toContain('"inputs":{}}}');
    expect(created).not.toContain('"outputs"');
    const id = JSON.parse(created).run.info.run_id as string;
    await post('runs/delete-tag', `{"run_id": "${id}", "key": "mlflow.runName"}`);
    const got = await raw('GET', `${API}/runs/get?run_id=${id}`);
    expect(got).toContain('"data":{},"inputs":{},"outputs":{}}');
    const found = await post('runs/search', `{"experiment_ids": ["${experimentId}"], "filter": "attributes.run_id = '${id}'"}`);
    expect(found).toBe(`{"runs":[${got.slice('{"run":'.length, -1)}]}`);
  });
  it('runs/search pages over 1000 runs (read in chunks, docs/streaming.md) hold the same runs, byte for byte, as the pages read whole', async () => {
    const exp = JSON.parse(await post('experiments/create', '{"name": "chunked-pages"}')).experiment_id as string;
    for (let i = 0; i < 1100; i++) {
      const tags = i % 100 === 0 ? `, "tags": [{"key": "t", "value": "x${i}"}]` : '';
      await post('runs/create', `{"experiment_id": "${exp}", "run_name": "r${i}", "start_time": ${1000 + (i % 7)}${tags}}`);
    }
    const search = (body: string) => post('runs/search', `{"experiment_ids": ["${exp}"], "order_by": ["attributes.start_time DESC"], ${body}}`);
    // the runs' text between '{"runs":[' and ']}' or '],"next_page_token":…}'
    const inner = (text: string) => {
      const tail = text.lastIndexOf('],"next_page_token":');
      return text.slice('{"runs":['.length, tail >= 0 ? tail : -2);
    };
    const first = await search('"max_results": 1000');
    const token = (JSON.parse(first) as { next_page_token: string }).next_page_token;
    const second = await search(`"max_results": 1000, "page_token": "${token}"`);
    const whole = await search('"max_results": 1100');
    expect(inner(whole)).toBe(`${inner(first)},${inner(second)}`);
    // a full page carries a token to the next one, a short one none, as MLflow does
    expect(JSON.parse(whole).next_page_token).toBeTypeOf('string');
    expect(JSON.parse(await search('"max_results": 1101')).next_page_token).toBeUndefined();
    expect(await search('"max_results": 5000, "filter": "attributes.run_name = \'none\'"')).toBe('{}');
  }, 300_000);
});
