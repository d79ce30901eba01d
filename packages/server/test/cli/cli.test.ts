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

function run(args: string[], cwd = os.tmpdir()) {
  const res = spawnSync(linkedBin, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
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

  it('exits non-zero with one clear message when the database is unreachable', () => {
    const res = run(['server', '--backend-store-uri', 'postgresql://nobody@127.0.0.1:1/none', '--port', '0']);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/^Error: Cannot use the backend store postgresql:\/\/nobody@127\.0\.0\.1:1\/none: /);
    expect(res.err.trim().split('\n')).toHaveLength(1);
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
