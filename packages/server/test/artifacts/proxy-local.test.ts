import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, postJson, startArtifactServer } from './support.js';
import type { ArtifactServer } from './support.js';
import { abortedUpload, rawRequest, streamRoundTrip } from './http.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';

describe('artifact proxy on a local destination', () => {
  let server: ArtifactServer;
  let dest: string;

  beforeAll(async () => {
    server = await startArtifactServer(['--artifacts-destination', '{dir}/mlartifacts']);
    dest = path.join(server.dir, 'mlartifacts');
  });
  afterAll(async () => server?.close());

  const put = (p: string, body: string | Buffer) => fetch(`${server.url}${ART}/${p}`, { method: 'PUT', body });
  const get = (p: string) => fetch(`${server.url}${ART}/${p}`);

  it('stores, lists and serves nested files, empty files and unicode names', async () => {
    expect((await put('rt/a.txt', '0')).status).toBe(200);
    expect(await json(await put('rt/dir/sub/b.bin', Buffer.from([1, 2, 3])))).toEqual({});
    expect((await put('rt/empty.txt', '')).status).toBe(200);
    expect((await put(`rt/${encodeURIComponent('données été')}.csv`, 'x,y')).status).toBe(200);

    expect(fs.readFileSync(path.join(dest, 'rt', 'dir', 'sub', 'b.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(await json(await fetch(`${server.url}${ART}?path=rt`))).toEqual({
      files: [
        { path: 'a.txt', is_dir: false, file_size: 1 },
        { path: 'dir', is_dir: true },
        { path: 'données été.csv', is_dir: false, file_size: 3 },
        { path: 'empty.txt', is_dir: false, file_size: 0 },
      ],
    });
    expect(await json(await fetch(`${server.url}${ART}?path=rt%2Fdir`))).toEqual({ files: [{ path: 'sub', is_dir: true }] });
    expect(await json(await fetch(`${server.url}${ART}?path=nothing-here`))).toEqual({});

    const empty = await get('rt/empty.txt');
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    const unicode = await get(`rt/${encodeURIComponent('données été')}.csv`);
    expect(await unicode.text()).toBe('x,y');
    expect(unicode.headers.get('content-disposition')).toContain("filename*=UTF-8''donn%C3%A9es%20%C3%A9t%C3%A9.csv");
  });

  it('sends downloads as attachments with nosniff and MLflow content types', async () => {
    const cases: [string, string][] = [
      ['a.txt', 'text/plain'],
      ['b.pkl', 'application/octet-stream'],
      ['c.png', 'image/png'],
      ['d.pdf', 'application/pdf'],
      ['MLmodel', 'text/plain'],
      ['mlproject', 'text/plain'],
      ['page.html', 'text/plain'],
      ['pic.svg', 'text/plain'],
    ];
    for (const [name, type] of cases) {
      await put(`types/${name}`, 'content');
      const res = await fetch(`${server.url}${ART}/types/${name}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    }
  });

  it('overwrites a file in place', async () => {
    await put('ow/f.txt', 'first version');
    await put('ow/f.txt', 'second');
    expect(await (await get('ow/f.txt')).text()).toBe('second');
  });

  it('answers 404 for a missing file and 400 for a directory, in the JSON envelope', async () => {
    const missing = await get('no/such/file.txt');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    await put('isdir/x.txt', 'x');
    const dir = await get('isdir');
    expect(dir.status).toBe(400);
    expect(await json(dir)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });

  it('deletes a file, a directory tree, and reports what is not there', async () => {
    await put('del/keep.txt', 'k');
    await put('del/one.txt', '1');
    await put('del/tree/a/b.txt', 'b');
    expect((await fetch(`${server.url}${ART}/del/one.txt`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${server.url}${ART}/del/tree`, { method: 'DELETE' })).status).toBe(200);
    expect(await json(await fetch(`${server.url}${ART}?path=del`))).toEqual({ files: [{ path: 'keep.txt', is_dir: false, file_size: 1 }] });
    const again = await fetch(`${server.url}${ART}/del/tree`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('refuses multipart uploads with 501 so the client falls back to PUT', async () => {
    const res = await postJson(`${server.url}/api/2.0/mlflow-artifacts/mpu/create/mp`, { path: 'big.bin', num_parts: 2 });
    expect(res.status).toBe(501);
    expect(await json(res)).toEqual({
      error_code: 'NOT_IMPLEMENTED',
      message: 'Multipart upload is not supported for the current artifact repository',
    });
    const missing = await postJson(`${server.url}/api/2.0/mlflow-artifacts/mpu/complete/mp`, { path: 'big.bin' });
    expect(missing.status).toBe(400);
  });

  it('serves the same API under the ajax family', async () => {
    await fetch(`${server.url}/ajax-api/2.0/mlflow-artifacts/artifacts/ajax/x.txt`, { method: 'PUT', body: 'ajax' });
    expect(await (await get('ajax/x.txt')).text()).toBe('ajax');
    expect(await json(await fetch(`${server.url}/ajax-api/2.0/mlflow-artifacts/artifacts?path=ajax`))).toEqual({
      files: [{ path: 'x.txt', is_dir: false, file_size: 4 }],
    });
  });

  it('answers 405 for a known path with another method', async () => {
    const res = await fetch(`${server.url}${ART}/x.txt`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(405);
  });

  it('streams a 64 MiB upload and download byte for byte', async () => {
    const trip = await streamRoundTrip(`${server.url}${ART}/big/64m.bin`, 64);
    expect(trip.status).toBe(200);
    expect(trip.length).toBe(String(64 * 1024 * 1024));
    expect(trip.received).toBe(trip.sent);
  });

  it('takes concurrent uploads, to different files and to the same file', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => randomBytes(256 * 1024 + i));
    await Promise.all(bodies.map((b, i) => put(`conc/f${i}.bin`, b)));
    for (const [i, b] of bodies.entries()) expect(Buffer.from(await (await get(`conc/f${i}.bin`)).arrayBuffer()).equals(b)).toBe(true);
    await Promise.all(bodies.map((b) => put('conc/same.bin', b)));
    const final = Buffer.from(await (await get('conc/same.bin')).arrayBuffer());
    expect(bodies.some((b) => b.equals(final))).toBe(true);
    expect(fs.readdirSync(path.join(dest, 'conc')).filter((n) => n.startsWith('.darwin-upload-'))).toEqual([]);
  });

  it('leaves no file behind when the client disconnects mid-upload', async () => {
    await put('abort/existing.bin', 'old complete content');
    await abortedUpload(server.url, `${ART}/abort/new/deep/file.bin`, 4 * 1024 * 1024, 512 * 1024);
    await abortedUpload(server.url, `${ART}/abort/existing.bin`, 4 * 1024 * 1024, 512 * 1024);
    // the server has cleaned up once each aborted request's error reached its error handler
    await waitFor(() => server.failed.filter((r) => r.startsWith(`PUT ${ART}/abort/`)).length === 2);
    expect(fs.readdirSync(path.join(dest, 'abort')).filter((n) => n.startsWith('.darwin-upload-'))).toEqual([]);
    expect((await get('abort/new/deep/file.bin')).status).toBe(404);
    expect(await (await get('abort/existing.bin')).text()).toBe('old complete content');
    expect(await json(await fetch(`${server.url}${ART}?path=abort`))).toEqual({
      files: [{ path: 'existing.bin', is_dir: false, file_size: 20 }],
    });
    // the server is still serving
    expect((await rawRequest(server.url, 'GET', '/health')).status).toBe(200);
  });
});

/** Polls a condition the server reaches on its own (bounded; no timing is asserted). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}
