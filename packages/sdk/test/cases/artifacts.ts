/**
 * Artifacts through the proxy (`--serve-artifacts`, an `mlflow-artifacts:/` root): cases for our
 * server (artifacts.test.ts) and for Python `mlflow server` (python-mlflow.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NotFoundError } from '../../src/index.js';
import type { MlflowClient, TransferProgress } from '../../src/index.js';

export function modelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-model-'));
  fs.writeFileSync(path.join(dir, 'MLmodel'), 'artifact_path: model\nflavors: {}\n');
  fs.mkdirSync(path.join(dir, 'data', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'weights.bin'), Buffer.alloc(300_000, 7));
  fs.writeFileSync(path.join(dir, 'data', 'nested', 'vocab.txt'), 'a\nb\n');
  return dir;
}

export const readTree = (dir: string) =>
  Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((e) => e.isFile())
      .map((e) => [path.relative(dir, path.join(e.parentPath, e.name)), fs.readFileSync(path.join(e.parentPath, e.name)).toString('base64')]),
  );

/**
 * `darwin: false`: Python MLflow 2.12.2 answers a download of a missing file through the proxy
 * with 500 ("The following failures occurred while downloading…"), ours with 404.
 */
export function proxyArtifactCases(clientOf: () => MlflowClient, { darwin }: { darwin: boolean }): void {
  let client: MlflowClient;
  let local: string;
  let dest: string;
  beforeAll(() => {
    client = clientOf();
    local = modelDir();
    dest = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-dest-'));
  });
  afterAll(() => {
    fs.rmSync(local, { recursive: true, force: true });
    fs.rmSync(dest, { recursive: true, force: true });
  });

  it('logs files, directories, dicts and text, lists them and downloads them by every URI form', async () => {
    const run = await client.startRun({ experimentName: 'arts' });
    const progress: TransferProgress[] = [];
    expect(await run.logArtifacts(local, 'model', { onProgress: (p) => progress.push(p) })).toBe(3);
    await run.logArtifact(path.join(local, 'MLmodel'), 'copies');
    await run.logDict({ a: 1, nested: { b: [1, 2] } }, 'config/params.json');
    await run.logText('hello', 'notes.txt');
    await run.endRun();

    const last = progress.at(-1);
    expect(last).toMatchObject({ filesDone: 3, filesTotal: 3 });
    const weights = progress.filter((p) => p.path.endsWith('weights.bin'));
    expect(weights.at(-1)).toMatchObject({ bytes: 300_000, total: 300_000 });

    expect(run.deployUri()).toBe(`mlflow-artifacts:/${run.experimentId}/${run.runId}/artifacts/model`);
    expect(client.deployUri(run.run)).toBe(run.deployUri());

    const top = await client.artifacts.list(await client.resolveArtifactUri(`runs:/${run.runId}`));
    expect(top.map((f) => [f.path, f.is_dir])).toEqual([['config', true], ['copies', true], ['model', true], ['notes.txt', false]]);
    const files = await client.artifacts.walk(await client.resolveArtifactUri(`runs:/${run.runId}/model`));
    expect(files.map((f) => f.path)).toEqual(['MLmodel', 'data/nested/vocab.txt', 'data/weights.bin']);

    const viaRuns = await client.downloadArtifacts(`runs:/${run.runId}/model`, path.join(dest, 'a'));
    expect(readTree(viaRuns)).toEqual(readTree(local));
    const viaProxy = await client.downloadArtifacts(run.deployUri(), path.join(dest, 'b'));
    expect(readTree(viaProxy)).toEqual(readTree(local));
    const json = await client.artifacts.readText(await client.resolveArtifactUri(`runs:/${run.runId}/config/params.json`));
    expect(JSON.parse(json)).toEqual({ a: 1, nested: { b: [1, 2] } });
    const single = await client.downloadArtifacts(`runs:/${run.runId}/notes.txt`, path.join(dest, 'c'));
    expect(fs.readFileSync(single, 'utf8')).toBe('hello');

    await client.registeredModels.create('ArtModel');
    const version = await client.modelVersions.create('ArtModel', `runs:/${run.runId}/model`, { runId: run.runId });
    await client.registeredModels.setAlias('ArtModel', 'champion', version.version);
    const viaAlias = await client.downloadArtifacts('models:/ArtModel@champion', path.join(dest, 'd'));
    expect(readTree(viaAlias)).toEqual(readTree(local));
    const viaVersion = await client.downloadArtifacts(`models:/ArtModel/${version.version}/MLmodel`, path.join(dest, 'e'));
    expect(fs.readFileSync(viaVersion, 'utf8')).toContain('artifact_path: model');
  });

  it('deletes through the proxy and reports a missing file as NotFoundError', async () => {
    const run = await client.startRun({ experimentName: 'arts' });
    await run.logText('x', 'tmp/x.txt');
    const loc = run.artifactLocation('tmp');
    await client.artifacts.delete(loc);
    expect(await client.artifacts.list(run.artifactLocation())).toEqual([]);
    const missing = await client.artifacts.downloadFile(run.artifactLocation('tmp/x.txt'), path.join(dest, 'missing')).catch((e: unknown) => e);
    if (darwin) expect(missing).toBeInstanceOf(NotFoundError);
    else expect(missing).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(fs.existsSync(path.join(dest, 'missing'))).toBe(false);
    await run.endRun();
  });

}
