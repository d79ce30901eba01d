/** A real app with users and permissions on (real databases, real HTTP through inject). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import type { ServerConfig } from '../../src/config/serverConfig.js';
import type { TestDatabase, TestDialect } from '../support/databases.js';

export const ADMIN = { username: 'admin', password: 'admin-secret-1' };

export interface Caller {
  username: string;
  password: string;
}

export interface AuthResponse {
  status: number;
  body: any;
  text: string;
  headers: Record<string, unknown>;
}

export interface RequestOptions {
  as?: Caller | undefined;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: string | Buffer;
  contentType?: string;
}

export interface AuthTestServer {
  app: FastifyInstance;
  config: ServerConfig;
  dir: string;
  request(method: string, url: string, options?: RequestOptions): Promise<AuthResponse>;
  /** As the admin; fails the test on an error status. */
  admin(method: string, url: string, json?: unknown): Promise<any>;
  createUser(username: string, password?: string): Promise<Caller>;
  close(): Promise<void>;
}

export function basic(c: Caller): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

export async function startAuthApp(
  dialect: TestDialect,
  label: string,
  options: { defaultPermission?: string; extraArgs?: string[]; env?: Record<string, string> } = {},
): Promise<AuthTestServer> {
  const tracking: TestDatabase = await dialect.create(`${label}_t`);
  const authDb: TestDatabase = await dialect.create(`${label}_a`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-auth-'));
  const ini = path.join(dir, 'auth.ini');
  fs.writeFileSync(
    ini,
    `[mlflow]\ndefault_permission = ${options.defaultPermission ?? 'READ'}\ndatabase_uri = ${authDb.uri}\nadmin_username = ${ADMIN.username}\nadmin_password = ${ADMIN.password}\n`,
  );
  const config = loadServerConfig(
    ['--backend-store-uri', tracking.uri, '--artifacts-destination', path.join(dir, 'artifacts'), '--app-name', 'basic-auth', ...(options.extraArgs ?? [])],
    { MLFLOW_AUTH_CONFIG_PATH: ini, ...(options.env ?? {}) },
    dir,
  );
  const app = await buildApp(config, { log: () => undefined });
  const request = async (method: string, url: string, o: RequestOptions = {}): Promise<AuthResponse> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.as) headers.authorization = basic(o.as);
    let payload: string | Buffer | undefined;
    if (o.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(o.json);
    } else if (o.raw !== undefined) {
      payload = o.raw;
      if (o.contentType) headers['content-type'] = o.contentType;
    }
    const res = await app.inject({ method: method as 'GET', url, headers, payload });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      // not JSON
    }
    return { status: res.statusCode, body, text: res.body, headers: res.headers };
  };
  const admin = async (method: string, url: string, json?: unknown) => {
    const res = await request(method, url, { as: ADMIN, json: method === 'GET' ? undefined : (json ?? {}) });
    if (res.status >= 400) throw new Error(`${method} ${url} as admin: ${res.status} ${res.text}`);
    return res.body;
  };
  return {
    app,
    config,
    dir,
    request,
    admin,
    async createUser(username, password = `${username}-pw-1`) {
      await admin('POST', '/api/2.0/mlflow/users/create', { username, password });
      return { username, password };
    },
    async close() {
      await app.close();
      await tracking.drop();
      await authDb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
