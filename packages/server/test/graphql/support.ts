/** Helpers of the /graphql HTTP tests: a GraphQL client over inject, and REST seeding calls. */
import type { FastifyInstance } from 'fastify';
import { call } from '../support/app.js';

export const API = '/api/2.0/mlflow';

export interface GraphqlAnswer {
  status: number;
  body: any;
  /** The raw response text (key order, number formats). */
  text: string;
  headers: Record<string, unknown>;
}

/** POSTs `{query, variables, operationName}` with the content type the MLflow tests use. */
export async function gql(app: FastifyInstance, query: string, variables?: unknown, operationName?: string): Promise<GraphqlAnswer> {
  return send(app, 'POST', { query, variables, operationName }, { 'content-type': 'application/json; charset=utf-8' });
}

/** Sends anything to /graphql: `body` as JSON unless it is already a string. */
export async function send(
  app: FastifyInstance,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
  url = '/graphql',
): Promise<GraphqlAnswer> {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers,
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers };
}

/** Calls the REST API and fails loudly unless it answers 200. */
export async function rest(app: FastifyInstance, method: string, path: string, body?: unknown): Promise<any> {
  const res = await call(app, method, `${API}${path}`, body);
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface Seeded {
  experimentId: string;
  runId: string;
  /** A second run of the same experiment with nothing logged. */
  bareRunId: string;
}

/**
 * The data of MLflow's test_get_run_and_experiment_graphql plus one of everything a run can
 * hold: tags, params, metrics (a NaN and int64 values past 2^53), a dataset input, two model
 * versions of the run (one with a description, an alias and a tag).
 */
export async function seed(app: FastifyInstance, name: string): Promise<Seeded> {
  await rest(app, 'POST', '/registered-models/create', { name });
  const experimentId = (await rest(app, 'POST', '/experiments/create', { name, tags: [{ key: 't1', value: 'v1' }] })).experiment_id;
  const run = (await rest(app, 'POST', '/runs/create', { experiment_id: experimentId, run_name: 'r1', start_time: 1700000000000, tags: [{ key: 'a', value: 'b' }] })).run;
  const runId: string = run.info.run_id;
  await app.inject({
    method: 'POST',
    url: `${API}/runs/log-batch`,
    headers: { 'content-type': 'application/json' },
    // raw text: int64 values beyond 2^53 and a NaN cannot go through JSON.stringify
    payload:
      `{"run_id": "${runId}", "params": [{"key": "p", "value": "q"}], "metrics": [` +
      '{"key": "m", "value": 1.5, "timestamp": 1000, "step": 2}, ' +
      '{"key": "n", "value": NaN, "timestamp": 1000, "step": 0}, ' +
      '{"key": "big", "value": 1e300, "timestamp": 9007199254740993, "step": 9007199254740993}]}',
  });
  await rest(app, 'POST', '/runs/log-inputs', {
    run_id: runId,
    datasets: [{ tags: [{ key: 'context', value: 'train' }], dataset: { name: 'ds', digest: 'dig', source_type: 'local', source: 'src' } }],
  });
  await rest(app, 'POST', '/model-versions/create', { name, source: 'runs:/graphql_test/model', run_id: runId, description: 'desc' });
  await rest(app, 'POST', '/model-versions/create', { name, source: 'runs:/graphql_test/model2', run_id: runId });
  await rest(app, 'POST', '/registered-models/alias', { name, alias: 'champion', version: '1' });
  await rest(app, 'POST', '/model-versions/set-tag', { name, version: '1', key: 'k', value: 'v' });
  const bare = (await rest(app, 'POST', '/runs/create', { experiment_id: experimentId })).run;
  return { experimentId, runId, bareRunId: bare.info.run_id };
}
