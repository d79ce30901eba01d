/**
 * Starts one of our servers configured like the reference server of a `meta` line: a fresh
 * temporary folder stands for `{TMP}`, another one is the working directory (`{ELSEWHERE}`, where
 * relative paths resolve), and the recorded flags and environment go through loadServerConfig —
 * the same path the CLI takes. The server listens on a real socket.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import type { SessionMeta } from './corpus.js';

export const AUTH_APP = 'mlflow.server.auth:create_app';

export interface RunningServer {
  readonly baseUrl: URL;
  /** Our stand-in for `{TMP}`. */
  readonly tmp: string;
  /** Our stand-in for `{ELSEWHERE}`: the server's working directory. */
  readonly cwd: string;
  readonly auth: boolean;
  close(): Promise<void>;
}

const MLFLOW_PACKAGED_AUTH_CONFIG = `[mlflow]
default_permission = READ
database_uri = sqlite:///basic_auth.db
admin_username = admin
admin_password = password
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
`;

export interface LaunchPlan {
  readonly argv: string[];
  readonly env: Record<string, string>;
}

/** The flags and environment `mlflow server` was given, with our folders substituted. */
export function launchPlan(meta: SessionMeta, tmp: string, cwd: string): LaunchPlan {
  const argv = ['--backend-store-uri', backendUri(meta.backend_uri, tmp, cwd)];
  argv.push('--default-artifact-root', fillPlaceholders(meta.root_artifact_uri, tmp, cwd));
  const env: Record<string, string> = {};
  if (meta.app === AUTH_APP) {
    argv.push('--app-name', 'basic-auth');
    // MLflow's packaged basic_auth.ini, which its auth tests ran with
    const ini = path.join(cwd, 'basic_auth.ini');
    fs.writeFileSync(ini, MLFLOW_PACKAGED_AUTH_CONFIG);
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
  }
  for (const [k, v] of Object.entries(meta.extra_env ?? {})) env[k] = fillPlaceholders(v, tmp, cwd);
  return { argv, env };
}

export function fillPlaceholders(value: string, tmp: string, cwd: string): string {
  return value.replaceAll('{TMP}', tmp).replaceAll('{ELSEWHERE}', cwd);
}

/**
 * The recorder wrote `sqlite:////{TMP}/x.db` for an absolute temporary path; rebuild a canonical
 * `sqlite:////abs/x.db`. One test points its second client at another tracking server over HTTP
 * (`http://127.0.0.1:<port>`): we are that server, so it gets a fresh SQLite database instead.
 */
export function backendUri(recorded: string, tmp: string, cwd: string): string {
  if (!recorded.startsWith('sqlite:')) return `sqlite:///${path.join(tmp, 'backend.db')}`;
  if (!recorded.includes('{TMP}') && !recorded.includes('{ELSEWHERE}')) return recorded;
  const filled = fillPlaceholders(recorded, tmp, cwd);
  return `sqlite:///${path.resolve('/', filled.replace(/^sqlite:\/+/, ''))}`;
}

export async function launch(meta: SessionMeta): Promise<RunningServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-conformance-'));
  // Separate folders so a path under the working directory is never mistaken for one under {TMP}.
  const tmp = path.join(root, 'tmp');
  const cwd = path.join(root, 'cwd');
  fs.mkdirSync(tmp);
  fs.mkdirSync(cwd);
  const plan = launchPlan(meta, tmp, cwd);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(loadServerConfig(plan.argv, plan.env, cwd), { log: () => undefined });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const started = app;
  return {
    baseUrl: new URL(`http://127.0.0.1:${address.port}`),
    tmp,
    cwd,
    auth: meta.app === AUTH_APP,
    async close() {
      await started.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
