import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';
const sqlite = testDialects().find((d) => d.dialect === 'sqlite')!;

describe('MLflow transport rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(sqlite, 'transport');
  });
  afterAll(async () => server?.close());

  it('requires Content-Type application/json on POST', async () => {
    const missing = await server.app.inject({ method: 'POST', url: `${API}/experiments/create`, payload: '{"name":"x"}' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body)).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Bad Request. Content-Type header is missing.',
    });
    const wrong = await server.app.inject({
      method: 'POST',
      url: `${API}/experiments/create`,
      headers: { 'content-type': 'text/plain' },
      payload: '{"name":"x"}',
    });
    expect(wrong.statusCode).toBe(400);
    expect(JSON.parse(wrong.body).message).toBe("Bad Request. Content-Type must be one of ['application/json'].");
    const charset = await server.app.inject({
      method: 'POST',
      url: `${API}/experiments/create`,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"name":"charset ok"}',
    });
    expect(charset.statusCode).toBe(200);
  });

  it('reports missing and mistyped parameters with MLflow messages', async () => {
    const missing = await call(server.app, 'POST', `${API}/experiments/create`, {});
    expect(missing.body.message).toBe(
      "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    );
    const typed = await call(server.app, 'POST', `${API}/experiments/create`, '{"name": "n", "artifact_location": 9.0}');
    expect(typed.body.message).toBe(
      "Invalid value 9.0 for parameter 'artifact_location' supplied. Hint: Value was of type 'float'. See the API docs for more information about request parameters.",
    );
  });

  it('answers malformed JSON with a 400 and changes nothing', async () => {
    const res = await call(server.app, 'POST', `${API}/experiments/create`, '{"name": "broken"');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const got = await call(server.app, 'GET', `${API}/experiments/get-by-name?experiment_name=broken`);
    expect(got.status).toBe(404);
  });

  it('answers unknown paths with a JSON 404 and wrong methods with a 405 and Allow', async () => {
    const unknown = await call(server.app, 'GET', `${API}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const wrong = await call(server.app, 'GET', `${API}/runs/create`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toContain('POST');
  });

  it('serves both /api and /ajax-api families, plus /health and /version (the UI: test/ui/static.test.ts)', async () => {
    const ajax = await call(server.app, 'GET', `/ajax-api/2.0/mlflow/experiments/get?experiment_id=0`);
    expect(ajax.body.experiment.name).toBe('Default');
    expect((await server.app.inject({ url: '/health' })).body).toBe('OK');
    expect((await server.app.inject({ url: '/version' })).body).toBe('2.12.2');
  });

  it('reads GET parameters from the query string, arrays from repeated keys', async () => {
    const res = await call(server.app, 'GET', `${API}/experiments/get-by-name?experiment_name=Default`);
    expect(res.body.experiment.experiment_id).toBe('0');
    const bad = await call(server.app, 'GET', `${API}/experiments/get?experiment_id=abc`);
    expect(bad.status).toBe(404);
    expect(bad.body.message).toBe('No Experiment with id=abc exists');
  });
});

describe('deeply nested bodies', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(sqlite, 'deep_json');
  });
  afterAll(async () => server?.close());

  it('are a 400, whichever JSON path parses them, and the server keeps serving', async () => {
    const nest = (inner: string) => '['.repeat(100_000) + inner + ']'.repeat(100_000);
    for (const inner of ['1', '12345678901234567', 'NaN']) {
      const res = await call(server.app, 'POST', `${API}/runs/log-batch`, `{"run_id": ${nest(inner)}}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Malformed JSON in request body: objects and arrays nested deeper than 100 levels',
      });
    }
    expect((await server.app.inject({ method: 'GET', url: '/health' })).body).toBe('OK');
  });
});

describe('requests that the HTTP parser rejects', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestApp(sqlite, 'client_errors');
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    port = (server.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => server?.close());

  /** Writes raw bytes and returns what the server answered before closing the connection. */
  function exchange(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  function parse(answer: string) {
    const [head, body] = answer.split('\r\n\r\n');
    return { statusLine: head!.split('\r\n')[0], body: JSON.parse(body!) };
  }

  it('answers an over-long request line with 431 in the MLflow envelope', async () => {
    const answer = parse(await exchange(`GET ${API}/runs/get?run_id=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'The request line or headers are too large (at most 16 KB).' });
  });

  it('answers malformed HTTP with 400 in the MLflow envelope, and keeps serving', async () => {
    const answer = parse(await exchange('NOT HTTP AT ALL\r\n\r\n'));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'The request is not valid HTTP.' });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.text()).toBe('OK');
  });
});
