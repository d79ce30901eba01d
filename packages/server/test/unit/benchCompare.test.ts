/**
 * The bench's --compare mode (src/bench/compare.ts, options.ts): its flags are validated before
 * any seeding, a compared server started from a command answers on the port the bench chose and
 * is stopped with its whole process group, and the targets honour the half-of-/health rule.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/bench/client.js';
import { oursFirst, resolveComparedTarget } from '../../src/bench/compare.js';
import { OptionsError, parseBenchOptions } from '../../src/bench/options.js';
import { summarize } from '../../src/bench/report.js';
import type { ScenarioResult } from '../../src/bench/runner.js';

const problemsOf = (argv: string[]): readonly string[] => {
  try {
    parseBenchOptions(argv);
    return [];
  } catch (err) {
    if (err instanceof OptionsError) return err.problems;
    throw err;
  }
};

describe('bench --compare options', () => {
  it('accepts a command with {port} or a URL, and names the second server', () => {
    const byCommand = parseBenchOptions(['--compare-command', 'mlflow server --port {port}']);
    expect(byCommand.compare).toEqual({ url: undefined, pid: undefined, command: 'mlflow server --port {port}', label: 'Python MLflow' });
    const byUrl = parseBenchOptions(['--compare-url', 'http://127.0.0.1:5055/', '--compare-pid', '42', '--compare-label', 'other']);
    expect(byUrl.compare).toEqual({ url: 'http://127.0.0.1:5055', pid: 42, command: undefined, label: 'other' });
    expect(parseBenchOptions([]).compare).toBeUndefined();
  });

  it('rejects contradictory or incomplete compare flags, all at once', () => {
    expect(problemsOf(['--compare-command', 'mlflow server'])).toEqual(['--compare-command must contain {port}: the bench picks a free port for it']);
    expect(problemsOf(['--compare-url', 'http://a:1', '--compare-command', 'x {port}'])).toHaveLength(1);
    expect(problemsOf(['--compare-url', 'ftp://a'])).toHaveLength(1);
    expect(problemsOf(['--compare-pid', '7'])).toHaveLength(1);
    expect(problemsOf(['--compare-url', 'http://a:1', '--url', 'http://b:2'])).toHaveLength(1);
  });

  it('alternates which server runs a scenario first (ABBA)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(oursFirst)).toEqual([false, true, true, false, false, true, true, false]);
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('bench --compare-command', () => {
  it('starts the command on the chosen port and a fresh backend, and stops its whole process tree', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-compare-'));
    dirs.push(dir);
    const script = path.join(dir, 'server.cjs');
    // a parent that forks a worker serving /health, like gunicorn's master and its workers
    fs.writeFileSync(
      script,
      `const { fork } = require('node:child_process');
       if (process.argv[2] === 'worker') {
         require('node:http').createServer((req, res) => res.end(req.url === '/health' ? 'OK' : process.argv[4])).listen(Number(process.argv[3]), '127.0.0.1');
       } else {
         fork(__filename, ['worker', process.argv[2], process.argv[3]]);
         setInterval(() => {}, 1000);
       }`,
    );
    const cleanups: (() => Promise<void>)[] = [];
    const target = await resolveComparedTarget(
      { url: undefined, pid: undefined, command: `exec ${JSON.stringify(process.execPath)} ${script} {port} {backend_store_uri}`, label: 'stand-in' },
      undefined,
      cleanups,
    );
    const client = new HttpClient(target.url, 1);
    let tree: number[];
    try {
      expect((await client.get('/health')).body.toString()).toBe('OK');
      // the fresh SQLite backend the bench made for it
      expect((await client.get('/uri')).body.toString()).toMatch(/^sqlite:\/\/\/.*darwin-bench-.*mlflow\.db$/);
      const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(target.pids[0])], { encoding: 'utf8' });
      tree = [target.pids[0] as number, ...ps.stdout.split('\n').filter((l) => l.trim() !== '').map(Number)];
      expect(tree).toHaveLength(2);
    } finally {
      client.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
    expect(tree.filter(alive)).toEqual([]);
  });
});

function result(name: string, rps: number): ScenarioResult {
  return { name, status: 'ok', requests: 1, errors: 0, errorSamples: {}, seconds: 1, rps, p50Ms: 1, p99Ms: 1, server: undefined, benchCpuSeconds: 0, otherCpuSeconds: undefined };
}

describe('bench targets', () => {
  it('meets cheap scenarios at half of /health, but not the heavy SQLite ones', () => {
    const results = [result('log_metric', 600), result('get_run', 600), result('health', 1000)];
    const summary = summarize(results, 'sqlite', { log_metric: 100, get_run: 100, health: 900 }, 1000);
    expect(summary.verdicts.map((v) => [v.name, v.met, v.byCeiling])).toEqual([
      ['log_metric', true, true],
      ['get_run', false, false],
      ['health', undefined, false],
    ]);
    expect(summarize(results, 'sqlite', { log_metric: 100 }).verdicts[0]?.met).toBe(false);
  });
});
