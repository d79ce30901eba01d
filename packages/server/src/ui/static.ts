/**
 * Serves the web UI built by `packages/web` (Vite) from `packages/web/dist`: `index.html` for
 * `<prefix>/`, the Darwin URL `<prefix>/experiments` (and below it), and the hashed bundles
 * under `<prefix>/static-files/`.
 *
 * The file list is read once at start-up and requests are looked up in it, so no request path
 * ever reaches the file system. Hashed bundles are cached for a year (`immutable`); `index.html`
 * is revalidated on every load so a new build is picked up at once.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** `packages/web/dist`, found from this file's place in `packages/server/{src,dist}/ui/`. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../../web/dist/', import.meta.url));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/vnd.microsoft.icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The page may load its own scripts and styles only; images from the server and data/blob
 * URLs (chart exports, previews); HTML artifacts are shown in sandboxed `srcdoc` frames.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

export interface WebUiOptions {
  readonly staticPrefix: string;
  /** Where the built UI lives; `defaultWebRoot()` unless a test says otherwise. */
  readonly root: string;
}

function listFiles(dir: string, base = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of listFiles(abs, rel)) out.set(k, v);
    else if (entry.isFile()) out.set(rel, abs);
  }
  return out;
}

/** Whether a built UI exists at `root` (else the server keeps MLflow's no-UI answer). */
export function hasWebUi(root: string): boolean {
  const index = path.join(root, 'index.html');
  return existsSync(index) && statSync(index).isFile();
}

export function mountWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const prefix = options.staticPrefix;
  const indexPath = path.join(options.root, 'index.html');
  const assets = listFiles(path.join(options.root, 'static-files'));

  const sendIndex = async (_req: unknown, reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .type('text/html; charset=utf-8')
      .send(await readFile(indexPath));

  app.get(`${prefix}/`, sendIndex);
  app.get(`${prefix}/experiments`, sendIndex);
  app.get(`${prefix}/experiments/*`, sendIndex);
  app.get(`${prefix}/static-files/*`, async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const file = assets.get(rel);
    if (!file) {
      return reply.status(404).type('application/json').send({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `No UI file '${rel}'.` });
    }
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
      .send(await readFile(file));
  });
}
