/**
 * MLflow 3.x searches under basic-auth on every database: trace and logged-model searches leave
 * out what the caller may not read (in SQL), and logged-model page tokens count every model of
 * the requested experiments, as MLflow's filter_search_logged_models pages. Trace reads with
 * spans (batchGet, getTrace, get-trace-artifact), the 2.x search and filter correlation too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { ADMIN, startAuthApp } from './support.js';
import type { AuthTestServer, Caller } from './support.js';

describe.each(testDialects())('MLflow 3.x search visibility on $dialect', (dialect) => {
  let s: AuthTestServer;
  let reader: Caller;
  const experiments: string[] = [];
  const readable = [0, 3, 4, 5, 6, 8];

  beforeAll(async () => {
    s = await startAuthApp(dialect, 'vis3x');
    reader = await s.createUser('reader');
    for (let i = 0; i < 10; i++) {
      const { experiment_id: exp } = await s.admin('POST', '/api/2.0/mlflow/experiments/create', { name: `vis-${i}` });
      experiments.push(exp);
      const permission = readable.includes(i) ? 'READ' : 'NO_PERMISSIONS';
      await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: reader.username, permission });
      await s.admin('POST', '/api/2.0/mlflow/logged-models', { experiment_id: exp, name: `model-${i}` });
      await s.admin('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: `tr-vis${String(i).padStart(2, '0')}`,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: new Date(1_700_000_000_000 + i * 1000).toISOString(),
            state: 'OK',
          },
        },
      });
    }
  }, 120_000);
  afterAll(async () => s?.close());

  it('leaves unreadable experiments out of trace searches', async () => {
    const locations = experiments.map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } }));
    const res = await s.request('POST', '/api/3.0/mlflow/traces/search', { as: reader, json: { locations } });
    expect(res.status).toBe(200);
    const ids = (res.body.traces as { trace_id: string }[]).map((t) => t.trace_id);
    expect(ids).toEqual([...readable].reverse().map((i) => `tr-vis${String(i).padStart(2, '0')}`));
    const denied = await s.request('GET', '/api/3.0/mlflow/traces/tr-vis01', { as: reader });
    expect(denied.status).toBe(403);
  });

  it('leaves unreadable experiments out of batchGet, the 2.x search and filter correlation', async () => {
    for (const i of [0, 1]) {
      const id = `tr-vis0${i}`;
      const spans = { spans: [{ trace_id: 'OZh3BctjP5zIk1u/4r/qdg==', span_id: 'iB49vHgslvk=', parent_span_id: null, name: 'root', start_time_unix_nano: 1, end_time_unix_nano: 2, events: [], status: { code: 'STATUS_CODE_OK', message: '' }, attributes: { 'mlflow.traceRequestId': JSON.stringify(id) } }] };
      const put = await s.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${experiments[i]}/traces/${id}/artifacts/traces.json`, { as: ADMIN, raw: JSON.stringify(spans), contentType: 'text/plain' });
      expect(put.status).toBe(200);
    }
    const batch = await s.request('GET', '/api/3.0/mlflow/traces/batchGet?trace_ids=tr-vis01&trace_ids=tr-vis00', { as: reader });
    expect(batch.status).toBe(200);
    expect((batch.body.traces as { trace_info: { trace_id: string } }[]).map((t) => t.trace_info.trace_id)).toEqual(['tr-vis00']);
    // the admin sees both: the filter is the caller's permissions, not the data
    expect((await s.request('GET', '/api/3.0/mlflow/traces/batchGet?trace_ids=tr-vis01&trace_ids=tr-vis00', { as: ADMIN })).body.traces).toHaveLength(2);
    expect((await s.request('GET', '/api/3.0/mlflow/traces/get?trace_id=tr-vis00', { as: reader })).status).toBe(200);
    expect((await s.request('GET', '/api/3.0/mlflow/traces/get?trace_id=tr-vis01', { as: reader })).status).toBe(403);
    expect((await s.request('GET', '/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-vis00', { as: reader })).status).toBe(200);
    expect((await s.request('GET', '/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-vis01', { as: reader })).status).toBe(403);

    const query = experiments.map((id) => `experiment_ids=${id}`).join('&');
    const v2 = await s.request('GET', `/api/2.0/mlflow/traces?${query}`, { as: reader });
    expect(v2.status).toBe(200);
    expect((v2.body.traces as { request_id: string }[]).map((t) => t.request_id)).toEqual([...readable].reverse().map((i) => `tr-vis${String(i).padStart(2, '0')}`));
    const correlation = await s.request('POST', '/api/3.0/mlflow/traces/calculate-filter-correlation', {
      as: reader,
      json: { experiment_ids: experiments, filter_string1: "trace.status = 'OK'", filter_string2: `trace.timestamp_ms < ${1_700_000_000_000 + 5000}` },
    });
    expect(correlation.status).toBe(200);
    // readable: 0, 3, 4, 5, 6, 8; of those 0, 3 and 4 are before 5 s
    expect(correlation.body).toMatchObject({ total_count: 6, filter1_count: 6, filter2_count: 3, joint_count: 3 });
  });

  it('pages logged-model searches over the unfiltered order, as MLflow does', async () => {
    const page = async (body: Record<string, unknown>) => {
      const res = await s.request('POST', '/api/2.0/mlflow/logged-models/search', { as: reader, json: { experiment_ids: experiments, order_by: [{ field_name: 'name', ascending: false }], ...body } });
      expect(res.status, res.text).toBe(200);
      return { names: (res.body.models as { info: { name: string } }[]).map((m) => m.info.name), token: res.body.next_page_token as string | undefined };
    };
    expect((await page({})).names).toEqual([...readable].reverse().map((i) => `model-${i}`));
    const first = await page({ max_results: 2 });
    expect(first.names).toEqual(['model-8', 'model-6']);
    // by name, descending: models 9, 8, 7, 6 were passed over, so the next page starts at offset 4
    expect(JSON.parse(Buffer.from(first.token!, 'base64').toString()).offset).toBe(4);
    const second = await page({ max_results: 2, page_token: first.token });
    expect(second.names).toEqual(['model-5', 'model-4']);
    const rest = await page({ page_token: second.token });
    expect(rest).toEqual({ names: ['model-3', 'model-0'], token: undefined });
  });
});
