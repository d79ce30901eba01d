/**
 * Permissions of OTLP span export and of batchGet, with basic auth on (every database): exporting
 * needs EDIT on the experiment the `x-mlflow-experiment-id` header names (a READ user gets 403
 * and nothing is written); batchGet answers only traces of experiments the caller may read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startAuthApp } from './support.js';
import type { AuthTestServer, Caller } from './support.js';

const traceHex = (n: number) => n.toString(16).padStart(32, '0');

function otlpJson(traceId: string): string {
  return JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '0102030405060708', name: 'root', startTimeUnixNano: '1796306291359198871', endTimeUnixNano: '1796306291437469506' }] }] }],
  });
}

describe.each(testDialects())('OTLP export permissions on $dialect', (dialect) => {
  let s: AuthTestServer;
  let exp: string;
  let reader: Caller;
  let editor: Caller;
  let stranger: Caller;

  beforeAll(async () => {
    // NO_PERMISSIONS by default: a user without a row on the experiment may not read it
    s = await startAuthApp(dialect, 'otlp', { defaultPermission: 'NO_PERMISSIONS' });
    const owner = await s.createUser('owner');
    reader = await s.createUser('reader');
    editor = await s.createUser('editor');
    stranger = await s.createUser('stranger');
    exp = (await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: owner, json: { name: 'otlp-auth' } })).body.experiment_id;
    await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: reader.username, permission: 'READ' });
    await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: exp, username: editor.username, permission: 'EDIT' });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const exportAs = (as: Caller | undefined, traceId: string, headers: Record<string, string> = { 'x-mlflow-experiment-id': exp }) =>
    s.request('POST', '/v1/traces', { as, raw: otlpJson(traceId), contentType: 'application/json', headers });
  const batchGetAs = (as: Caller, traceId: string) => s.request('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=tr-${traceId}`, { as });

  it('needs EDIT on the experiment of the header', async () => {
    const denied = await exportAs(reader, traceHex(1));
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied: update permission on the experiment is needed.' });
    expect((await exportAs(stranger, traceHex(1))).status).toBe(403);
    expect((await exportAs(undefined, traceHex(1))).status).toBe(401);
    const missing = await exportAs(reader, traceHex(1), {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('x-mlflow-experiment-id');
    expect((await s.request('GET', `/api/3.0/mlflow/traces/tr-${traceHex(1)}`, { as: editor })).status).toBe(404);

    const allowed = await exportAs(editor, traceHex(1));
    expect(allowed.status, allowed.text).toBe(200);
  });

  it('answers batchGet with the traces the caller may read only', async () => {
    const ids = (r: { body: any }) => (r.body.traces ?? []).map((t: any) => t.trace_info.trace_id);
    expect(ids(await batchGetAs(reader, traceHex(1)))).toEqual([`tr-${traceHex(1)}`]);
    expect(ids(await batchGetAs(stranger, traceHex(1)))).toEqual([]);
  });
});
