/**
 * `--compare`: a second server benched in the same invocation as ours, with the same seed and
 * load, so the ratios printed are measured side by side on one machine at one time (figures
 * from another host mislead: Python MLflow's speed varies from machine to machine).
 *
 * The second server is either already running (`--compare-url`, optionally `--compare-pid` to
 * sample its memory) or started by the bench from a shell command (`--compare-command`) on a
 * fresh backend of the same kind as ours, e.g. Python MLflow with its defaults:
 *
 *   --compare-command "python3 -m mlflow server --backend-store-uri {backend_store_uri}
 *                      --default-artifact-root {artifact_root} --host 127.0.0.1 --port {port}"
 *
 * Scenarios alternate between the two servers (ABBA order), so slow drift in the machine's
 * other load does not favour either side.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { prepareBackend } from './backend.js';
import { HttpClient } from './client.js';
import { descendants } from './processTree.js';
import { freePort, sleep } from './serverProcess.js';

export interface Target {
  readonly url: string;
  /** Every replica's URL (one unless --replicas). */
  readonly urls: readonly string[];
  /** Roots of the servers' process trees (one per replica), when known. */
  readonly pids: readonly number[];
  readonly description: string;
  readonly command: string | undefined;
}

export interface CompareOptions {
  readonly url: string | undefined;
  readonly pid: number | undefined;
  /** Shell command with {port}, {backend_store_uri}, {artifact_root} placeholders. */
  readonly command: string | undefined;
  /** Name of the second server in the report. */
  readonly label: string;
}

type Cleanup = () => Promise<void>;

/** Python MLflow runs its schema migrations before it answers: minutes on a busy machine. */
const START_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL_CHARS = 4000;

/** The second server: the given URL, or one started from the command on a fresh backend. */
export async function resolveComparedTarget(compare: CompareOptions, backendStoreUri: string | undefined, cleanups: Cleanup[]): Promise<Target> {
  if (compare.command === undefined) {
    const url = compare.url as string;
    return { url, urls: [url], pids: compare.pid === undefined ? [] : [compare.pid], description: `${compare.label} at ${url}`, command: undefined };
  }
  const backend = await prepareBackend(backendStoreUri);
  cleanups.push(() => backend.cleanup());
  const port = await freePort();
  const command = compare.command
    .replaceAll('{port}', String(port))
    .replaceAll('{backend_store_uri}', shellQuote(backend.uri))
    .replaceAll('{artifact_root}', shellQuote(backend.artifactRoot));
  const started = await startCommand(command, `http://127.0.0.1:${port}`);
  cleanups.push(started.stop);
  return { url: started.url, urls: [started.url], pids: [started.pid], description: `${compare.label} (pid ${started.pid}) on ${backend.label}`, command };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** Runs `command` in its own process group (so its workers stop with it) and waits for /health. */
async function startCommand(command: string, url: string): Promise<{ url: string; pid: number; stop: Cleanup }> {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () => stopGroup(child);
  try {
    await waitForHealth(url, child);
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- output of the compared server ---\n${log}`, { cause: err });
  }
  return { url, pid: child.pid as number, stop };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `the compared server exited (${signal ?? `code ${code}`}) before answering /health`));
  // several answers in a row: pre-forking servers (gunicorn) start their workers one by one
  let healthy = 0;
  while (healthy < 8) {
    if (exited) throw new Error(exited);
    if (Date.now() > deadline) throw new Error(`the compared server did not answer ${url}/health within ${START_TIMEOUT_MS / 1000} s`);
    const client = new HttpClient(url, 1);
    try {
      healthy = (await client.get('/health')).status === 200 ? healthy + 1 : 0;
    } catch {
      healthy = 0;
    } finally {
      client.close();
    }
    await sleep(healthy === 0 ? 250 : 50);
  }
  await sleep(1000);
}

/** SIGTERM to the whole process group, SIGKILL to what is left after a grace period. */
function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid as number;
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(pid, 'SIGKILL');
    return Promise.resolve();
  }
  const tree = [pid, ...descendants(pid)];
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.error(`the compared server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killing it`);
      signalGroup(pid, 'SIGKILL');
      for (const p of tree) killQuietly(p);
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      // the shell exits first; give its children (gunicorn master and workers) the same end
      const left = tree.filter(alive);
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      if (left.length === 0) return finish();
      const poll = setInterval(() => {
        if (tree.some(alive)) return;
        clearInterval(poll);
        finish();
      }, 100);
    });
    signalGroup(pid, 'SIGTERM');
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** ABBA: scenario i runs on ours first when i % 4 is 1 or 2, on the other server first otherwise. */
export function oursFirst(scenarioIndex: number): boolean {
  const phase = scenarioIndex % 4;
  return phase === 1 || phase === 2;
}
