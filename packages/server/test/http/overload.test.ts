/**
 * Overload and slow clients: bounded concurrency per route class answers 503 with Retry-After
 * instead of queueing without limit, and header/idle timeouts close connections of clients
 * that send slowly (slowloris) or nothing at all, while other clients are served.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, isUnavailable, listenOn, send } from '../faults/support.js';
import type { ListeningServer } from '../faults/support.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';
const API = '/api/2.0/mlflow';

/** A PUT that sends half of its body now; `finish()` sends the rest and resolves with the status. */
function heldUpload(base: string, file: string) {
  const url = new URL(base);
  const body = Buffer.alloc(64 * 1024, 3);
  const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `${ART}/${file}`, headers: { 'content-length': String(body.length) } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, body.length / 2));
  return {
    finish: () => {
      req.end(body.subarray(body.length / 2));
      return status;
    },
  };
}

const uploading = (dir: string) => fs.existsSync(dir) && fs.readdirSync(dir, { recursive: true }).some((n) => String(n).includes('.darwin-upload-'));

// the limits sit in front of the stores, but the classes they leave free use the database
describe.each(testDialects())('bounded concurrency per route class on $dialect', (dialect) => {
  let server: ListeningServer | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await server?.close();
    await database?.drop();
    database = undefined;
  });
  const backend = async (label: string) => {
    if (dialect.dialect === 'sqlite') return 'sqlite:///{dir}/db.sqlite';
    database = await dialect.create(label);
    return database.uri;
  };

  it('turns away an artifact request beyond the limit with 503 and Retry-After, serves other classes', async () => {
    server = await listenOn(await backend('overload'), [], {
      DARWIN_MAX_CONCURRENT_ARTIFACTS: '1',
      DARWIN_MAX_QUEUED_REQUESTS: '0',
    });
    const held = heldUpload(server.url, 'held/a.bin');
    await eventually(async () => uploading(path.join(server!.dir, 'artifacts')));
    const turnedAway = await send(server.url, 'GET', `${ART}?path=held`);
    expect(isUnavailable(turnedAway)).toBe(true);
    expect(turnedAway.body.message).toBe('The server is at its limit of concurrent artifact requests. Please retry.');
    expect((await send(server.url, 'GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
    expect((await send(server.url, 'POST', `${API}/experiments/create`, { name: 'writes are another class' })).status).toBe(200);
    expect((await send(server.url, 'GET', '/ready')).status).toBe(200);
    expect(await held.finish()).toBe(200);
    // the permit came back
    expect((await send(server.url, 'GET', `${ART}?path=held`)).body).toEqual({ files: [{ path: 'a.bin', is_dir: false, file_size: 65536 }] });
  });

  it('lets a queued request wait for its turn instead of failing it', async () => {
    server = await listenOn(await backend('overload_queue'), [], {
      DARWIN_MAX_CONCURRENT_ARTIFACTS: '1',
      DARWIN_MAX_QUEUED_REQUESTS: '1',
    });
    const held = heldUpload(server.url, 'queue/a.bin');
    await eventually(async () => uploading(path.join(server!.dir, 'artifacts')));
    const queued = send(server.url, 'GET', `${ART}?path=queue`);
    // a third one finds the queue full
    await eventually(async () => isUnavailable(await send(server!.url, 'GET', `${ART}?path=queue`)));
    expect(await held.finish()).toBe(200);
    expect((await queued).status).toBe(200);
  });
});

describe('slow and idle clients', () => {
  let server: ListeningServer | undefined;
  afterEach(async () => server?.close());

  it('closes connections whose headers arrive too slowly (slowloris) and keeps serving others', async () => {
    server = await listenOn('sqlite:///{dir}/db.sqlite', [], { DARWIN_HTTP_HEADERS_TIMEOUT_MS: '600' });
    const url = new URL(server.url);
    const slow = Array.from({ length: 30 }, () => {
      const socket = net.connect(Number(url.port), url.hostname);
      let received = '';
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', () => undefined);
      const header = `GET ${API}/experiments/search HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}`;
      let i = 0;
      // one byte every 50 ms: never idle, never finished
      const drip = setInterval(() => {
        if (!socket.destroyed && i < header.length) socket.write(header[i++] as string);
      }, 50);
      const closed = new Promise<string>((resolve) =>
        socket.on('close', () => {
          clearInterval(drip);
          resolve(received);
        }),
      );
      return { closed, stop: () => socket.destroy() };
    });
    try {
      const served = await send(server.url, 'GET', `${API}/experiments/get?experiment_id=0`);
      expect(served.status).toBe(200);
      const answers = await Promise.all(slow.map((s) => s.closed));
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*"error_code":"INVALID_PARAMETER_VALUE"/);
    } finally {
      for (const s of slow) s.stop();
    }
  });

  it('closes a connection that sends nothing at all', async () => {
    server = await listenOn('sqlite:///{dir}/db.sqlite', [], { DARWIN_HTTP_IDLE_TIMEOUT_MS: '300' });
    const url = new URL(server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(socket.destroyed).toBe(true);
  });
});
