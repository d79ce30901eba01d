/**
 * The built server (bin/darwin-mlflow.js → dist/) as a real child process on port 0, the way an
 * operator runs it: for tests of signals, kill -9, start-up and several replicas. The port is
 * read from the "listening at" line; stdout (JSON log lines) and stderr are kept for checks.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/darwin-mlflow.js');
export const serverBuilt = fs.existsSync(path.resolve(path.dirname(bin), '../dist/cli.js'));

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Resolves with the base URL once the server listens; rejects if it exits first. */
  readonly listening: Promise<string>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  output(): string;
  /** stdout lines that are JSON log records. */
  logRecords(): Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): void;
}

export function spawnServer(args: string[], env: Record<string, string> = {}, cwd?: string): ServerProcess {
  const child = spawn(process.execPath, [bin, 'server', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /listening at (http:\/\/[\d.]+:(\d+))/.exec(stdout);
      if (m) {
        child.stdout?.off('data', onData);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  listening.catch(() => undefined);
  return {
    child,
    listening,
    exited,
    output: () => `${stdout}\n${stderr}`,
    logRecords: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Stops a server if it is still running (after a failed test). */
export async function stopServer(server: ServerProcess | undefined): Promise<void> {
  if (!server) return;
  server.kill('SIGKILL');
  await server.exited;
}
