/**
 * Python `mlflow server` 2.x as the other server the SDK must work against ("any MLflow 2.x
 * server"). It is not part of this repository or of CI: the suites that use it run only where
 * Python MLflow can be imported, and say so on stderr otherwise.
 *
 * The interpreter is `DARWIN_TEST_MLFLOW_PYTHON` (default `python3`), run with the caller's
 * environment, so a source checkout works through `PYTHONPATH`.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PythonMlflow {
  readonly python: string;
  readonly version: string;
}

export interface PythonMlflowServer {
  readonly url: string;
  /** The admin of a `--app-name basic-auth` server (MLflow's defaults are changed here). */
  readonly admin: { username: string; password: string };
  close(): Promise<void>;
}

function detect(): PythonMlflow | undefined {
  const python = process.env.DARWIN_TEST_MLFLOW_PYTHON ?? 'python3';
  const res = spawnSync(python, ['-c', 'import mlflow.server, sys; sys.stdout.write(mlflow.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  const version = res.status === 0 ? res.stdout.trim() : '';
  if (!/^2\.\d+/.test(version)) {
    const why = res.error ? res.error.message : version !== '' ? `found MLflow ${version}` : (res.stderr ?? '').trim().split('\n').at(-1);
    console.warn(
      `[darwin-mlflow tests] Python MLflow 2.x is not importable with '${python}' (${why || 'no answer'}): skipping the suites against Python 'mlflow server'. ` +
        'Set DARWIN_TEST_MLFLOW_PYTHON (and PYTHONPATH) to run them.',
    );
    return undefined;
  }
  return { python, version };
}

export const pythonMlflow: PythonMlflow | undefined = detect();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Waits for `/health` or for the process to die (then its stderr is the error). */
async function ready(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}:\n${log()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`mlflow server did not answer /health:\n${log()}`);
}

/** `mlflow server` on a fresh SQLite database with the artifact proxy, one worker, optionally basic-auth. */
export async function startPythonMlflow(options: { auth?: boolean; defaultPermission?: string } = {}): Promise<PythonMlflowServer> {
  if (pythonMlflow === undefined) throw new Error('Python MLflow is not available');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-pymlflow-'));
  const admin = { username: 'admin', password: 'admin-pw-1234' };
  const env: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: undefined };
  const args = ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`, '--artifacts-destination', path.join(dir, 'mlartifacts'), '--host', '127.0.0.1', '--workers', '1'];
  if (options.auth) {
    const ini = path.join(dir, 'basic_auth.ini');
    fs.writeFileSync(
      ini,
      [
        '[mlflow]',
        `default_permission = ${options.defaultPermission ?? 'READ'}`,
        `database_uri = sqlite:///${path.join(dir, 'basic_auth.db')}`,
        `admin_username = ${admin.username}`,
        `admin_password = ${admin.password}`,
        'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
        '',
      ].join('\n'),
    );
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
    args.push('--app-name', 'basic-auth');
  }
  const port = await freePort();
  const child = spawn(pythonMlflow.python, [...args, '--port', String(port)], { cwd: dir, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // gunicorn forks workers: signal the whole process group.
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(url, child, () => stderr);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, admin, close };
}
