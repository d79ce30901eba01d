/** Auth, tokens, permissions and the Darwin /v1 API against a real server run with --app-name basic-auth. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, MlflowClient, NotFoundError, PermissionDeniedError } from '../src/index.js';
import { runCli } from '../src/cli/index.js';
import type { Io } from '../src/cli/index.js';
import { ADMIN, startAuthApp } from '../../server/test/auth/support.js';
import type { AuthTestServer } from '../../server/test/auth/support.js';
import { testDialects } from './support/server.js';

for (const dialect of testDialects()) {
  describe(`auth and /v1 on ${dialect.dialect}`, () => {
    let server: AuthTestServer;
    let url: string;
    let admin: MlflowClient;

    const as = (username?: string, password?: string, token?: string) =>
      new MlflowClient({ trackingUri: url, env: {}, username, password, token, maxRetries: 0, endRunsOnExit: false });

    beforeAll(async () => {
      server = await startAuthApp(dialect, 'sdk_auth', { defaultPermission: 'NO_PERMISSIONS' });
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      url = `http://127.0.0.1:${address.port}`;
      admin = as(ADMIN.username, ADMIN.password);
    });
    afterAll(async () => {
      await admin?.close();
      await server?.close();
    });

    it('manages users and rebuilds 401 and 403 as typed errors', async () => {
      const user = await admin.users.create('alice', 'alice-pw-123');
      expect(user.username).toBe('alice');
      await admin.users.updateAdmin('alice', true);
      expect((await admin.users.get('alice')).is_admin).toBe(true);
      await admin.users.updateAdmin('alice', false);
      await admin.users.updatePassword('alice', 'alice-pw-456');
      await expect(as('alice', 'alice-pw-123').experiments.search().toArray()).rejects.toBeInstanceOf(AuthenticationError);
      const alice = as('alice', 'alice-pw-456');
      expect((await alice.users.me()).user?.username).toBe('alice');
      const exp = await admin.experiments.create('private');
      await expect(alice.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.users.create('gone', 'gone-pw-123');
      await admin.users.delete('gone');
      await expect(admin.users.get('gone')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('grants, reads, updates and revokes experiment and model permissions', async () => {
      await admin.users.create('bob', 'bob-pw-1234');
      const bob = as('bob', 'bob-pw-1234');
      const exp = await admin.experiments.create('shared');
      await expect(bob.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.permissions.experiments.create(exp, 'bob', 'READ');
      expect((await admin.permissions.experiments.get(exp, 'bob')).permission).toBe('READ');
      expect((await bob.experiments.get(exp)).name).toBe('shared');
      await expect(bob.experiments.setTag(exp, 'k', 'v')).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.permissions.experiments.update(exp, 'bob', 'EDIT');
      await bob.experiments.setTag(exp, 'k', 'v');
      await admin.permissions.experiments.delete(exp, 'bob');
      await expect(bob.experiments.get(exp)).rejects.toBeInstanceOf(PermissionDeniedError);
      await admin.registeredModels.create('Secret');
      await admin.permissions.registeredModels.create('Secret', 'bob', 'MANAGE');
      expect((await admin.permissions.registeredModels.get('Secret', 'bob')).permission).toBe('MANAGE');
      expect((await bob.registeredModels.get('Secret')).name).toBe('Secret');
      await admin.permissions.registeredModels.delete('Secret', 'bob');
      await expect(bob.registeredModels.get('Secret')).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    it('creates personal access tokens and authenticates with MLFLOW_TRACKING_TOKEN', async () => {
      await admin.users.create('carol', 'carol-pw-123');
      const carol = as('carol', 'carol-pw-123');
      const created = await carol.v1.createToken('ci', 30);
      expect(created.token.length).toBeGreaterThan(20);
      const viaToken = new MlflowClient({ trackingUri: url, env: { MLFLOW_TRACKING_TOKEN: created.token }, maxRetries: 0 });
      expect((await viaToken.users.me()).user?.username).toBe('carol');
      expect((await viaToken.v1.listTokens()).map((t) => t.name)).toEqual(['ci']);
      await carol.v1.deleteToken(String(created.id));
      await expect(viaToken.experiments.search().toArray()).rejects.toBeInstanceOf(AuthenticationError);
      await viaToken.close();
    });

    it('covers the /v1 API', async () => {
      expect(await admin.v1.healthcheck()).toBe('OK');
      const { experiment_id: id } = await admin.v1.createExperiment('v1-exp', { tags: { team: 'ml' } });
      expect((await admin.v1.getExperiment(id)).tags).toEqual({ team: 'ml' });
      await admin.v1.updateExperiment(id, 'v1-renamed');
      await admin.v1.setExperimentTag(id, 'stage', 'dev');
      expect((await admin.v1.experiments({ search: 'v1-renamed' }).toArray()).map((e) => e.experiment_id)).toEqual([id]);
      const run = await admin.v1.createRun(id, { runName: 'r', tags: { a: '1' } });
      await admin.v1.logData(run.run_id, { metrics: [{ key: 'm', value: 2, step: 1 }], params: [{ key: 'p', value: 'x' }] });
      const got = await admin.v1.getRun(id, run.run_id);
      expect(JSON.stringify(got)).toContain('"p"');
      expect((await admin.v1.runs(id).toArray()).length).toBe(1);
      const sdkRun = await admin.startRun({ runId: run.run_id });
      await sdkRun.logText('hello', 'a.txt');
      await sdkRun.endRun();
      expect((await admin.v1.listArtifacts(run.run_id)).files.map((f) => f.path)).toEqual(['a.txt']);
      const body = await admin.v1.downloadArtifact(run.run_id, 'a.txt');
      expect(Buffer.concat(await body.toArray()).toString()).toBe('hello');
      await admin.v1.deleteRun(id, run.run_id);
      await admin.v1.restoreRun(id, run.run_id);
      const user = await admin.v1.createUser('dave', 'dave-pw-1234');
      expect(user.username).toBe('dave');
      await admin.v1.setExperimentPermission(id, 'dave', 'EDIT');
      expect(await admin.v1.experimentPermissions(id)).toEqual(expect.arrayContaining([{ username: 'dave', permission: 'EDIT' }]));
      await admin.v1.deleteExperimentPermission(id, 'dave');
      await admin.registeredModels.create('V1Model');
      expect((await admin.v1.models({ name: 'V1Model' }).toArray()).length).toBe(1);
      await admin.v1.setModelPermission('V1Model', 'dave', 'READ');
      expect(await admin.v1.modelPermissions('V1Model')).toEqual(expect.arrayContaining([{ username: 'dave', permission: 'READ' }]));
      await admin.v1.deleteModelPermission('V1Model', 'dave');
      expect((await admin.v1.audit({ pageSize: 5 }).toArray(5)).length).toBeGreaterThan(0);
      await admin.v1.deleteExperiment(id);
      await admin.v1.restoreExperiment(id);
    });

    it('runs the admin commands of the CLI', async () => {
      const lines: string[] = [];
      const errs: string[] = [];
      const io: Io = { out: (s) => lines.push(s), err: (s) => errs.push(s), stdoutIsTTY: false, stderrIsTTY: false };
      const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
      expect(await runCli(['users', 'create', 'erin', '--password', 'erin-pw-1234'], env, io)).toBe(0);
      const exp = await admin.experiments.create('cli-perms');
      expect(await runCli(['permissions', 'grant', '--experiment', exp, '--user', 'erin', '--permission', 'read'], env, io)).toBe(0);
      expect(await runCli(['permissions', 'grant', '--experiment', exp, '--user', 'erin', '--permission', 'EDIT'], env, io)).toBe(0);
      expect(await runCli(['--json', 'permissions', 'get', '--experiment', exp, '--user', 'erin'], env, io)).toBe(0);
      expect(JSON.parse(lines.at(-1) as string).permission).toBe('EDIT');
      const erinEnv = { ...env, MLFLOW_TRACKING_USERNAME: 'erin', MLFLOW_TRACKING_PASSWORD: 'erin-pw-1234' };
      expect(await runCli(['tokens', 'create', 'laptop'], erinEnv, io)).toBe(0);
      const token = lines.at(-1) as string;
      expect(errs.at(-1)).toContain('it is not shown again');
      expect(await runCli(['users', 'whoami'], { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token }, io)).toBe(0);
      expect(lines.at(-1)).toMatch(/USER\s+erin/);
      expect(await runCli(['tokens', 'list'], erinEnv, io)).toBe(0);
      expect(lines.at(-1)).toContain('laptop');
      expect(await runCli(['permissions', 'revoke', '--experiment', exp, '--user', 'erin'], env, io)).toBe(0);
      expect(await runCli(['experiments', 'get', exp], erinEnv, io)).toBe(3);
      expect(errs.at(-1)).toContain("'darwin-mlflow permissions grant'");
      expect(await runCli(['runs', 'get', 'x'], { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_USERNAME: 'erin', MLFLOW_TRACKING_PASSWORD: 'wrong' }, io)).toBe(3);
      expect(errs.at(-1)).toContain('MLFLOW_TRACKING_TOKEN');
      expect(await runCli(['users', 'delete', 'erin'], env, io)).toBe(0);
    });
  });
}
