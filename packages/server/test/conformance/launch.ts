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
import { Database } from '../../src/db/database.js';
import { ensureDefaultExperiment, ensureSchema } from '../../src/db/migrate.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';
import type { SessionMeta } from './corpus.js';
import type { NewDbSchema } from '../../src/config/serverConfig.js';
import type { TestDatabase, TestDialect } from '../support/databases.js';

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

/**
 * The flags and environment `mlflow server` was given, with our folders substituted. The
 * database is created at the schema head of the MLflow that recorded the corpus.
 */
export function launchPlan(meta: SessionMeta, tmp: string, cwd: string, schema: NewDbSchema = '2.12.2'): LaunchPlan {
  const argv = ['--backend-store-uri', backendUri(meta.backend_uri, tmp, cwd), '--new-db-schema', schema];
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

/**
 * `backend`: run the tracking store on a fresh database of that dialect (MariaDB, PostgreSQL)
 * instead of the recorded SQLite file; the auth database stays the packaged SQLite file.
 */
export async function launch(meta: SessionMeta, schema: NewDbSchema = '2.12.2', backend?: TestDialect): Promise<RunningServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-conformance-'));
  // Separate folders so a path under the working directory is never mistaken for one under {TMP}.
  const tmp = path.join(root, 'tmp');
  const cwd = path.join(root, 'cwd');
  fs.mkdirSync(tmp);
  fs.mkdirSync(cwd);
  const plan = launchPlan(meta, tmp, cwd, schema);
  let app: FastifyInstance | undefined;
  let database: TestDatabase | undefined;
  try {
    if (backend && backend.dialect !== 'sqlite') {
      database = await backend.create('replay');
      plan.argv[plan.argv.indexOf('--backend-store-uri') + 1] = database.uri;
    }
    const uri = plan.argv[plan.argv.indexOf('--backend-store-uri') + 1] as string;
    if (schema === '3.x' && meta.app !== AUTH_APP) await seedMlflow3Database(uri, tmp);
    app = await buildApp(loadServerConfig(plan.argv, plan.env, cwd), { log: () => undefined });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await app?.close();
    await database?.drop();
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
      await database?.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The 3.x suites serve a copy of a database MLflow 3.x created beforehand, whose Default
 * experiment lives at `file://{TMP}/artifacts/0` whatever the server's artifact root: ours is
 * made the same way before the server starts.
 */
async function seedMlflow3Database(uri: string, tmp: string): Promise<void> {
  const database = Database.open(uri);
  try {
    await ensureSchema(database);
    await ensureDefaultExperiment(database, `file://${path.join(tmp, 'artifacts', '0')}`);
  } finally {
    await database.close();
  }
}
