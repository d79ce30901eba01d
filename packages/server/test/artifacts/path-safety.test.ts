import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateArtifactPath } from '../../src/artifacts/paths.js';
import { createRun, json, postJson, startArtifactServer } from './support.js';
import type { ArtifactServer } from './support.js';
import { rawRequest } from './http.js';

/** Relative paths that must never reach a store, as they appear on the wire (URL-encoded). */
const ATTACKS: Record<string, string> = {
  'dot-dot': '..%2Fsecret.txt',
  'dot-dot inside': 'a%2F..%2F..%2Fsecret.txt',
  'encoded dots': '%2e%2e%2fsecret.txt',
  'double-encoded': '%252e%252e%252fsecret.txt',
  'triple-encoded': '%25252e%25252e%25252fsecret.txt',
  backslash: '..%5Csecret.txt',
  'backslash inside': 'a%5Cb.txt',
  'absolute posix': '%2Fetc%2Fpasswd',
  'absolute, double-encoded': '%252Fetc%252Fpasswd',
  unc: '%5C%5Cserver%5Cshare%5Cx',
  'unc with slashes': '%2F%2Fserver%2Fshare%2Fx',
  'windows absolute': 'C%3A%5Cwindows%5Cwin.ini',
  'drive letter': 'c%3Afoo.txt',
  nul: 'a%00.txt',
  fragment: 'a%23b.txt',
  newline: 'a%0Ab.txt',
  'file uri': 'file%3A%2F%2F%2Fetc%2Fpasswd',
};

describe('the artifact path validator', () => {
  it('rejects every attack', () => {
    for (const [name, wire] of Object.entries(ATTACKS)) {
      expect(() => validateArtifactPath(wire, 'entry'), name).toThrow('Invalid path');
      expect(() => validateArtifactPath(decodeURIComponent(wire), 'entry'), name).toThrow('Invalid path');
    }
  });

  it('normalises harmless forms and keeps names as they are', () => {
    expect(validateArtifactPath('a//b/./c.txt', 'entry')).toBe('a/b/c.txt');
    expect(validateArtifactPath('dir/', 'list')).toBe('dir');
    expect(validateArtifactPath('', 'list')).toBe('');
    expect(validateArtifactPath('.', 'list')).toBe('');
    expect(validateArtifactPath('a%20b/x%2By.txt', 'entry')).toBe('a b/x+y.txt');
    expect(validateArtifactPath('...', 'entry')).toBe('...');
    expect(validateArtifactPath('model:v1.txt', 'entry')).toBe('model:v1.txt');
    expect(validateArtifactPath('%zz', 'entry')).toBe('%zz');
  });

  it('refuses empty and dot-only paths where something would be written or deleted', () => {
    for (const p of ['', '.', './', '/.', '%2E', 'a/..']) expect(() => validateArtifactPath(p, 'entry'), p).toThrow('Invalid path');
  });

  it('refuses a path that never stops decoding', () => {
    let p = '%2e%2e';
    for (let i = 0; i < 12; i++) p = encodeURIComponent(p);
    expect(() => validateArtifactPath(p, 'entry')).toThrow('Invalid path');
  });
});

describe('artifact routes refuse unsafe paths', () => {
  let server: ArtifactServer;
  let dest: string;
  let outside: string;
  let runId: string;

  beforeAll(async () => {
    server = await startArtifactServer(['--artifacts-destination', '{dir}/mlartifacts']);
    dest = path.join(server.dir, 'mlartifacts');
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    fs.mkdirSync(dest, { recursive: true });
    fs.writeFileSync(path.join(dest, 'inside.txt'), 'fine');
    fs.symlinkSync(outside, path.join(dest, 'escape-dir'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dest, 'escape-file'));
    fs.symlinkSync(path.join(dest, 'inside.txt'), path.join(dest, 'inner-link'));
    runId = (await createRun(server.url)).run_id;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const expectInvalid = (res: { status: number; body: Buffer }, label: string) => {
    expect(res.status, label).toBe(400);
    expect(JSON.parse(res.body.toString()), label).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' });
  };

  it('on every route, in every encoding', async () => {
    for (const [name, wire] of Object.entries(ATTACKS)) {
      for (const family of ['/api/2.0', '/ajax-api/2.0']) {
        const base = `${family}/mlflow-artifacts`;
        expectInvalid(await rawRequest(server.url, 'GET', `${base}/artifacts/${wire}`), `GET ${name}`);
        expectInvalid(await rawRequest(server.url, 'PUT', `${base}/artifacts/${wire}`, 'data'), `PUT ${name}`);
        expectInvalid(await rawRequest(server.url, 'DELETE', `${base}/artifacts/${wire}`), `DELETE ${name}`);
        expectInvalid(await rawRequest(server.url, 'GET', `${base}/artifacts?path=${wire}`), `list ${name}`);
        const mpuBody = JSON.stringify({ path: 'f.bin', num_parts: 1 });
        expectInvalid(await rawRequest(server.url, 'POST', `${base}/mpu/create/${wire}`, mpuBody, { 'content-type': 'application/json' }), `mpu ${name}`);
      }
      expectInvalid(await rawRequest(server.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${wire}`), `runs list ${name}`);
      expectInvalid(await rawRequest(server.url, 'GET', `/get-artifact?run_id=${runId}&path=${wire}`), `get-artifact ${name}`);
      expectInvalid(await rawRequest(server.url, 'GET', `/model-versions/get-artifact?name=m&version=1&path=${wire}`), `mv ${name}`);
      expectInvalid(await rawRequest(server.url, 'POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${wire}`, 'data'), `upload ${name}`);
    }
    // nothing was written anywhere
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('does not follow symlinks out of the destination', async () => {
    const art = '/api/2.0/mlflow-artifacts/artifacts';
    expectInvalid(await rawRequest(server.url, 'GET', `${art}/escape-file`), 'read through file link');
    expectInvalid(await rawRequest(server.url, 'GET', `${art}/escape-dir/secret.txt`), 'read through dir link');
    expectInvalid(await rawRequest(server.url, 'PUT', `${art}/escape-dir/new.txt`, 'x'), 'write through dir link');
    expectInvalid(await rawRequest(server.url, 'GET', `${art}?path=escape-dir`), 'list through dir link');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    // a link that stays inside is fine, and listings hide the ones that leave
    expect((await rawRequest(server.url, 'GET', `${art}/inner-link`)).body.toString()).toBe('fine');
    const listing = await json(await fetch(`${server.url}${art}`));
    expect(listing.files.map((f: { path: string }) => f.path)).toEqual(['inner-link', 'inside.txt']);
    // deleting a link removes the link, never its target
    expect((await rawRequest(server.url, 'DELETE', `${art}/escape-dir`)).status).toBe(200);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
  });

  it('never deletes or overwrites the destination root', async () => {
    for (const p of ['.', '%2E', './', '.%2F.']) {
      expectInvalid(await rawRequest(server.url, 'DELETE', `/api/2.0/mlflow-artifacts/artifacts/${p}`), `delete ${p}`);
      expectInvalid(await rawRequest(server.url, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${p}`, 'x'), `put ${p}`);
    }
    expect(fs.existsSync(path.join(dest, 'inside.txt'))).toBe(true);
  });

  it('refuses to create experiments whose location escapes with dot segments', async () => {
    for (const location of ['mlflow-artifacts:/a/../../etc', 'mlflow-artifacts:/a/%2e%2e/%2e%2e/etc', '/tmp/x/../../etc', 's3://b/p?x=..%2f']) {
      const res = await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: `bad ${location}`, artifact_location: location });
      expect(res.status, location).toBe(400);
    }
  });
});
