/**
 * Pieces of the fault tests: a real server listening on a loopback port with the given URI,
 * flags and DARWIN_* settings, and a JSON client whose every request has a generous upper
 * bound (a request that hangs is a failure of the server, not a slow test).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';

/** Far above every timeout the fault tests configure: reaching it means the request hung. */
export const HANG_MS = 30_000;

/** Small database timeouts, so that an outage is answered quickly. */
export const FAST_TIMEOUTS = {
  DARWIN_DB_CONNECT_TIMEOUT_MS: '1000',
  DARWIN_DB_ACQUIRE_TIMEOUT_MS: '1500',
  DARWIN_DB_QUERY_TIMEOUT_MS: '2000',
};

export interface ListeningServer {
  app: FastifyInstance;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** `{dir}` in `backendUri` stands for the server's own temporary directory (removed on close). */
export async function listenOn(backendUri: string, args: string[] = [], env: Record<string, string> = {}): Promise<ListeningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-faults-'));
  const config = loadServerConfig(['--backend-store-uri', backendUri.replace('{dir}', dir), '--artifacts-destination', path.join(dir, 'artifacts'), ...args], { ...FAST_TIMEOUTS, ...env }, dir);
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dir,
    async close() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
}

export async function send(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HANG_MS),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. /health)
  }
  return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') };
}

/** Retries `fn` until it returns true, a bounded number of times (recovery without restart). */
export async function eventually(fn: () => Promise<boolean>, attempts = 100, pauseMs = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await fn()) return;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`condition not reached after ${attempts} attempts`);
}

/** A 503 as MLflow's clients expect it: TEMPORARILY_UNAVAILABLE in the envelope, Retry-After. */
export function isUnavailable(a: Answer): boolean {
  return a.status === 503 && a.body?.error_code === 'TEMPORARILY_UNAVAILABLE' && typeof a.body?.message === 'string' && a.retryAfter !== null;
}
