/**
 * Permissions of indexing a traces.json upload into the `spans` table, with basic auth on (every
 * database): the upload needs EDIT on the experiment of its path (a READ user or a stranger gets
 * 403 and nothing is stored or indexed), and an editor of another experiment who uploads the file
 * under their own experiment's folder stores a file there but writes no spans into the trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startAuthApp } from './support.js';
import type { AuthTestServer, Caller } from './support.js';

const TRACE = `tr-${'ab'.repeat(16)}`;

/** One span of TRACE, as the 3.x client writes it. */
const TRACES_JSON =
  `{"spans": [{"trace_id": "q6urq6urq6urq6urq6urqw==", "span_id": "q6urq6urq6s=", "parent_span_id": null, "name": "guarded", ` +
  `"start_time_unix_nano": 1796307065979186484, "end_time_unix_nano": 1796307065995709311, "events": [], ` +
  `"status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": "\\"${TRACE}\\"", "mlflow.spanType": "\\"LLM\\""}}]}`;

describe.each(testDialects())('traces.json indexing permissions on $dialect', (dialect) => {
  let s: AuthTestServer;
  let exp: string;
  let otherExp: string;
  let reader: Caller;
  let editor: Caller;
  let intruder: Caller;

  beforeAll(async () => {
    s = await startAuthApp(dialect, 'trace_data', { defaultPermission: 'NO_PERMISSIONS' });
    const owner = await s.createUser('owner');
    reader = await s.createUser('reader');
    editor = await s.createUser('editor');
    intruder = await s.createUser('intruder');
    exp = (await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: owner, json: { name: 'guarded' } })).body.experiment_id;
    otherExp = (await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: intruder, json: { name: 'intruders' } })).body.experiment_id;
    await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: reader.username, permission: 'READ' });
    await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: editor.username, permission: 'EDIT' });
    const started = await s.request('POST', '/api/3.0/mlflow/traces', {
      as: owner,
      json: { trace: { trace_info: { trace_id: TRACE, trace_location: { mlflow_experiment: { experiment_id: exp } }, request_time: '2026-12-03T14:11:05.979Z', state: 'OK' } } },
    });
    expect(started.status, started.text).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const putAs = (as: Caller, experimentId: string) =>
    s.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/traces/${TRACE}/artifacts/traces.json`, { as, raw: TRACES_JSON, contentType: 'text/plain' });
  const found = async () => {
    const res = await s.admin('POST', '/api/3.0/mlflow/traces/search', { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter: "span.name = 'guarded'" });
    return (res.traces ?? []).map((t: { trace_id: string }) => t.trace_id);
  };

  it('indexes nothing for callers who may not edit the trace', async () => {
    expect((await putAs(reader, exp)).status).toBe(403);
    expect((await putAs(intruder, exp)).status).toBe(403);
    // the intruder's own folder: stored there, but the trace is not the intruder's experiment's
    const own = await putAs(intruder, otherExp);
    expect(own.status, own.text).toBe(200);
    expect(await found()).toEqual([]);
  });

  it("indexes an editor's upload", async () => {
    const res = await putAs(editor, exp);
    expect(res.status, res.text).toBe(200);
    expect(await found()).toEqual([TRACE]);
  });
});
