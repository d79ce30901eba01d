/** The `darwin-mlflow` command as an operator runs it: exit codes and one clear message. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const linkedBin = path.join(repo, 'node_modules', '.bin', 'darwin-mlflow');
const built = fs.existsSync(path.join(repo, 'packages/server/dist/cli.js'));
if (!built) console.warn('[darwin-mlflow tests] packages/server/dist is missing (run npm run build): skipping CLI process tests.');

function run(args: string[], cwd = os.tmpdir(), env: Record<string, string> = {}) {
  const res = spawnSync(linkedBin, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, ...env } });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe.skipIf(!built)('darwin-mlflow CLI', () => {
  it('runs from the linked bin by absolute path in any directory', () => {
    const res = run(['server', '--help']);
    expect(res.code).toBe(0);
    expect(res.out).toContain('--backend-store-uri');
  });

  it('exits non-zero with one clear message on a bad flag', () => {
    const res = run(['server', '--prot', '5000']);
    expect(res.code).toBe(2);
    expect(res.err.trim()).toBe('Error: No such option: --prot');
  });

  it('with --fail-fast, exits non-zero with one clear message when the database is unreachable', () => {
    const res = run(['server', '--backend-store-uri', 'postgresql://nobody@127.0.0.1:1/none', '--port', '0', '--fail-fast']);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^Error: Cannot use the backend store postgresql:\/\/nobody@127\.0\.0\.1:1\/none: /);
    expect(res.err.trim().split('\n')).toHaveLength(1);
    expect(res.out).toBe('');
  });

  it('without --fail-fast, retries an unreachable database with a log line per attempt, then gives up', () => {
    const res = run(['server', '--backend-store-uri', 'postgresql://nobody@127.0.0.1:1/none', '--port', '0'], os.tmpdir(), { DARWIN_STARTUP_RETRY_MS: '1200' });
    expect(res.code).toBe(1);
    const lines = res.out.trim().split('\n').map((l) => JSON.parse(l));
    // the first delay (0.5 s) fits into 1.2 s, the second (1 s) no longer does
    expect(lines.map((l) => [l.level, l.attempt])).toEqual([['warn', 1]]);
    expect(lines[0].msg).toMatch(/^Database postgresql:\/\/nobody@127\.0\.0\.1:1\/none is not reachable yet \(.*\); retrying in 0\.5 s\. Use --fail-fast to exit instead\.$/);
    expect(res.err).toMatch(/^Error: Cannot use the backend store .*\(gave up after 2 attempts in 1 s\)\n$/);
  });

  it('does not retry a database that answers but refuses the schema', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'not-a-db.sqlite'), 'this is not a SQLite file, it is long enough to be read as a header '.repeat(4));
      const res = run(['server', '--backend-store-uri', `sqlite:///${dir}/not-a-db.sqlite`, '--port', '0']);
      expect(res.code).toBe(1);
      expect(res.out).toBe('');
      expect(res.err).toMatch(/^Error: Cannot use the backend store/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("upgrades an empty database to MLflow 3.x's head revision with db upgrade", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-cli-'));
    try {
      const res = run(['db', 'upgrade', `sqlite:///${dir}/db.sqlite`]);
      expect(res.code).toBe(0);
      expect(res.out).toContain('bf29a5ff90ea');
      const again = run(['db', 'upgrade', `sqlite:///${dir}/db.sqlite`]);
      expect(again.out).toContain('already at revision bf29a5ff90ea');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
