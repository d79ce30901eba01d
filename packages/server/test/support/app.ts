/** Builds a real app (real database, no mocks) for HTTP tests, and a small JSON client for it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { BuildOptions } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import type { TestDatabase, TestDialect } from './databases.js';

export interface TestServer {
  app: FastifyInstance;
  database: TestDatabase;
  artifactRoot: string;
  close(): Promise<void>;
}

export async function startTestApp(dialect: TestDialect, label: string, extraArgs: string[] = [], options: BuildOptions = {}): Promise<TestServer> {
  const database = await dialect.create(label);
  const artifactRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-artifacts-'));
  const config = loadServerConfig(
    ['--backend-store-uri', database.uri, '--default-artifact-root', artifactRoot, ...extraArgs],
    {},
    artifactRoot,
  );
  const app = await buildApp(config, options);
  return {
    app,
    database,
    artifactRoot,
    async close() {
      await app.close();
      await database.drop();
      fs.rmSync(artifactRoot, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}

/** Sends a request the way the MLflow client does (JSON body, or query string for GET). */
export async function call(app: FastifyInstance, method: string, url: string, body?: unknown): Promise<JsonResponse> {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, body: parsed, headers: res.headers };
}
