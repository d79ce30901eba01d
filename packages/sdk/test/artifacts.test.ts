/** Artifacts through a real server: proxy and run-scoped routes, directories, progress, URIs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../src/index.js';
import { modelDir, proxyArtifactCases, readTree } from './cases/artifacts.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';

const [sqlite] = testDialects();

describe('artifacts through the proxy', () => {
  let server: SdkTestServer;
  let client: MlflowClient;

  beforeAll(async () => {
    server = await startServer(sqlite!, 'sdk_artifacts');
    client = new MlflowClient({ trackingUri: server.url, env: {}, maxRetries: 0, endRunsOnExit: false });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  proxyArtifactCases(() => client, { darwin: true });

  it('refuses URIs it cannot read with a message that says what to use', async () => {
    await expect(client.resolveArtifactUri('models:/x/Prod')).rejects.toThrow(/a version number, a stage/);
    await expect(client.resolveArtifactUri('s3://bucket/key')).rejects.toThrow(/--serve-artifacts/);
  });
});

describe('artifacts of a server without the proxy', () => {
  let server: SdkTestServer;
  let client: MlflowClient;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-localroot-'));
    server = await startServer(sqlite!, 'sdk_artifacts_local', ['--default-artifact-root', root]);
    client = new MlflowClient({ trackingUri: server.url, env: {}, maxRetries: 0, endRunsOnExit: false });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('uploads through upload-artifact and downloads through get-artifact', async () => {
    const local = modelDir();
    const run = await client.startRun({ experimentName: 'local-arts' });
    expect(run.run.info.artifact_uri?.startsWith(root)).toBe(true);
    await run.logArtifacts(local, 'model');
    await run.endRun();
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-dest-'));
    const got = await client.downloadArtifacts(`runs:/${run.runId}/model`, dest);
    expect(readTree(got)).toEqual(readTree(local));
    fs.rmSync(local, { recursive: true, force: true });
    fs.rmSync(dest, { recursive: true, force: true });
  });
});
