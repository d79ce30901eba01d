/**
 * How /graphql reads requests and writes answers: MLflow's rules where MLflow answers, 400
 * with the MLflow error envelope where MLflow crashes with a 500 (see src/graphql/request.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { gql, send } from './support.js';

const ECHO = '{ test(inputString: "a") { output } }';
const ECHOED = { data: { test: { output: 'a' } }, errors: null };
const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(testDialects())('graphql transport on $dialect', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'graphql_transport');
  });
  afterAll(async () => server?.close());

  const invalid = (res: { status: number; body: any }, message: string | RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    if (typeof message === 'string') expect(res.body.message).toBe(message);
    else expect(res.body.message).toMatch(message);
  };

  it('answers POST with JSON, keys sorted at every level as Flask jsonify does', async () => {
    const res = await gql(server.app, '{ b: test(inputString: "2") { output } a: test(inputString: "1") { __typename output } }');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe('{"data":{"a":{"__typename":"Test","output":"1"},"b":{"output":"2"}},"errors":null}');
  });

  it('requires a JSON content type on POST, with MLflow messages', async () => {
    invalid(await send(server.app, 'POST', { query: ECHO }), 'Bad Request. Content-Type header is missing.');
    invalid(await send(server.app, 'POST', { query: ECHO }, { 'content-type': 'text/plain' }), "Bad Request. Content-Type must be one of ['application/json'].");
  });

  it('answers 400 where MLflow fails with a 500', async () => {
    const noQuery = /^The GraphQL request has no 'query' string\./;
    invalid(await send(server.app, 'POST', '', JSON_TYPE), noQuery);
    invalid(await send(server.app, 'POST', {}, JSON_TYPE), noQuery);
    invalid(await send(server.app, 'POST', { query: null }, JSON_TYPE), noQuery);
    invalid(await send(server.app, 'POST', { query: 5 }, JSON_TYPE), noQuery);
    invalid(await send(server.app, 'POST', '{x', JSON_TYPE), /^Malformed JSON in request body/);
    invalid(await send(server.app, 'POST', '[1,2]', JSON_TYPE), 'The request body must be a JSON object.');
    const notObject = "'variables' must be a JSON object mapping variable names to values.";
    invalid(await send(server.app, 'POST', { query: ECHO, variables: 'x' }, JSON_TYPE), notObject);
    invalid(await send(server.app, 'POST', { query: ECHO, variables: [1] }, JSON_TYPE), notObject);
    invalid(await send(server.app, 'POST', { query: ECHO, operationName: 5 }, JSON_TYPE), "'operationName' must be a string.");
  });

  it('treats null variables and operationName as absent', async () => {
    expect((await send(server.app, 'POST', { query: ECHO, variables: null, operationName: null }, JSON_TYPE)).body).toEqual(ECHOED);
  });

  it('reads a JSON body on GET without asking for a content type, as MLflow does', async () => {
    const res = await send(server.app, 'GET', { query: ECHO });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ECHOED);
  });

  it('also takes GET URL parameters (MLflow: 500), and says what is missing', async () => {
    const params = new URLSearchParams({
      query: 'query Q($s: String) { test(inputString: $s) { output } } query Other { __typename }',
      variables: JSON.stringify({ s: 'a' }),
      operationName: 'Q',
    });
    expect((await send(server.app, 'GET', undefined, {}, `/graphql?${params}`)).body).toEqual(ECHOED);
    invalid(await send(server.app, 'GET'), /^The GraphQL request has no 'query' string\./);
    invalid(await send(server.app, 'GET', undefined, {}, '/graphql?variables=%7Bx'), /^The URL parameter 'variables' is not valid JSON/);
    invalid(await send(server.app, 'GET', undefined, {}, `/graphql?query=a&query=b`), "The URL parameter 'query' is given more than once.");
  });

  it('answers other methods with 405 and Allow', async () => {
    const res = await send(server.app, 'PUT', { query: ECHO }, JSON_TYPE);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
    expect(res.body.error_code).toBe('BAD_REQUEST');
  });

  it('caps the body at 1 MiB on POST and GET (413)', async () => {
    const big = { query: ECHO, variables: { pad: 'x'.repeat(1024 * 1024) } };
    for (const method of ['POST', 'GET']) {
      const res = await send(server.app, method, big, JSON_TYPE);
      expect(res.status).toBe(413);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    // the server is fine afterwards
    expect((await gql(server.app, ECHO)).body).toEqual(ECHOED);
  });

  it('executes the test mutation, echoing (MLflow: always null)', async () => {
    expect((await gql(server.app, 'mutation { testMutation(inputString: "x") { output } }')).body).toEqual({
      data: { testMutation: { output: 'x' } },
      errors: null,
    });
    expect((await gql(server.app, 'mutation { testMutation(inputString: null) { output } }')).body.data.testMutation).toEqual({ output: null });
  });

  it('reports GraphQL errors with graphql-core wording, data null', async () => {
    const cases: [string, string][] = [
      ['{ foo }', "Cannot query field 'foo' on type 'Query'."],
      ['{ test(inputString: "a") { nope } }', "Cannot query field 'nope' on type 'Test'."],
      ['{ test(', 'Syntax Error: Expected Name, found <EOF>.'],
      ['', 'Syntax Error: Unexpected <EOF>.'],
      ['{ mlflowGetExperiment(input: {experimentId: 0}) { experiment { name } } }', 'String cannot represent a non string value: 0'],
      ['query { ...F } fragment F on Query { ...G } fragment G on Query { ...F }', "Cannot spread fragment 'F' within itself via 'G'."],
      ['subscription { test }', 'Schema is not configured to execute subscription operation.'],
      ['query A { __typename } query B { __typename }', 'Must provide operation name if query contains multiple operations.'],
    ];
    for (const [query, message] of cases) {
      const res = await gql(server.app, query);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: null, errors: [message] });
    }
    expect((await gql(server.app, '{ __typename }', undefined, 'Z')).body).toEqual({ data: null, errors: ["Unknown operation named 'Z'."] });
  });

  it('fails the test field without its argument, as MLflow does (field null)', async () => {
    expect((await gql(server.app, '{ test { output } }')).body).toEqual({ data: { test: null }, errors: ["Field 'test' needs the argument 'inputString'."] });
  });
});

describe('graphql route placement', () => {
  const [sqlite] = testDialects();

  it('stays un-prefixed under --static-prefix', async () => {
    const server = await startTestApp(sqlite!, 'graphql_prefix', ['--static-prefix', '/mlflow']);
    try {
      expect((await gql(server.app, ECHO)).body).toEqual(ECHOED);
      expect((await send(server.app, 'POST', { query: ECHO }, JSON_TYPE, '/mlflow/graphql')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
