/**
 * Starts the built server (bin/darwin-mlflow.js → dist/) as a child process on a free
 * loopback port, the way a user runs it, and stops it with SIGTERM like a process manager.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { HttpClient } from './client.js';
import { descendants } from './processTree.js';

const BIN = fileURLToPath(new URL('../../bin/darwin-mlflow.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** Enough of the server's output to explain a failed start. */
const LOG_TAIL_CHARS = 4000;

export interface ServerSettings {
  readonly backendStoreUri: string;
  readonly artifactRoot: string;
  readonly workers: number | undefined;
  /** Extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  readonly nodeArgs: readonly string[];
  /** Users and permissions on, with this admin (the auth database lives beside the artifacts). */
  readonly authAdmin?: { username: string; password: string } | undefined;
  /** More server flags, e.g. `--artifacts-destination DIR`. */
  readonly extraArgs?: readonly string[];
}

export interface StartedServer {
  readonly url: string;
  readonly pid: number;
  readonly command: string;
  stop(): Promise<void>;
}

export async function startServer(settings: ServerSettings): Promise<StartedServer> {
  const port = await freePort();
  const args = [
    ...settings.nodeArgs,
    BIN,
    'server',
    '--backend-store-uri',
    settings.backendStoreUri,
    '--default-artifact-root',
    settings.artifactRoot,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    ...(settings.workers !== undefined ? ['--workers', String(settings.workers)] : []),
    ...(settings.authAdmin ? ['--app-name', 'basic-auth'] : []),
    ...(settings.extraArgs ?? []),
  ];
  const env = { ...process.env };
  if (settings.authAdmin) {
    const ini = path.join(settings.artifactRoot, 'bench-auth.ini');
    fs.mkdirSync(settings.artifactRoot, { recursive: true });
    fs.writeFileSync(
      ini,
      `[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///${path.join(settings.artifactRoot, 'bench-auth.db')}\nadmin_username = ${settings.authAdmin.username}\nadmin_password = ${settings.authAdmin.password}\n`,
    );
    env.MLFLOW_AUTH_CONFIG_PATH = ini;
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child, settings.workers ?? 1);
  } catch (err) {
    await terminate(child);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- server output ---\n${log}`, { cause: err });
  }
  return { url, pid: child.pid as number, command: `node ${args.join(' ')}`, stop: () => terminate(child) };
}

/** A port the OS just handed out and released; the tiny race is acceptable on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls /health until the server answers. With cluster workers the first answer may come from
 * the first worker up, so it waits for a few more successful answers (new connections are
 * spread over workers) before declaring the server ready.
 */
async function waitUntilHealthy(url: string, child: ChildProcess, workers: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `the server exited (${signal ?? `code ${code}`}) before answering /health`));
  let healthy = 0;
  while (healthy < workers * 2) {
    if (exited) throw new Error(exited);
    if (Date.now() > deadline) throw new Error(`the server did not answer ${url}/health within ${START_TIMEOUT_MS / 1000} s`);
    const client = new HttpClient(url, 1);
    try {
      const reply = await client.get('/health');
      healthy = reply.status === 200 ? healthy + 1 : 0;
    } catch {
      healthy = 0;
    } finally {
      client.close();
    }
    if (healthy === 0) await sleep(100);
  }
  // the other workers finish booting
  if (workers > 1) await sleep(500);
}

/**
 * SIGTERM, then SIGKILL for the server and its workers if it has not exited in time (a cluster
 * primary killed alone would leave its workers behind until they notice).
 */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.error(`the server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killing it`);
      for (const pid of descendants(child.pid as number)) killQuietly(pid);
      child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
