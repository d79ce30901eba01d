/**
 * The built web UI as the server serves it: index.html for `/`, `/experiments` and below, under
 * --static-prefix too, hashed bundles cached for a year, nothing outside the build, and
 * MLflow's plain-text answer when no UI is built.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const [sqlite] = testDialects().filter((d) => d.dialect === 'sqlite');

function fakeBuild(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-web-'));
  fs.mkdirSync(path.join(root, 'static-files', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./static-files/index-abc123.js"></script>');
  fs.writeFileSync(path.join(root, 'static-files', 'index-abc123.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'static-files', 'nested', 'style-x.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'not served');
  return root;
}

describe.each([
  { prefix: '', args: [] as string[] },
  { prefix: '/mlflow-app', args: ['--static-prefix', '/mlflow-app'] },
])('the web UI at "$prefix/"', ({ prefix, args }) => {
  let server: TestServer;
  let root: string;
  beforeAll(async () => {
    root = fakeBuild();
    server = await startTestApp(sqlite!, 'static_ui', args, { webRoot: root });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers the page URLs with index.html, revalidated on every load', async () => {
    for (const url of [`${prefix}/`, `${prefix}/experiments`, `${prefix}/experiments/12`]) {
      const res = await server.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('index-abc123.js');
    }
  });

  it('serves the hashed bundles with long-lived caching and their content types', async () => {
    const js = await server.app.inject({ url: `${prefix}/static-files/index-abc123.js` });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await server.app.inject({ url: `${prefix}/static-files/nested/style-x.css` });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves nothing outside the build, and nothing it did not list at start', async () => {
    for (const url of [`${prefix}/static-files/../secret.txt`, `${prefix}/static-files/%2e%2e/secret.txt`, `${prefix}/static-files/missing.js`, `${prefix}/secret.txt`]) {
      const res = await server.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('not served');
    }
  });
});

describe('without a built UI', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(sqlite!, 'no_ui', [], { webRoot: path.join(os.tmpdir(), 'darwin-no-such-build') });
  });
  afterAll(async () => server?.close());

  it("answers / with MLflow's plain-text explanation", async () => {
    const res = await server.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('serves no web UI');
  });
});
