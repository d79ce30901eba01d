/**
 * MLflow basic-auth (`--app-name basic-auth`) through the SDK and the admin commands of the CLI:
 * cases for our server (auth.test.ts) and Python `mlflow server` (python-mlflow.test.ts).
 * `darwin: false` leaves out what only Darwin servers have (`auth/me`, tokens) and checks that
 * the CLI says so instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { AuthenticationError, MlflowClient, NotFoundError, PermissionDeniedError } from '../../src/index.js';
import { runCli } from '../../src/cli/index.js';
import type { Io } from '../../src/cli/index.js';

export interface AuthTarget {
  url: string;
  admin: { username: string; password: string };
  darwin: boolean;
}

export function authCases(targetOf: () => AuthTarget): void {
  const as = (username?: string, password?: string) =>
    new MlflowClient({ trackingUri: targetOf().url, env: {}, username, password, maxRetries: 0, endRunsOnExit: false });
  const admin = () => as(targetOf().admin.username, targetOf().admin.password);

  it('manages users and rebuilds 401 and 403 as typed errors', async () => {
    const root = admin();
    const user = await root.users.create('alice', 'alice-pw-123');
    expect(user.username).toBe('alice');
    await root.users.updateAdmin('alice', true);
    expect((await root.users.get('alice')).is_admin).toBe(true);
    await root.users.updateAdmin('alice', false);
    await root.users.updatePassword('alice', 'alice-pw-456');
    await expect(as('alice', 'alice-pw-123').experiments.search().toArray()).rejects.toBeInstanceOf(AuthenticationError);
    const alice = as('alice', 'alice-pw-456');
    expect((await alice.users.get('alice')).username).toBe('alice');
    if (targetOf().darwin) expect((await alice.users.me()).user?.username).toBe('alice');
    const exp = await root.experiments.create('private');
    await expect(alice.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
    await root.users.create('gone', 'gone-pw-123');
    await root.users.delete('gone');
    await expect(root.users.get('gone')).rejects.toBeInstanceOf(NotFoundError);
    await Promise.all([root.close(), alice.close()]);
  });

  it('grants, reads, updates and revokes experiment and model permissions', async () => {
    const root = admin();
    await root.users.create('bob', 'bob-pw-1234');
    const bob = as('bob', 'bob-pw-1234');
    const exp = await root.experiments.create('shared');
    await expect(bob.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
    await root.permissions.experiments.create(exp, 'bob', 'READ');
    expect((await root.permissions.experiments.get(exp, 'bob')).permission).toBe('READ');
    expect((await bob.experiments.get(exp)).name).toBe('shared');
    await expect(bob.experiments.setTag(exp, 'k', 'v')).rejects.toBeInstanceOf(PermissionDeniedError);
    await root.permissions.experiments.update(exp, 'bob', 'EDIT');
    await bob.experiments.setTag(exp, 'k', 'v');
    await root.permissions.experiments.delete(exp, 'bob');
    await expect(bob.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
    await root.registeredModels.create('Secret');
    await root.permissions.registeredModels.create('Secret', 'bob', 'MANAGE');
    expect((await root.permissions.registeredModels.get('Secret', 'bob')).permission).toBe('MANAGE');
    expect((await bob.registeredModels.get('Secret')).name).toBe('Secret');
    await root.permissions.registeredModels.delete('Secret', 'bob');
    await expect(bob.registeredModels.get('Secret')).rejects.toBeInstanceOf(PermissionDeniedError);
    await Promise.all([root.close(), bob.close()]);
  });

  it('runs the users and permissions commands, as tables and as JSON', async () => {
    const { url, admin: creds, darwin } = targetOf();
    const lines: string[] = [];
    const errs: string[] = [];
    const io: Io = { out: (s) => lines.push(s), err: (s) => errs.push(s), stdoutIsTTY: false, stderrIsTTY: false };
    const tty: Io = { ...io, stdoutIsTTY: true };
    const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_USERNAME: creds.username, MLFLOW_TRACKING_PASSWORD: creds.password, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
    expect(await runCli(['users', 'create', 'erin', '--password', 'erin-pw-1234'], env, io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^Created user erin \(id \d+\)\.$/);
    const root = admin();
    const exp = await root.experiments.create('cli-perms');
    await root.close();
    expect(await runCli(['permissions', 'grant', '--experiment', exp, '--user', 'erin', '--permission', 'read'], env, io)).toBe(0);
    expect(await runCli(['permissions', 'grant', '--experiment', exp, '--user', 'erin', '--permission', 'EDIT'], env, io)).toBe(0);
    expect(await runCli(['--json', 'permissions', 'get', '--experiment', exp, '--user', 'erin'], env, io)).toBe(0);
    expect(JSON.parse(lines.at(-1) as string).permission).toBe('EDIT');
    expect(await runCli(['users', 'get', 'erin'], env, tty)).toBe(0);
    expect(lines.at(-1)).toMatch(/USERNAME\s+erin/);
    expect(lines.at(-1)).toContain(`${exp}:EDIT`);
    expect(await runCli(['--json', 'users', 'get', 'erin'], env, io)).toBe(0);
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ username: 'erin', is_admin: false });
    const erinEnv = { ...env, MLFLOW_TRACKING_USERNAME: 'erin', MLFLOW_TRACKING_PASSWORD: 'erin-pw-1234' };
    expect(await runCli(['experiments', 'get', exp], erinEnv, io)).toBe(0);
    expect(await runCli(['permissions', 'revoke', '--experiment', exp, '--user', 'erin'], env, io)).toBe(0);
    expect(await runCli(['experiments', 'get', exp], erinEnv, io)).toBe(3);
    expect(errs.at(-1)).toContain("'darwin-mlflow permissions grant'");
    expect(await runCli(['runs', 'get', 'x'], { ...erinEnv, MLFLOW_TRACKING_PASSWORD: 'wrong' }, io)).toBe(3);
    expect(errs.at(-1)).toContain('MLFLOW_TRACKING_USERNAME');
    if (!darwin) {
      // Tokens and whoami are Darwin endpoints: say so rather than print an HTML 404.
      expect(await runCli(['tokens', 'list'], erinEnv, io)).toBe(1);
      expect(errs.at(-1)).toContain('Darwin MLflow');
      expect(await runCli(['users', 'whoami'], erinEnv, io)).toBe(1);
      expect(errs.at(-1)).toContain('Darwin MLflow');
      const file = path.join(os.tmpdir(), `darwin-sdk-login-${process.pid}.json`);
      expect(await runCli(['login', '-u', 'erin'], { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_PASSWORD: 'erin-pw-1234', DARWIN_MLFLOW_CREDENTIALS: file }, io)).toBe(1);
      expect(errs.at(-1)).toContain('needs a Darwin MLflow server');
      expect(fs.existsSync(file)).toBe(false);
    }
    expect(await runCli(['users', 'delete', 'erin'], env, io)).toBe(0);
    expect(await runCli(['users', 'get', 'erin'], env, io)).toBe(4);
  });
}
