/**
 * Model-version `source` rules (spec §4.5, security checklist item 3): local sources only
 * inside the run's local artifact directory; other URIs decoded to a fixed point with no `..`
 * anywhere; nothing is ever fetched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { createModel, createVersion, fails, ok } from './support.js';

const RELATIVE = /an absolute path must be provided without relative path references present/;
const LOCAL = /To use a local path as a model version source, the run_id request parameter has to be specified/;

describe.each(testDialects())('model version sources on $dialect', (dialect) => {
  let server: TestServer;
  let runId: string;
  let artifactUri: string;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'registry_sources');
    await createModel(server.app, 'src');
    const run = (await ok(server.app, 'POST', '/runs/create', { experiment_id: '0' })).run;
    runId = run.info.run_id;
    artifactUri = run.info.artifact_uri;
  });
  afterAll(async () => server?.close());

  const create = (source: string, extra: Record<string, unknown> = {}) =>
    ok(server.app, 'POST', '/model-versions/create', { name: 'src', source, ...extra });
  const refuse = (source: string, message: RegExp, extra: Record<string, unknown> = {}) =>
    fails(server.app, 'POST', '/model-versions/create', { name: 'src', source, ...extra }, 400, 'INVALID_PARAMETER_VALUE', message);

  it('accepts remote and proxied sources with absolute, clean paths', async () => {
    for (const source of [
      'mlflow-artifacts:/1/0123456789abcdef0123456789abcdef/artifacts/model',
      'mlflow-artifacts:/models/',
      'mlflow-artifacts:/models/foo///bar',
      'mlflow-artifacts://host:9000/models/artifact/..../',
      's3://bucket/path/model',
      'runs:/abc/model',
      'https://host/api/2.0/mlflow-artifacts/artifacts/1/model?versionId=3',
      'gs://bucket/a b/c',
    ]) {
      expect((await create(source)).model_version.source).toBe(source);
    }
  });

  it('rejects relative references however they are encoded, in the path, host or query', async () => {
    for (const source of [
      'mlflow-artifacts://host:9000/models/../../../',
      'http://host:9000/models/../../../',
      'https://host/api/2.0/mlflow-artifacts/artifacts/../../../',
      's3a://my_bucket/api/2.0/mlflow-artifacts/artifacts/../../../',
      'ftp://host:8888/api/2.0/mlflow-artifacts/artifacts/../../../',
      'mlflow-artifacts://host:9000/models/..%2f..%2fartifacts',
      'mlflow-artifacts:/a/%252e%252e/b',
      'mlflow-artifacts:/a/%25252E%25252E%25252Fb',
      'mlflow-artifacts:/a/%zz/%2e%2e/b',
      's3://bucket/a/./b',
      'mlflow-artifacts://host:9000/models/artifact%00',
      's3://bucket',
      'mlflow-artifacts:models',
      'https://host/a/b?x=../y',
      'https://host/a/b?x=%2e%2e%2fy',
      'https://..%2f..%2fhost/a',
    ]) {
      await refuse(source, RELATIVE);
    }
  });

  it('rejects URL fragments and params, and file: URIs naming another host', async () => {
    await refuse('https://host/a/b#../y', /URL fragments and params are not allowed/);
    await refuse('https://host/a/b%23frag', /URL fragments and params are not allowed/);
    await refuse('http://host/a;b', /URL fragments and params are not allowed/);
    await refuse('file://otherhost/tmp/x', /is not a valid remote uri/, { run_id: runId });
  });

  it('accepts local sources inside the run artifact directory, as paths and file: URIs', async () => {
    expect((await create(`${artifactUri}/model`, { run_id: runId })).model_version.run_id).toBe(runId);
    await create(artifactUri, { run_id: runId });
    await create(`file://${artifactUri}/model`, { run_id: runId });
    await create(`file://localhost${artifactUri}/model`, { run_id: runId });
    // references that stay inside the directory, as MLflow's own tests expect
    await create(`${artifactUri}/.`, { run_id: runId });
    await create(`${artifactUri}/model/..`, { run_id: runId });
    await create(`${artifactUri}/sub/../model`, { run_id: runId });
  });

  it('rejects local sources outside the run directory (in any decoding) or without run_id', async () => {
    await refuse(`${artifactUri}/model`, LOCAL);
    await refuse('/etc/passwd', LOCAL, { run_id: runId });
    await refuse('relative/model', LOCAL, { run_id: runId });
    await refuse(`${artifactUri}x/model`, LOCAL, { run_id: runId });
    await refuse(`${artifactUri}/../other`, LOCAL, { run_id: runId });
    await refuse(`${artifactUri}/%2e%2e/other`, LOCAL, { run_id: runId });
    await refuse(`file://${artifactUri}/%252e%252e/x`, LOCAL, { run_id: runId });
    await refuse(`${artifactUri}/a%00b`, LOCAL, { run_id: runId });
    await fails(server.app, 'POST', '/model-versions/create', { name: 'src', source: '/tmp/x', run_id: 'f'.repeat(32) }, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('follows symlinks: a link inside the run directory pointing out of it is refused', async () => {
    fs.mkdirSync(artifactUri, { recursive: true });
    const outside = fs.mkdtempSync(path.join(server.artifactRoot, 'outside-'));
    fs.symlinkSync(outside, path.join(artifactUri, 'escape'));
    await refuse(`${artifactUri}/escape/model`, LOCAL, { run_id: runId });
    fs.mkdirSync(path.join(artifactUri, 'real'));
    await create(`${artifactUri}/real/model`, { run_id: runId });
  });

  it('refuses local sources when the run stores its artifacts remotely', async () => {
    const exp = (await ok(server.app, 'POST', '/experiments/create', { name: 'remote-exp', artifact_location: 's3://bucket/exp' })).experiment_id;
    const run = (await ok(server.app, 'POST', '/runs/create', { experiment_id: exp })).run;
    await refuse('/tmp/model', LOCAL, { run_id: run.info.run_id });
    // the run's own remote location is fine
    await create(`${run.info.artifact_uri}/model`, { run_id: run.info.run_id });
  });

  it('writes nothing for a refused source', async () => {
    const before = (await createVersion(server.app, 'src')).version;
    await refuse('s3://bucket/../x', RELATIVE);
    expect((await createVersion(server.app, 'src')).version).toBe(String(Number(before) + 1));
  });
});
