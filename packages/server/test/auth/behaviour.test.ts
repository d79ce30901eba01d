/**
 * What users see with authentication on: filtered searches on every listing route, tokens,
 * browser sessions with CSRF, throttled logins, changes that take effect at once, grants that
 * follow creates, renames and deletes, the trusted-header mode, and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { ADMIN, basic, startAuthApp } from './support.js';
import type { AuthTestServer, Caller } from './support.js';

describe.each(testDialects())('authentication and permissions on $dialect', (dialect) => {
  let s: AuthTestServer;
  let alice: Caller;
  let bob: Caller;
  let exp: string;
  let run: string;

  beforeAll(async () => {
    s = await startAuthApp(dialect, 'behaviour');
    alice = await s.createUser('alice');
    bob = await s.createUser('bob');
    exp = (await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: alice, json: { name: 'alice-exp' } })).body.experiment_id;
    run = (await s.request('POST', '/api/2.0/mlflow/runs/create', { as: alice, json: { experiment_id: exp } })).body.run.info.run_id;
    await s.request('POST', '/api/2.0/mlflow/runs/log-metric', { as: alice, json: { run_id: run, key: 'loss', value: 1, timestamp: 1 } });
    await s.request('POST', '/api/2.0/mlflow/registered-models/create', { as: alice, json: { name: 'alice-model' } });
    await s.request('POST', '/api/2.0/mlflow/model-versions/create', { as: alice, json: { name: 'alice-model', source: `mlflow-artifacts:/${exp}/${run}/artifacts/model`, run_id: run } });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  it('answers 401 with the Basic challenge, and the creator manages what it creates', async () => {
    const anon = await s.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toBe('Basic realm="mlflow"');
    expect(anon.body.error_code).toBe('UNAUTHENTICATED');
    const wrong = await s.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: { username: 'alice', password: 'nope' } });
    expect(wrong.status).toBe(401);
    const perm = await s.admin('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${exp}&username=alice`);
    expect(perm.experiment_permission.permission).toBe('MANAGE');
    // bob reads with the default READ but cannot log
    expect((await s.request('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, { as: bob })).status).toBe(200);
    const log = await s.request('POST', '/api/2.0/mlflow/runs/log-metric', { as: bob, json: { run_id: run, key: 'x', value: 1, timestamp: 1 } });
    expect(log.status).toBe(403);
    expect(log.body.error_code).toBe('PERMISSION_DENIED');
  });

  it('hides an experiment, its runs, models and artifacts from a user with NO_PERMISSIONS, on every route', async () => {
    await s.request('POST', '/api/2.0/mlflow/experiments/permissions/create', { as: alice, json: { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' } });
    await s.request('POST', '/api/2.0/mlflow/registered-models/permissions/create', { as: alice, json: { name: 'alice-model', username: 'bob', permission: 'NO_PERMISSIONS' } });
    const experiments = await s.request('POST', '/api/2.0/mlflow/experiments/search', { as: bob, json: { max_results: 100 } });
    expect((experiments.body.experiments ?? []).map((e: { experiment_id: string }) => e.experiment_id)).not.toContain(exp);
    const runs = await s.request('POST', '/api/2.0/mlflow/runs/search', { as: bob, json: { experiment_ids: [exp, '0'] } });
    expect(runs.body.runs ?? []).toEqual([]);
    const models = await s.request('GET', '/api/2.0/mlflow/registered-models/search', { as: bob });
    expect(models.body.registered_models ?? []).toEqual([]);
    const versions = await s.request('GET', '/api/2.0/mlflow/model-versions/search', { as: bob });
    expect(versions.body.model_versions ?? []).toEqual([]);
    const v1 = await s.request('GET', '/v1/experiments', { as: bob });
    expect(v1.body.data.map((e: { experiment_id: string }) => e.experiment_id)).not.toContain(exp);
    expect((await s.request('GET', '/v1/models', { as: bob })).body.data).toEqual([]);
    for (const url of [
      `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`,
      `/api/2.0/mlflow/runs/get?run_id=${run}`,
      `/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${run}&metric_key=loss`,
      `/get-artifact?run_uuid=${run}&path=x`,
      `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/x`,
      `/ajax-api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/x`,
      '/model-versions/get-artifact?name=alice-model&version=1&path=MLmodel',
      `/v1/run/${run}/artifacts/download?path=x`,
    ]) {
      expect((await s.request('GET', url, { as: bob })).status, url).toBe(403);
    }
    const graphql = await s.request('POST', '/graphql', {
      as: bob,
      json: { query: `{ mlflowGetRun(input: {runId: "${run}"}) { run { info { runId } } } mlflowSearchModelVersions(input: {}) { modelVersions { name } } }` },
    });
    expect(graphql.body.data.mlflowGetRun).toBeNull();
    expect(graphql.body.errors.join(' ')).toContain('Permission denied');
    expect(graphql.body.data.mlflowSearchModelVersions.modelVersions ?? []).toEqual([]);
    // alice still sees everything
    const mine = await s.request('POST', '/api/2.0/mlflow/runs/search', { as: alice, json: { experiment_ids: [exp] } });
    expect(mine.body.runs).toHaveLength(1);
    await s.request('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { as: alice, json: { experiment_id: exp, username: 'bob' } });
    await s.request('DELETE', '/api/2.0/mlflow/registered-models/permissions/delete', { as: alice, json: { name: 'alice-model', username: 'bob' } });
  });

  it('checks HEAD like GET, asks for credentials before redirecting double slashes, and ignores method overrides', async () => {
    await s.request('POST', '/api/2.0/mlflow/experiments/permissions/create', { as: alice, json: { experiment_id: exp, username: 'bob', permission: 'NO_PERMISSIONS' } });
    try {
      expect((await s.request('HEAD', `/api/2.0/mlflow/runs/get?run_id=${run}`, { as: bob })).status).toBe(403);
      expect((await s.request('GET', `//api/2.0/mlflow/runs/get?run_id=${run}`)).status).toBe(401);
      const redirected = await s.request('GET', `//api/2.0/mlflow/runs/get?run_id=${run}`, { as: bob });
      expect(redirected.status).toBe(308);
      expect((await s.request('GET', String(redirected.headers.location), { as: bob })).status).toBe(403);
      const override = await s.request('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, { as: bob, headers: { 'x-http-method-override': 'POST' } });
      expect(override.status).toBe(403);
      const encoded = await s.request('GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}%2F..%2F0/x`, { as: bob });
      expect([400, 403, 404]).toContain(encoded.status);
    } finally {
      await s.request('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { as: alice, json: { experiment_id: exp, username: 'bob' } });
    }
  });

  it('accepts personal access tokens as Bearer until they are revoked', async () => {
    const created = await s.request('POST', '/v1/tokens', { as: alice, json: { name: 'ci', expires_in_days: 30 } });
    expect(created.status).toBe(201);
    const { token, id } = created.body.data;
    expect(token).toMatch(/^dmt_/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await s.request('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`, { headers: bearer })).status).toBe(200);
    const listed = await s.request('GET', '/v1/tokens', { as: alice });
    expect(listed.body.data.map((t: { id: string }) => t.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    // bob cannot revoke alice's token
    expect((await s.request('DELETE', `/v1/tokens/${id}`, { as: bob })).status).toBe(404);
    expect((await s.request('DELETE', `/v1/tokens/${id}`, { as: alice })).status).toBe(200);
    expect((await s.request('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`, { headers: bearer })).status).toBe(401);
    const bad = await s.request('POST', '/v1/tokens', { as: alice, json: { name: 'x', expires_in_days: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe(bad.body.message);
  });

  it('signs browsers in with an HttpOnly session cookie and requires the CSRF token on writes', async () => {
    const login = await s.request('POST', '/auth/login', { json: { username: 'alice', password: alice.password } });
    expect(login.status).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/darwin_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0]!;
    const me = await s.request('GET', '/auth/me', { headers: { cookie } });
    expect(me.body.user.username).toBe('alice');
    expect(me.body.user.manages.experiment_ids).toContain(exp);
    expect((await s.request('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, { headers: { cookie } })).status).toBe(200);
    const body = { run_id: run, key: 'csrf', value: 'v' };
    expect((await s.request('POST', '/api/2.0/mlflow/runs/set-tag', { headers: { cookie }, json: body })).status).toBe(403);
    expect((await s.request('POST', '/api/2.0/mlflow/runs/set-tag', { headers: { cookie, 'x-csrf-token': login.body.csrf_token }, json: body })).status).toBe(200);
    await s.request('POST', '/auth/logout', { headers: { cookie } });
    expect((await s.request('GET', `/api/2.0/mlflow/runs/get?run_id=${run}`, { headers: { cookie } })).status).toBe(401);
    expect((await s.request('GET', '/auth/me')).body).toEqual({ auth_enabled: true, csrf_token: null, user: null });
  });

  it('throttles failed sign-ins per user with 429 and Retry-After', async () => {
    const victim = await s.createUser('victim');
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await s.request('POST', '/auth/login', { json: { username: 'victim', password: `guess${i}` } })).status;
    expect(last).toBe(429);
    const limited = await s.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: victim });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('applies a changed password and a deleted user at once on this server', async () => {
    const carol = await s.createUser('carol');
    expect((await s.request('GET', '/api/2.0/mlflow/users/get?username=carol', { as: carol })).status).toBe(200);
    await s.request('PATCH', '/api/2.0/mlflow/users/update-password', { as: carol, json: { username: 'carol', password: 'new-pw-2' } });
    expect((await s.request('GET', '/api/2.0/mlflow/users/get?username=carol', { as: carol })).status).toBe(401);
    const renewed = { username: 'carol', password: 'new-pw-2' };
    expect((await s.request('GET', '/api/2.0/mlflow/users/get?username=carol', { as: renewed })).status).toBe(200);
    const empty = await s.request('PATCH', '/api/2.0/mlflow/users/update-password', { as: renewed, json: { username: 'carol', password: '' } });
    expect(empty.status).toBe(400);
    await s.admin('DELETE', '/api/2.0/mlflow/users/delete', { username: 'carol' });
    expect((await s.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: renewed })).status).toBe(401);
  });

  it('moves grants with a renamed model and drops them with a deleted model or experiment', async () => {
    await s.request('POST', '/api/2.0/mlflow/registered-models/create', { as: alice, json: { name: 'temp-model' } });
    await s.request('POST', '/api/2.0/mlflow/registered-models/rename', { as: alice, json: { name: 'temp-model', new_name: 'renamed-model' } });
    expect((await s.admin('GET', '/api/2.0/mlflow/registered-models/permissions/get?name=renamed-model&username=alice')).registered_model_permission.permission).toBe('MANAGE');
    expect((await s.request('GET', '/api/2.0/mlflow/registered-models/permissions/get?name=temp-model&username=alice', { as: ADMIN })).status).toBe(404);
    await s.request('POST', '/api/2.0/mlflow/registered-models/permissions/create', { as: alice, json: { name: 'renamed-model', username: 'bob', permission: 'EDIT' } });
    await s.request('DELETE', '/api/2.0/mlflow/registered-models/delete', { as: alice, json: { name: 'renamed-model' } });
    // a new model of the same name inherits nothing
    await s.admin('POST', '/api/2.0/mlflow/registered-models/create', { name: 'renamed-model' });
    expect((await s.request('GET', '/api/2.0/mlflow/registered-models/permissions/get?name=renamed-model&username=bob', { as: ADMIN })).status).toBe(404);
    const e2 = (await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: alice, json: { name: 'short-lived' } })).body.experiment_id;
    await s.request('POST', '/api/2.0/mlflow/experiments/permissions/create', { as: alice, json: { experiment_id: e2, username: 'bob', permission: 'EDIT' } });
    await s.request('POST', '/api/2.0/mlflow/experiments/delete', { as: alice, json: { experiment_id: e2 } });
    expect((await s.request('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${e2}&username=bob`, { as: ADMIN })).status).toBe(404);
    const audit = await s.request('GET', '/v1/audit?page_size=50', { as: ADMIN });
    const actions = audit.body.data.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['model.delete', 'experiment.delete', 'permission.model.create', 'user.delete', 'token.revoke']));
    expect((await s.request('GET', '/v1/audit', { as: bob })).status).toBe(403);
  });

  it('serves the /v1 API as the authenticated caller, with 404 for a run outside the path experiment', async () => {
    const created = await s.request('POST', `/v1/experiment/${exp}/run`, { as: alice, json: { run_name: 'v1-run', tags: { a: 'b' } } });
    expect(created.status).toBe(201);
    const runId = created.body.data.run_id;
    const got = await s.request('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { as: alice });
    expect(got.body.run.info.user_id).toBe('alice');
    const logged = await s.request('POST', `/v1/run/${runId}/log-data`, {
      as: alice,
      json: { metrics: [{ key: 'acc', value: 0.5, step: 1 }, { key: 'acc', value: 0.6, step: 2 }], params: { key: 'lr', value: '0.1' } },
    });
    expect(logged.body).toEqual({ status: 'SUCCESS', message: 'Log data success' });
    const history = await s.request('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc`, { as: alice });
    expect(history.body.metrics.map((m: { step: unknown }) => String(m.step))).toEqual(['1', '2']);
    expect((await s.request('GET', `/v1/experiment/0/run/${runId}`, { as: alice })).status).toBe(404);
    const ignored = await s.request('GET', `/v1/experiment/${exp}`, { headers: { email: 'alice' } });
    expect(ignored.status).toBe(401);
  });

  it('filters /v1/models by name (quotes included) and tags, pages by page_size, and formats created_at', async () => {
    for (const name of ["o'brien-model", 'team-a-1', 'team-a-2', 'team-b-1']) {
      await s.request('POST', '/api/2.0/mlflow/registered-models/create', { as: alice, json: { name, tags: [{ key: 'team', value: name.startsWith('team-a') ? 'a' : 'b' }] } });
    }
    const q = (filters: object, extra = '') => s.request('GET', `/v1/models?filters=${encodeURIComponent(JSON.stringify(filters))}${extra}`, { as: alice });
    const quoted = await q({ name: "o'brien" });
    expect(quoted.status).toBe(200);
    expect(quoted.body.data.map((m: { name: string }) => m.name)).toEqual(["o'brien-model"]);
    expect(quoted.body.data[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const byTag = await q({ name: 'team', tags: { team: 'a' } }, '&page_size=1');
    expect(byTag.body.data.map((m: { name: string }) => m.name)).toEqual(['team-a-1']);
    const next = await q({ name: 'team', tags: { team: 'a' } }, `&page_size=1&page_token=${encodeURIComponent(byTag.body.next_page_token)}`);
    expect(next.body.data.map((m: { name: string }) => m.name)).toEqual(['team-a-2']);
    expect((await s.request('GET', '/v1/models?filters=not-json', { as: alice })).status).toBe(400);
    expect((await s.request('GET', '/v1/models?page_size=0', { as: alice })).status).toBe(400);
  });
});

describe('trusted-header mode', () => {
  it('takes the user from the operator-named header, and only in that mode', async () => {
    const [sqlite] = testDialects();
    const s = await startAuthApp(sqlite!, 'trusted', { extraArgs: ['--auth-trusted-header', 'email'] });
    try {
      const res = await s.request('POST', '/v1/experiment', { headers: { email: 'dana@example.com' }, json: { experiment_name: 'sso' } });
      expect(res.status).toBe(200);
      const perm = await s.admin('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${res.body.data.experiment_id}&username=dana@example.com`);
      expect(perm.experiment_permission.permission).toBe('MANAGE');
      // a user created this way has no password to sign in with
      expect((await s.request('GET', '/v1/experiments', { headers: { authorization: basic({ username: 'dana@example.com', password: '' }) } })).status).toBe(401);
    } finally {
      await s.close();
    }
  });
});

describe('default permission NO_PERMISSIONS', () => {
  it('shows a user only what was granted', async () => {
    const [sqlite] = testDialects();
    const s = await startAuthApp(sqlite!, 'closed', { defaultPermission: 'NO_PERMISSIONS' });
    try {
      const erin = await s.createUser('erin');
      const a = (await s.admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'granted' })).experiment_id;
      await s.admin('POST', '/api/2.0/mlflow/experiments/create', { name: 'hidden' });
      await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: a, username: 'erin', permission: 'READ' });
      const found = await s.request('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { as: erin });
      expect(found.body.experiments.map((e: { name: string }) => e.name)).toEqual(['granted']);
      expect(found.body.next_page_token).toBeUndefined();
      expect((await s.request('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', { as: erin })).status).toBe(403);
    } finally {
      await s.close();
    }
  });
});
