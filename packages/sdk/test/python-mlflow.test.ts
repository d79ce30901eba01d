/**
 * "Works against any MLflow 2.x server": the SDK's cases, the CLI and the Darwin workflow in
 * examples/ against Python `mlflow server` 2.x started here. Skipped, with a notice on stderr,
 * where Python MLflow cannot be imported (see support/pythonMlflow.ts); a local cross-check.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MlflowClient } from '../src/index.js';
import { proxyArtifactCases } from './cases/artifacts.js';
import { authCases } from './cases/auth.js';
import { clientCases } from './cases/client.js';
import { built, cliCases } from './cases/cli.js';
import { expectWorkflowDone, runWorkflowExample } from './cases/workflow.js';
import { pythonMlflow, startPythonMlflow } from './support/pythonMlflow.js';
import type { PythonMlflowServer } from './support/pythonMlflow.js';

const label = `Python mlflow server ${pythonMlflow?.version ?? '(absent)'}`;

describe.skipIf(pythonMlflow === undefined)(`${label}: client, artifacts and the Darwin workflow`, () => {
  let server: PythonMlflowServer;
  let client: MlflowClient;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startPythonMlflow();
    client = new MlflowClient({ trackingUri: server.url, env: {}, maxRetries: 0, endRunsOnExit: false });
  });
  afterAll(async () => {
    process.env = saved;
    await client?.close();
    await server?.close();
  });

  clientCases(() => client);
  proxyArtifactCases(() => client, { darwin: false });

  it('runs examples/darwin-workflow.ts unchanged: 10,000 points, a model, registered, promoted, downloaded by alias', async () => {
    process.env.MLFLOW_TRACKING_URI = server.url;
    await expectWorkflowDone(client, await runWorkflowExample());
  });
});

describe.skipIf(pythonMlflow === undefined || !built)(`${label}: darwin-mlflow client commands`, () => {
  let server: PythonMlflowServer;

  beforeAll(async () => {
    server = await startPythonMlflow();
  });
  afterAll(async () => {
    await server?.close();
  });

  cliCases(() => ({ MLFLOW_TRACKING_URI: server.url }));
});

describe.skipIf(pythonMlflow === undefined)(`${label} --app-name basic-auth: users and permissions`, () => {
  let server: PythonMlflowServer;

  beforeAll(async () => {
    server = await startPythonMlflow({ auth: true, defaultPermission: 'NO_PERMISSIONS' });
  });
  afterAll(async () => {
    await server?.close();
  });

  authCases(() => ({ url: server.url, admin: server.admin, darwin: false }));
});
