/**
 * Starts the real server as `npm start` does (the CLI in its own process, SQLite in a temp
 * folder, port 0) and reads its address from the line it prints. The UI is whatever
 * `packages/web/dist` holds, so `npm run build` must have run (as `npm ci` does).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = path.join(REPO, 'packages/server/bin/darwin-mlflow.js');
export const WEB_DIST = path.join(REPO, 'packages/web/dist');

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash, no prefix). */
  origin: string;
  /** origin + static prefix. */
  base: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startServer(extraArgs: string[] = [], prefix = '', env: Record<string, string> = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('packages/web/dist is missing: run `npm run build` first.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-ui-'));
  const args = [
    CLI, 'server', '--host', '127.0.0.1', '--port', '0',
    '--backend-store-uri', `sqlite:///${path.join(dir, 'mlruns.db')}`,
    '--artifacts-destination', path.join(dir, 'mlartifacts'),
    ...(prefix ? ['--static-prefix', prefix] : []),
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening at (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve((m[1] as string).replace(/\/$/, ''));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    origin,
    base: origin + prefix,
    dir,
    stop: () => stopChild(child, dir),
  };
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
