/** Multipart upload through presigned part URLs, against a server whose artifact store is S3 (s3rver). */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../src/index.js';
import type { TransferProgress } from '../src/index.js';
import { startArtifactServer, startS3 } from '../../server/test/artifacts/support.js';
import type { ArtifactServer, S3TestServer } from '../../server/test/artifacts/support.js';
import { startFaultProxy } from './support/faultProxy.js';
import type { FaultProxy } from './support/faultProxy.js';

const BUCKET = 'sdk-mpu';

describe('multipart artifact upload on an S3 store', () => {
  let s3: S3TestServer;
  let server: ArtifactServer;
  let proxy: FaultProxy;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3(BUCKET);
    server = await startArtifactServer(['--artifacts-destination', `s3://${BUCKET}/mlartifacts`], s3.env);
    proxy = await startFaultProxy(server.url);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-mpu-'));
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    await s3?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends a large file in parts, completes the upload and reads it back whole', async () => {
    const client = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 0, endRunsOnExit: false });
    const file = path.join(dir, 'weights.bin');
    const data = randomBytes(11 * 1024 * 1024);
    fs.writeFileSync(file, data);
    const run = await client.startRun({ experimentName: 'mpu' });
    const progress: TransferProgress[] = [];
    await run.logArtifact(file, 'model', { multipartThreshold: 1024 * 1024, multipartChunkSize: 5 * 1024 * 1024, onProgress: (p) => progress.push(p) });
    await run.endRun();
    const urls = proxy.seen.map((r) => `${r.method} ${r.url}`);
    expect(urls.filter((u) => u.includes('/mpu/create/'))).toHaveLength(1);
    expect(urls.filter((u) => u.includes('/mpu/complete/'))).toHaveLength(1);
    expect(urls.filter((u) => u.startsWith('PUT /api/2.0/mlflow-artifacts/artifacts/'))).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ bytes: data.length, total: data.length, filesDone: 1 });
    const down = await client.downloadArtifacts(`runs:/${run.runId}/model/weights.bin`, path.join(dir, 'down'));
    expect(fs.readFileSync(down).equals(data)).toBe(true);
    await client.close();
  });
});
