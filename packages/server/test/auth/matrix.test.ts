/**
 * Users × permissions × every mounted route. Four users hold NO_PERMISSIONS, READ, EDIT and
 * MANAGE rows on one experiment (with a run and artifacts) and one registered model (with a
 * version); for every route the server mounted, each of them (and an anonymous caller) sends a
 * concrete request, and the answer must be what the permission table allows: 401 without
 * credentials, 403 without the permission, anything else (the handler's own answer) with it.
 * Routes that would destroy the shared fixture act on fresh resources with the same grants.
 * A mounted route without a sample fails the test, so new routes cannot go unchecked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows } from '../../src/auth/permissions.js';
import type { Capability, PermissionName } from '../../src/auth/permissions.js';
import type { Rule } from '../../src/auth/rules.js';
import { testDialects } from '../support/databases.js';
import { ADMIN, startAuthApp } from './support.js';
import type { AuthTestServer, Caller } from './support.js';

const LEVELS: readonly PermissionName[] = ['NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE'];

interface Fixture {
  exp: string;
  expName: string;
  run: string;
  model: string;
  users: Record<PermissionName, Caller>;
  /** A user whose permission rows the permission routes change. */
  target: Caller;
}

interface Sample {
  query?: Record<string, string | string[]>;
  json?: unknown;
  raw?: string;
  contentType?: string;
  params?: Record<string, string>;
  wildcard?: string;
  headers?: Record<string, string>;
}

type Build = (s: AuthTestServer, fx: Fixture, sender: Caller | undefined) => Promise<Sample> | Sample;

let counter = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++counter}`;

async function grantAll(s: AuthTestServer, fx: Fixture, kind: 'experiment' | 'model', id: string): Promise<void> {
  for (const level of LEVELS) {
    const who = fx.users[level].username;
    if (kind === 'experiment') await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: id, username: who, permission: level });
    else await s.admin('POST', '/api/2.0/mlflow/registered-models/permissions/create', { name: id, username: who, permission: level });
  }
}

async function freshExperiment(s: AuthTestServer, fx: Fixture, opts: { deleted?: boolean } = {}): Promise<{ exp: string; run: string }> {
  const { experiment_id: exp } = await s.admin('POST', '/api/2.0/mlflow/experiments/create', { name: unique('fresh') });
  const { run } = await s.admin('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp });
  if (opts.deleted) await s.admin('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp });
  await grantAll(s, fx, 'experiment', exp);
  return { exp, run: run.info.run_id };
}

async function freshRun(s: AuthTestServer, fx: Fixture, deleted = false): Promise<string> {
  const { run } = await s.admin('POST', '/api/2.0/mlflow/runs/create', { experiment_id: fx.exp });
  if (deleted) await s.admin('POST', '/api/2.0/mlflow/runs/delete', { run_id: run.info.run_id });
  return run.info.run_id;
}

/** A trace (MLflow 3.x) in the shared experiment, optionally with an assessment. */
async function freshTrace(s: AuthTestServer, fx: Fixture, withAssessment = false): Promise<Record<string, string>> {
  const traceId = `tr-${unique('t').replace(/[^a-z0-9]/g, '')}`.slice(0, 40);
  await s.admin('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: traceInfo(fx, traceId) } });
  if (!withAssessment) return { trace_id: traceId, request_id: traceId };
  const { assessment } = await s.admin('POST', `/api/3.0/mlflow/traces/${traceId}/assessments`, {
    assessment: { assessment_name: 'q', source: { source_type: 'HUMAN', source_id: 'me' }, feedback: { value: true } },
  });
  return { trace_id: traceId, request_id: traceId, assessment_id: assessment.assessment_id };
}

/** An OTLP/JSON export of one span of a new trace. */
function otlpJsonSpan(): string {
  const traceId = Buffer.from(unique('o')).toString('hex').padEnd(32, '0').slice(0, 32);
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: '0102030405060708', name: 'matrix', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
}

function traceInfo(fx: Fixture, traceId: string) {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: fx.exp } },
    request_time: '2026-01-01T00:00:00.000Z',
    execution_duration: '0.5s',
    state: 'OK',
    tags: { 'mlflow.traceName': 'matrix' },
  };
}

async function freshModel(s: AuthTestServer, fx: Fixture, withVersion = false): Promise<string> {
  const name = unique('model');
  await s.admin('POST', '/api/2.0/mlflow/registered-models/create', { name });
  if (withVersion) await s.admin('POST', '/api/2.0/mlflow/model-versions/create', { name, source: `mlflow-artifacts:/${fx.exp}/${fx.run}/artifacts/model`, run_id: fx.run });
  await grantAll(s, fx, 'model', name);
  return name;
}

/** A logged model (MLflow 3.x) in the shared experiment, so the experiment's grants apply. */
async function freshLoggedModel(s: AuthTestServer, fx: Fixture): Promise<Record<string, string>> {
  const { model } = await s.admin('POST', '/api/2.0/mlflow/logged-models', { experiment_id: fx.exp, tags: [{ key: 't', value: 'v' }] });
  return { model_id: model.info.model_id, tag_key: 't' };
}

async function targetRow(s: AuthTestServer, fx: Fixture, kind: 'experiment' | 'model'): Promise<string> {
  const user = await s.createUser(unique('target'));
  if (kind === 'experiment') await s.admin('POST', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: fx.exp, username: user.username, permission: 'READ' });
  else await s.admin('POST', '/api/2.0/mlflow/registered-models/permissions/create', { name: fx.model, username: user.username, permission: 'READ' });
  return user.username;
}

/** One request per rule key (`METHOD path` without the API or static prefix). */
const SAMPLES: Record<string, Build> = {
  'POST /mlflow/experiments/create': () => ({ json: { name: unique('e') } }),
  'POST /mlflow/experiments/search': () => ({ json: { max_results: 10 } }),
  'GET /mlflow/experiments/search': () => ({ query: { max_results: '10' } }),
  'GET /mlflow/experiments/get': (_s, fx) => ({ query: { experiment_id: fx.exp } }),
  'GET /mlflow/experiments/get-by-name': (_s, fx) => ({ query: { experiment_name: fx.expName } }),
  'POST /mlflow/experiments/delete': async (s, fx) => ({ json: { experiment_id: (await freshExperiment(s, fx)).exp } }),
  'POST /mlflow/experiments/restore': async (s, fx) => ({ json: { experiment_id: (await freshExperiment(s, fx, { deleted: true })).exp } }),
  'POST /mlflow/experiments/update': async (s, fx) => ({ json: { experiment_id: (await freshExperiment(s, fx)).exp, new_name: unique('renamed') } }),
  'POST /mlflow/experiments/set-experiment-tag': (_s, fx) => ({ json: { experiment_id: fx.exp, key: 'k', value: 'v' } }),
  'POST /mlflow/experiments/search-datasets': (_s, fx) => ({ json: { experiment_ids: [fx.exp] } }),
  'POST /mlflow/runs/create': (_s, fx) => ({ json: { experiment_id: fx.exp, start_time: 1 } }),
  'GET /mlflow/runs/get': (_s, fx) => ({ query: { run_id: fx.run } }),
  'POST /mlflow/runs/update': (_s, fx) => ({ json: { run_id: fx.run, status: 'RUNNING' } }),
  'POST /mlflow/runs/delete': async (s, fx) => ({ json: { run_id: await freshRun(s, fx) } }),
  'POST /mlflow/runs/restore': async (s, fx) => ({ json: { run_id: await freshRun(s, fx, true) } }),
  'POST /mlflow/runs/log-metric': (_s, fx) => ({ json: { run_id: fx.run, key: 'm', value: 1, timestamp: 1, step: 0 } }),
  'POST /mlflow/runs/log-parameter': (_s, fx) => ({ json: { run_id: fx.run, key: unique('p'), value: 'v' } }),
  'POST /mlflow/runs/log-batch': (_s, fx) => ({ json: { run_id: fx.run, metrics: [{ key: 'm', value: 2, timestamp: 2, step: 1 }] } }),
  'POST /mlflow/runs/log-model': (_s, fx) => ({ json: { run_id: fx.run, model_json: JSON.stringify({ artifact_path: 'model', flavors: {}, run_id: fx.run, utc_time_created: '2024-01-01 00:00:00.000000' }) } }),
  'POST /mlflow/runs/log-inputs': (_s, fx) => ({ json: { run_id: fx.run, datasets: [] } }),
  'POST /mlflow/runs/set-tag': (_s, fx) => ({ json: { run_id: fx.run, key: 't', value: 'v' } }),
  'POST /mlflow/runs/delete-tag': (_s, fx) => ({ json: { run_id: fx.run, key: 'absent' } }),
  'POST /mlflow/runs/search': (_s, fx) => ({ json: { experiment_ids: [fx.exp] } }),
  'GET /mlflow/artifacts/list': (_s, fx) => ({ query: { run_id: fx.run } }),
  'GET /mlflow/metrics/get-history': (_s, fx) => ({ query: { run_id: fx.run, metric_key: 'm' } }),
  'GET /mlflow/metrics/get-history-bulk': (_s, fx) => ({ query: { run_id: fx.run, metric_key: 'm' } }),
  'GET /mlflow/metrics/get-history-bulk-interval': (_s, fx) => ({ query: { run_ids: fx.run, metric_key: 'm' } }),
  'POST /mlflow/experiments/delete-experiment-tag': async (s, fx) => {
    await s.admin('POST', '/api/2.0/mlflow/experiments/set-experiment-tag', { experiment_id: fx.exp, key: 'gone', value: 'v' });
    return { json: { experiment_id: fx.exp, key: 'gone' } };
  },
  'POST /mlflow/runs/outputs': async (s, fx) => ({ json: { run_id: fx.run, models: [{ model_id: (await freshLoggedModel(s, fx)).model_id, step: 0 }] } }),
  'POST /mlflow/logged-models': (_s, fx) => ({ json: { experiment_id: fx.exp } }),
  'POST /mlflow/logged-models/search': (_s, fx) => ({ json: { experiment_ids: [fx.exp] } }),
  'GET /mlflow/logged-models/:model_id': async (s, fx) => ({ params: await freshLoggedModel(s, fx) }),
  'PATCH /mlflow/logged-models/:model_id': async (s, fx) => {
    const params = await freshLoggedModel(s, fx);
    return { params, json: { model_id: params.model_id, status: 'LOGGED_MODEL_READY' } };
  },
  'DELETE /mlflow/logged-models/:model_id': async (s, fx) => ({ params: await freshLoggedModel(s, fx), json: {} }),
  'PATCH /mlflow/logged-models/:model_id/tags': async (s, fx) => ({ params: await freshLoggedModel(s, fx), json: { tags: [{ key: 'a', value: 'b' }] } }),
  'DELETE /mlflow/logged-models/:model_id/tags/:tag_key': async (s, fx) => ({ params: await freshLoggedModel(s, fx), json: {} }),
  'POST /mlflow/logged-models/:model_id/params': async (s, fx) => ({ params: await freshLoggedModel(s, fx), json: { params: [{ key: unique('p'), value: 'v' }] } }),
  'GET /mlflow/logged-models/:model_id/artifacts/directories': async (s, fx) => ({ params: await freshLoggedModel(s, fx) }),
  'GET /mlflow/logged-models/:model_id/artifacts/files': async (s, fx) => ({ params: await freshLoggedModel(s, fx), query: { artifact_file_path: 'MLmodel' } }),
  'POST /3.0/mlflow/traces': (_s, fx) => ({ json: { trace: { trace_info: traceInfo(fx, `tr-${unique('s').replace(/[^a-z0-9]/g, '')}`.slice(0, 40)) } } }),
  'GET /3.0/mlflow/traces/:trace_id': async (s, fx) => ({ params: await freshTrace(s, fx) }),
  'GET /3.0/mlflow/traces/batchGet': async (s, fx) => ({ query: { trace_ids: (await freshTrace(s, fx)).trace_id ?? '' } }),
  'POST /3.0/mlflow/traces/search': (_s, fx) => ({ json: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: fx.exp } }] } }),
  'GET /3.0/mlflow/traces/get': async (s, fx) => ({ query: { trace_id: (await freshTrace(s, fx)).trace_id ?? '', allow_partial: 'true' } }),
  'POST /3.0/mlflow/traces/calculate-filter-correlation': (_s, fx) => ({
    json: { experiment_ids: [fx.exp], filter_string1: "trace.status = 'OK'", filter_string2: "name = 'matrix'" },
  }),
  'POST /mlflow/traces': (_s, fx) => ({ json: { experiment_id: fx.exp, timestamp_ms: 1, tags: [{ key: 'k', value: 'v' }] } }),
  'PATCH /mlflow/traces/:request_id': async (s, fx) => ({ params: await freshTrace(s, fx), json: { timestamp_ms: 2, status: 'OK' } }),
  'GET /mlflow/traces/:request_id/info': async (s, fx) => ({ params: await freshTrace(s, fx) }),
  'GET /mlflow/traces': (_s, fx) => ({ query: { experiment_ids: fx.exp } }),
  'GET /mlflow/get-trace-artifact': async (s, fx) => ({ query: { request_id: (await freshTrace(s, fx)).request_id ?? '' } }),
  'POST /mlflow/traces/delete-traces': async (s, fx) => ({ json: { experiment_id: fx.exp, request_ids: [(await freshTrace(s, fx)).trace_id] } }),
  'POST /3.0/mlflow/traces/delete-traces': async (s, fx) => ({ json: { experiment_id: fx.exp, request_ids: [(await freshTrace(s, fx)).trace_id] } }),
  'PATCH /mlflow/traces/:request_id/tags': async (s, fx) => ({ params: await freshTrace(s, fx), json: { key: 'k', value: 'v' } }),
  'PATCH /3.0/mlflow/traces/:trace_id/tags': async (s, fx) => ({ params: await freshTrace(s, fx), json: { key: 'k', value: 'v' } }),
  'DELETE /mlflow/traces/:request_id/tags': async (s, fx) => ({ params: await freshTrace(s, fx), json: { key: 'mlflow.traceName' } }),
  'DELETE /3.0/mlflow/traces/:trace_id/tags': async (s, fx) => ({ params: await freshTrace(s, fx), json: { key: 'mlflow.traceName' } }),
  'POST /mlflow/traces/link-to-run': async (s, fx) => ({ json: { trace_ids: [(await freshTrace(s, fx)).trace_id], run_id: fx.run } }),
  'POST /3.0/mlflow/traces/:trace_id/assessments': async (s, fx) => ({
    params: await freshTrace(s, fx),
    json: { assessment: { assessment_name: 'q', source: { source_type: 'HUMAN', source_id: 'me' }, feedback: { value: 1 } } },
  }),
  'GET /3.0/mlflow/traces/:trace_id/assessments/:assessment_id': async (s, fx) => ({ params: await freshTrace(s, fx, true) }),
  'PATCH /3.0/mlflow/traces/:trace_id/assessments/:assessment_id': async (s, fx) => ({
    params: await freshTrace(s, fx, true),
    json: { assessment: { rationale: 'r' }, update_mask: 'rationale' },
  }),
  'DELETE /3.0/mlflow/traces/:trace_id/assessments/:assessment_id': async (s, fx) => ({ params: await freshTrace(s, fx, true), json: {} }),
  'POST /mlflow/registered-models/create': () => ({ json: { name: unique('rm') } }),
  'GET /mlflow/registered-models/search': () => ({ query: { max_results: '10' } }),
  'GET /mlflow/model-versions/search': () => ({ query: { max_results: '10' } }),
  'GET /mlflow/registered-models/get': (_s, fx) => ({ query: { name: fx.model } }),
  'POST /mlflow/registered-models/get-latest-versions': (_s, fx) => ({ json: { name: fx.model } }),
  'GET /mlflow/registered-models/get-latest-versions': (_s, fx) => ({ query: { name: fx.model } }),
  'GET /mlflow/model-versions/get': (_s, fx) => ({ query: { name: fx.model, version: '1' } }),
  'GET /mlflow/model-versions/get-download-uri': (_s, fx) => ({ query: { name: fx.model, version: '1' } }),
  'GET /mlflow/registered-models/alias': (_s, fx) => ({ query: { name: fx.model, alias: 'champion' } }),
  'POST /mlflow/registered-models/rename': async (s, fx) => ({ json: { name: await freshModel(s, fx), new_name: unique('renamed') } }),
  'PATCH /mlflow/registered-models/update': (_s, fx) => ({ json: { name: fx.model, description: 'd' } }),
  'POST /mlflow/model-versions/create': (_s, fx) => ({ json: { name: fx.model, source: `mlflow-artifacts:/${fx.exp}/${fx.run}/artifacts/model`, run_id: fx.run } }),
  'PATCH /mlflow/model-versions/update': (_s, fx) => ({ json: { name: fx.model, version: '1', description: 'd' } }),
  'POST /mlflow/model-versions/transition-stage': (_s, fx) => ({ json: { name: fx.model, version: '1', stage: 'Staging', archive_existing_versions: false } }),
  'POST /mlflow/registered-models/set-tag': (_s, fx) => ({ json: { name: fx.model, key: 'k', value: 'v' } }),
  'DELETE /mlflow/registered-models/delete-tag': (_s, fx) => ({ json: { name: fx.model, key: 'absent' } }),
  'POST /mlflow/model-versions/set-tag': (_s, fx) => ({ json: { name: fx.model, version: '1', key: 'k', value: 'v' } }),
  'DELETE /mlflow/model-versions/delete-tag': (_s, fx) => ({ json: { name: fx.model, version: '1', key: 'absent' } }),
  'POST /mlflow/registered-models/alias': (_s, fx) => ({ json: { name: fx.model, alias: 'champion', version: '1' } }),
  'DELETE /mlflow/registered-models/alias': (_s, fx) => ({ json: { name: fx.model, alias: 'absent' } }),
  'DELETE /mlflow/registered-models/delete': async (s, fx) => ({ json: { name: await freshModel(s, fx) } }),
  'DELETE /mlflow/model-versions/delete': async (s, fx) => ({ json: { name: await freshModel(s, fx, true), version: '1' } }),
  'GET /mlflow-artifacts/artifacts/*': (_s, fx) => ({ wildcard: `${fx.exp}/${fx.run}/artifacts/a.txt` }),
  'PUT /mlflow-artifacts/artifacts/*': (_s, fx) => ({ wildcard: `${fx.exp}/uploads/${unique('u')}.txt`, raw: 'data', contentType: 'application/octet-stream' }),
  'DELETE /mlflow-artifacts/artifacts/*': (_s, fx) => ({ wildcard: `${fx.exp}/${fx.run}/artifacts/absent.txt` }),
  'GET /mlflow-artifacts/artifacts': (_s, fx) => ({ query: { path: fx.exp } }),
  'POST /mlflow-artifacts/mpu/create/*': (_s, fx) => ({ wildcard: `${fx.exp}/mpu/x.bin`, json: { path: 'x.bin', num_parts: 1 } }),
  'POST /mlflow-artifacts/mpu/complete/*': (_s, fx) => ({ wildcard: `${fx.exp}/mpu/x.bin`, json: { path: 'x.bin', upload_id: 'u', parts: [] } }),
  'POST /mlflow-artifacts/mpu/abort/*': (_s, fx) => ({ wildcard: `${fx.exp}/mpu/x.bin`, json: { path: 'x.bin', upload_id: 'u' } }),
  'GET /get-artifact': (_s, fx) => ({ query: { run_uuid: fx.run, path: 'a.txt' } }),
  'GET /model-versions/get-artifact': (_s, fx) => ({ query: { name: fx.model, version: '1', path: 'MLmodel' } }),
  'POST /mlflow/upload-artifact': (_s, fx) => ({ query: { run_uuid: fx.run, path: 'u.txt' }, raw: 'bytes', contentType: 'application/octet-stream' }),
  'POST /mlflow/runs/create-promptlab-run': (_s, fx) => ({ json: { experiment_id: fx.exp } }),
  'GET /mlflow/gateway-proxy': () => ({ query: { gateway_path: 'api/2.0/endpoints/' } }),
  'POST /mlflow/gateway-proxy': () => ({ json: { gateway_path: 'api/2.0/endpoints/' } }),
  'GET /health': () => ({}),
  'GET /healthcheck': () => ({}),
  'GET /ready': () => ({}),
  'GET /version': () => ({}),
  'POST /v1/traces': (_s, fx) => ({ headers: { 'x-mlflow-experiment-id': fx.exp }, raw: otlpJsonSpan(), contentType: 'application/json' }),
  'GET /graphql': () => ({ query: { query: '{ test(inputString: "x") { output } }' } }),
  'POST /graphql': () => ({ json: { query: '{ test(inputString: "x") { output } }' } }),
  'GET /signup': () => ({}),
  'POST /mlflow/users/create': () => ({ json: { username: unique('u'), password: 'pw-1' } }),
  'GET /mlflow/users/get': (_s, fx, sender) => ({ query: { username: sender?.username ?? fx.users.READ.username } }),
  'PATCH /mlflow/users/update-password': (_s, fx, sender) => ({ json: { username: sender?.username ?? fx.users.READ.username, password: sender?.password ?? 'x' } }),
  'PATCH /mlflow/users/update-admin': (_s, fx) => ({ json: { username: fx.target.username, is_admin: false } }),
  'DELETE /mlflow/users/delete': async (s) => ({ json: { username: (await s.createUser(unique('gone'))).username } }),
  'POST /mlflow/experiments/permissions/create': async (s, fx) => ({ json: { experiment_id: fx.exp, username: (await s.createUser(unique('g'))).username, permission: 'READ' } }),
  'GET /mlflow/experiments/permissions/get': (_s, fx) => ({ query: { experiment_id: fx.exp, username: fx.users.READ.username } }),
  'PATCH /mlflow/experiments/permissions/update': async (s, fx) => ({ json: { experiment_id: fx.exp, username: await targetRow(s, fx, 'experiment'), permission: 'EDIT' } }),
  'DELETE /mlflow/experiments/permissions/delete': async (s, fx) => ({ json: { experiment_id: fx.exp, username: await targetRow(s, fx, 'experiment') } }),
  'POST /mlflow/registered-models/permissions/create': async (s, fx) => ({ json: { name: fx.model, username: (await s.createUser(unique('g'))).username, permission: 'READ' } }),
  'GET /mlflow/registered-models/permissions/get': (_s, fx) => ({ query: { name: fx.model, username: fx.users.READ.username } }),
  'PATCH /mlflow/registered-models/permissions/update': async (s, fx) => ({ json: { name: fx.model, username: await targetRow(s, fx, 'model'), permission: 'EDIT' } }),
  'DELETE /mlflow/registered-models/permissions/delete': async (s, fx) => ({ json: { name: fx.model, username: await targetRow(s, fx, 'model') } }),
  'POST /auth/login': (_s, fx) => ({ json: { username: fx.users.READ.username, password: fx.users.READ.password } }),
  'GET /': () => ({}),
  'GET /experiments': () => ({}),
  'GET /experiments/*': () => ({ wildcard: '1' }),
  'GET /static-files/*': () => ({ wildcard: 'missing.js' }),
  'GET /darwin/metrics/downsample': (_s, fx) => ({ query: { run_id: fx.run, metric_key: 'm' } }),
  'POST /auth/logout': () => ({}),
  'GET /auth/me': () => ({}),
  'GET /openapi.json': () => ({}),
  'GET /docs': () => ({}),
  'POST /v1/user': () => ({ json: { username: unique('v1u'), password: 'pw-1' } }),
  'GET /v1/experiments': () => ({}),
  'POST /v1/experiment': () => ({ json: { experiment_name: unique('v1e') } }),
  'GET /v1/experiment/:experiment_id': (_s, fx) => ({ params: { experiment_id: fx.exp } }),
  'PUT /v1/experiment/:experiment_id': async (s, fx) => ({ params: { experiment_id: (await freshExperiment(s, fx)).exp }, json: { experiment_name: unique('v1r') } }),
  'DELETE /v1/experiment/:experiment_id': async (s, fx) => ({ params: { experiment_id: (await freshExperiment(s, fx)).exp } }),
  'POST /v1/experiment/:experiment_id/restore': async (s, fx) => ({ params: { experiment_id: (await freshExperiment(s, fx, { deleted: true })).exp }, json: {} }),
  'POST /v1/experiment/:experiment_id/tags': (_s, fx) => ({ params: { experiment_id: fx.exp }, json: { key: 'k', value: 'v' } }),
  'GET /v1/experiment/:experiment_id/runs': (_s, fx) => ({ params: { experiment_id: fx.exp } }),
  'POST /v1/experiment/:experiment_id/run': (_s, fx) => ({ params: { experiment_id: fx.exp }, json: { run_name: 'r' } }),
  'GET /v1/experiment/:experiment_id/run/:run_id': (_s, fx) => ({ params: { experiment_id: fx.exp, run_id: fx.run } }),
  'DELETE /v1/experiment/:experiment_id/run/:run_id': async (s, fx) => ({ params: { experiment_id: fx.exp, run_id: await freshRun(s, fx) } }),
  'POST /v1/experiment/:experiment_id/run/:run_id/restore': async (s, fx) => ({ params: { experiment_id: fx.exp, run_id: await freshRun(s, fx, true) }, json: {} }),
  'GET /v1/experiment/:experiment_id/permissions': (_s, fx) => ({ params: { experiment_id: fx.exp } }),
  'PUT /v1/experiment/:experiment_id/permissions/:username': async (s, fx) => ({ params: { experiment_id: fx.exp, username: await targetRow(s, fx, 'experiment') }, json: { permission: 'READ' } }),
  'DELETE /v1/experiment/:experiment_id/permissions/:username': async (s, fx) => ({ params: { experiment_id: fx.exp, username: await targetRow(s, fx, 'experiment') } }),
  'POST /v1/run/:run_id/log-data': (_s, fx) => ({ params: { run_id: fx.run }, json: { metrics: { key: 'm', value: 3 } } }),
  'GET /v1/run/:run_id/artifacts': (_s, fx) => ({ params: { run_id: fx.run } }),
  'GET /v1/run/:run_id/artifacts/download': (_s, fx) => ({ params: { run_id: fx.run }, query: { path: 'a.txt' } }),
  'GET /v1/models': () => ({}),
  'GET /v1/models/:name/permissions': (_s, fx) => ({ params: { name: fx.model } }),
  'PUT /v1/models/:name/permissions/:username': async (s, fx) => ({ params: { name: fx.model, username: await targetRow(s, fx, 'model') }, json: { permission: 'READ' } }),
  'DELETE /v1/models/:name/permissions/:username': async (s, fx) => ({ params: { name: fx.model, username: await targetRow(s, fx, 'model') } }),
  'POST /v1/tokens': () => ({ json: { name: 'matrix' } }),
  'GET /v1/tokens': () => ({}),
  'DELETE /v1/tokens/:token_id': () => ({ params: { token_id: 'not-a-token' } }),
  'GET /v1/audit': () => ({}),
};

function buildUrl(pattern: string, sample: Sample): string {
  let url = pattern.replace(/:([a-z_]+)/g, (_m, name: string) => encodeURIComponent(sample.params?.[name] ?? `missing-${name}`));
  if (url.endsWith('*')) url = url.slice(0, -1) + (sample.wildcard ?? '');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(sample.query ?? {})) for (const one of [v].flat()) q.append(k, one);
  const qs = q.toString();
  return qs ? `${url}?${qs}` : url;
}

/** What the rule lets a caller with `level` on the fixture do. */
function expectedAllowed(rule: Rule, level: PermissionName, needLookup: (r: Rule) => Capability | undefined): boolean {
  switch (rule.kind) {
    case 'public':
    case 'authenticated':
      return true;
    case 'admin':
      return false;
    case 'self':
      return true; // the sample names the sender itself
    default:
      return allows(level, needLookup(rule)!);
  }
}

describe.each(testDialects())('permission matrix on $dialect', (dialect) => {
  let s: AuthTestServer;
  let fx: Fixture;

  beforeAll(async () => {
    s = await startAuthApp(dialect, 'matrix');
    const owner = await s.createUser('owner');
    const users = {} as Record<PermissionName, Caller>;
    for (const level of LEVELS) users[level] = await s.createUser(`u_${level.toLowerCase()}`);
    const target = await s.createUser('target');
    const expName = 'matrix-exp';
    const created = await s.request('POST', '/api/2.0/mlflow/experiments/create', { as: owner, json: { name: expName } });
    const exp = created.body.experiment_id as string;
    const runRes = await s.request('POST', '/api/2.0/mlflow/runs/create', { as: owner, json: { experiment_id: exp } });
    const run = runRes.body.run.info.run_id as string;
    await s.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/a.txt`, { as: owner, raw: 'hello', contentType: 'text/plain' });
    await s.request('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/model/MLmodel`, { as: owner, raw: 'flavors: {}\n', contentType: 'text/plain' });
    await s.request('POST', '/api/2.0/mlflow/runs/log-metric', { as: owner, json: { run_id: run, key: 'm', value: 1, timestamp: 1 } });
    const model = 'matrix-model';
    await s.request('POST', '/api/2.0/mlflow/registered-models/create', { as: owner, json: { name: model } });
    await s.request('POST', '/api/2.0/mlflow/model-versions/create', { as: owner, json: { name: model, source: `mlflow-artifacts:/${exp}/${run}/artifacts/model`, run_id: run } });
    await s.request('POST', '/api/2.0/mlflow/registered-models/alias', { as: owner, json: { name: model, alias: 'champion', version: '1' } });
    fx = { exp, expName, run, model, users, target };
    await grantAll(s, fx, 'experiment', exp);
    await grantAll(s, fx, 'model', model);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  it('every mounted route has a rule and a sample', () => {
    const table = s.app.permissionTable!;
    const missing: string[] = [];
    for (const { method, url } of table.mountedRoutes()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const key = `${method} ${table.keyPath(url)}`;
      if (!table.explicitRule(method, url) && !table.ruleFor(method, url)) missing.push(`${key}: no rule`);
      if (table.explicitRule(method, url) && !SAMPLES[key]) missing.push(`${key}: no sample in matrix.test.ts`);
    }
    expect(missing).toEqual([]);
  });

  it('answers every route as the permission table says, for every permission level', async () => {
    const table = s.app.permissionTable!;
    const need = (r: Rule) => (r.kind === 'experiment' || r.kind === 'model' ? r.need : undefined);
    const wrong: string[] = [];
    let checked = 0;
    for (const { method, url } of table.mountedRoutes()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const rule = table.explicitRule(method, url);
      const key = `${method} ${table.keyPath(url)}`;
      const build = SAMPLES[key];
      if (!rule || !build) {
        // a 405 answer on a known path: authentication only
        const res = await s.request(method, url.replace(/:[a-z_]+/g, 'x').replace(/\*$/, 'x'));
        if (res.status !== 401) wrong.push(`${method} ${url} anonymous: ${res.status}, expected 401`);
        continue;
      }
      const anon = await s.request(method, buildUrl(url, await build(s, fx, undefined)), sampleOptions(await build(s, fx, undefined), undefined));
      if (rule.kind === 'public' ? anon.status === 401 : anon.status !== 401) wrong.push(`${method} ${url} anonymous: ${anon.status} ${anon.text.slice(0, 120)}`);
      for (const level of LEVELS) {
        const sender = fx.users[level];
        const sample = await build(s, fx, sender);
        const res = await s.request(method, buildUrl(url, sample), sampleOptions(sample, sender));
        const allowed = expectedAllowed(rule, level, need);
        const denied = res.status === 401 || res.status === 403;
        if (allowed === denied) wrong.push(`${method} ${url} as ${level}: ${res.status} ${res.text.slice(0, 160)} (expected ${allowed ? 'allowed' : '403'})`);
        checked++;
      }
      // the admin passes every check
      const adminSample = await build(s, fx, ADMIN);
      const asAdmin = await s.request(method, buildUrl(url, adminSample), sampleOptions(adminSample, ADMIN));
      if (asAdmin.status === 401 || asAdmin.status === 403) wrong.push(`${method} ${url} as admin: ${asAdmin.status} ${asAdmin.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(400);
  }, 600_000);
});

function sampleOptions(sample: Sample, as: Caller | undefined) {
  return { as, json: sample.json, raw: sample.raw, contentType: sample.contentType, ...(sample.headers ? { headers: sample.headers } : {}) };
}
