/** Auth, tokens, permissions and the Darwin /v1 API against a real server run with --app-name basic-auth. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, MlflowClient } from '../src/index.js';
import { authCases } from './cases/auth.js';
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

    authCases(() => ({ url, admin: ADMIN, darwin: true }));

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

    it('logs in once, stores a token readable only by the user, uses it, and logs out', async () => {
      const lines: string[] = [];
      const errs: string[] = [];
      const io: Io = { out: (s) => lines.push(s), err: (s) => errs.push(s), stdoutIsTTY: false, stderrIsTTY: false };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-login-'));
      const file = path.join(dir, 'conf', 'credentials.json');
      await admin.users.create('gina', 'gina-pw-1234');
      const base = { MLFLOW_TRACKING_URI: url, DARWIN_MLFLOW_CREDENTIALS: file, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
      expect(await runCli(['login', '-u', 'gina'], { ...base, MLFLOW_TRACKING_PASSWORD: 'wrong' }, io)).toBe(3);
      expect(fs.existsSync(file)).toBe(false);
      expect(await runCli(['login', '-u', 'gina', '--expires-in-days', '7'], { ...base, MLFLOW_TRACKING_PASSWORD: 'gina-pw-1234' }, io)).toBe(0);
      expect(lines.at(-1)).toContain(`Logged in to ${url} as gina, until `);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')).servers[url];
      expect(stored).toMatchObject({ username: 'gina' });
      expect(await runCli(['whoami'], base, io)).toBe(0);
      expect(lines.at(-1)).toMatch(/USER\s+gina/);
      expect(lines.at(-1)).toMatch(/VIA\s+token/);
      expect(await runCli(['--json', 'experiments', 'list'], base, io)).toBe(0);
      expect(await runCli(['--json', 'tokens', 'list'], base, io)).toBe(0);
      expect(JSON.parse(lines.at(-1) as string).map((t: { id: number }) => String(t.id))).toEqual([stored.token_id]);
      expect(await runCli(['logout'], base, io)).toBe(0);
      expect(lines.at(-1)).toBe(`Logged out of ${url}; the token is revoked.`);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).servers).toEqual({});
      await expect(as(undefined, undefined, stored.token).experiments.search().toArray()).rejects.toBeInstanceOf(AuthenticationError);
      expect(await runCli(['experiments', 'list'], base, io)).toBe(3);
      expect(await runCli(['logout'], base, io)).toBe(0);
      expect(lines.at(-1)).toContain(`Not logged in to ${url}`);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('creates tokens and answers whoami from the CLI', async () => {
      const lines: string[] = [];
      const errs: string[] = [];
      const io: Io = { out: (s) => lines.push(s), err: (s) => errs.push(s), stdoutIsTTY: false, stderrIsTTY: false };
      await admin.users.create('fred', 'fred-pw-1234');
      const fredEnv = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_USERNAME: 'fred', MLFLOW_TRACKING_PASSWORD: 'fred-pw-1234', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };
      expect(await runCli(['tokens', 'create', 'laptop'], fredEnv, io)).toBe(0);
      const token = lines.at(-1) as string;
      expect(errs.at(-1)).toContain('it is not shown again');
      expect(await runCli(['users', 'whoami'], { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token }, io)).toBe(0);
      expect(lines.at(-1)).toMatch(/USER\s+fred/);
      expect(await runCli(['tokens', 'list'], fredEnv, io)).toBe(0);
      expect(lines.at(-1)).toContain('laptop');
      expect(await runCli(['--json', 'tokens', 'list'], fredEnv, io)).toBe(0);
      const [listed] = JSON.parse(lines.at(-1) as string) as { id: number; name: string }[];
      expect(listed?.name).toBe('laptop');
      expect(await runCli(['tokens', 'delete', String(listed?.id)], fredEnv, io)).toBe(0);
      expect(await runCli(['users', 'whoami'], { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: token }, io)).toBe(3);
    });
  });
}
