/**
 * SIGTERM as an orchestrator sends it: the server stops accepting connections, lets the
 * request in flight finish, closes its pools and exits 0 — with one process and with cluster
 * workers; a request still running at the deadline is cut and the exit code says so.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverBuilt, spawnServer, stopServer } from '../support/serverProcess.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { eventually } from '../faults/support.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';

interface SlowUpload {
  /** Sends the rest of the body; resolves with the status. */
  finish(): Promise<number>;
  /** Resolves with the status, or 'cut' when the connection was closed without an answer. */
  readonly outcome: Promise<number | 'cut'>;
}

/** A PUT whose first half is sent now and whose second half is sent on finish(). */
function slowUpload(base: string, file: string, body: Buffer): SlowUpload {
  const url = new URL(base);
  const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: `${ART}/${file}`, headers: { 'content-length': String(body.length) } });
  const outcome = new Promise<number | 'cut'>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('cut'));
  });
  req.write(body.subarray(0, body.length / 2));
  return {
    outcome,
    async finish() {
      req.end(body.subarray(body.length / 2));
      const result = await outcome;
      return typeof result === 'number' ? result : 0;
    },
  };
}

/** True once the server has begun storing an upload below `dir` (its hidden temporary file). */
function uploadInProgress(dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { recursive: true }).some((name) => String(name).includes('.darwin-upload-'));
}

describe.skipIf(!serverBuilt)('graceful shutdown', () => {
  let server: ServerProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await stopServer(server);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (extra: string[] = [], env: Record<string, string> = {}) => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-shutdown-'));
    server = spawnServer(['--backend-store-uri', `sqlite:///${dir}/db.sqlite`, '--artifacts-destination', `${dir}/artifacts`, ...extra], env, dir);
    return { server, dir };
  };

  it.each([
    ['one process', []],
    ['two cluster workers', ['--workers', '2']],
  ])('with %s: finishes the request in flight, refuses new ones, exits 0', async (_label, extra) => {
    const { server: s, dir: d } = start(extra);
    const url = await s.listening;
    const body = Buffer.alloc(256 * 1024, 7);
    const upload = slowUpload(url, 'inflight/model.bin', body);
    await eventually(async () => uploadInProgress(path.join(d, 'artifacts')));
    s.kill('SIGTERM');
    await eventually(async () => s.logRecords().some((r) => r.msg === 'shutting down: draining in-flight requests'));
    if (extra.length === 0) {
      // the listener is closed: a new connection is refused
      await eventually(async () => (await fetch(`${url}/health`).then(() => 'served', () => 'refused')) === 'refused');
    }
    expect(await upload.finish()).toBe(200);
    expect(await s.exited).toBe(0);
    expect(fs.readFileSync(path.join(d, 'artifacts/inflight/model.bin'))).toEqual(body);
  });

  it('cuts a request that outlives the deadline and exits 1', async () => {
    const { server: s, dir: d } = start([], { DARWIN_SHUTDOWN_TIMEOUT_MS: '300' });
    const url = await s.listening;
    const upload = slowUpload(url, 'stuck/model.bin', Buffer.alloc(64 * 1024, 1));
    await eventually(async () => uploadInProgress(path.join(d, 'artifacts')));
    s.kill('SIGTERM');
    expect(await upload.outcome).toBe('cut');
    expect(await s.exited).toBe(1);
    expect(s.logRecords().some((r) => r.msg === 'shutdown deadline reached: closing the remaining connections')).toBe(true);
    // the cut upload left nothing visible behind
    expect(fs.existsSync(path.join(d, 'artifacts/stuck/model.bin'))).toBe(false);
  });
});
