/**
 * The S3 endpoint goes away (a TCP proxy in front of s3rver): artifact routes answer 503
 * TEMPORARILY_UNAVAILABLE with Retry-After, metadata routes are unaffected, /ready names the
 * artifact store, and uploads and downloads work again once the endpoint is back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3 } from '../artifacts/support.js';
import type { S3TestServer } from '../artifacts/support.js';
import { startTcpProxy } from '../support/tcpProxy.js';
import type { TcpProxy } from '../support/tcpProxy.js';
import { eventually, isUnavailable, listenOn, send } from './support.js';
import type { ListeningServer } from './support.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';
const API = '/api/2.0/mlflow';
const BUCKET = 'darwin-faults';

describe('S3 outages', () => {
  let s3: S3TestServer;
  let proxy: TcpProxy;
  let server: ListeningServer;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3(BUCKET);
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(s3.endpoint).port));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-s3faults-'));
    const env = { ...s3.env, MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${proxy.port}`, DARWIN_S3_TIMEOUT_MS: '1000' };
    server = await listenOn(`sqlite:///${path.join(dir, 'db.sqlite')}`, ['--artifacts-destination', `s3://${BUCKET}/mlartifacts`], env);
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await s3?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const put = async (p: string, body: string) => {
    const res = await fetch(`${server.url}${ART}/${p}`, { method: 'PUT', body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, retryAfter: res.headers.get('retry-after') };
  };

  it.each([
    ['cut', (p: TcpProxy) => p.cut()],
    ['stall', (p: TcpProxy) => p.stall()],
  ])('answers 503 on artifact routes while S3 is %s, serves metadata, and recovers', async (mode, fail) => {
    expect((await put(`${mode}/before.txt`, 'before')).status).toBe(200);
    fail(proxy);
    const answers = await Promise.all([put(`${mode}/during.txt`, 'during'), send(server.url, 'GET', `${ART}/${mode}/before.txt`), send(server.url, 'GET', `${ART}?path=${mode}`)]);
    expect(answers.map((a) => [a.status, isUnavailable(a)])).toEqual([
      [503, true],
      [503, true],
      [503, true],
    ]);
    const experiment = await send(server.url, 'POST', `${API}/experiments/create`, { name: `metadata-while-s3-${mode}` });
    expect(experiment.status).toBe(200);
    const ready = await send(server.url, 'GET', '/ready');
    expect([ready.status, ready.body]).toEqual([503, { status: 'unavailable', database: 'ok', artifact_store: 'unavailable' }]);
    expect((await send(server.url, 'GET', '/health')).status).toBe(200);

    proxy.restore();
    await eventually(async () => (await put(`${mode}/after.txt`, 'after')).status === 200);
    const back = await fetch(`${server.url}${ART}/${mode}/before.txt`);
    expect([back.status, await back.text()]).toEqual([200, 'before']);
    expect((await send(server.url, 'GET', '/ready')).status).toBe(200);
  });
});
