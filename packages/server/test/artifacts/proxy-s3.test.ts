import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, json, postJson, startArtifactServer, startS3 } from './support.js';
import type { ArtifactServer, S3TestServer } from './support.js';
import { abortedUpload, streamRoundTrip } from './http.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';
const BUCKET = 'darwin-artifacts';

describe('artifact proxy on an S3 destination (s3rver through the AWS SDK)', () => {
  let s3: S3TestServer;
  let server: ArtifactServer;

  beforeAll(async () => {
    s3 = await startS3(BUCKET);
    server = await startArtifactServer(['--artifacts-destination', `s3://${BUCKET}/mlartifacts`], s3.env);
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  const put = (p: string, body: string | Buffer) => fetch(`${server.url}${ART}/${p}`, { method: 'PUT', body });
  const get = (p: string) => fetch(`${server.url}${ART}/${p}`);
  const objectKeys = async (prefix: string) =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

  it('stores objects under the destination prefix and lists one level', async () => {
    expect((await put('rt/a.txt', '0')).status).toBe(200);
    await put('rt/dir/sub/b.bin', Buffer.from([1, 2, 3]));
    // s3rver omits a common prefix whose only objects lie two levels down (real S3 does not)
    await put('rt/dir/c.txt', 'c');
    await put('rt/empty.txt', '');
    await put(`rt/${encodeURIComponent('ünï cødé')}.txt`, 'u');
    expect((await objectKeys('mlartifacts/rt/')).sort()).toEqual(
      ['mlartifacts/rt/a.txt', 'mlartifacts/rt/dir/c.txt', 'mlartifacts/rt/dir/sub/b.bin', 'mlartifacts/rt/empty.txt', 'mlartifacts/rt/ünï cødé.txt'].sort(),
    );
    const obj = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mlartifacts/rt/dir/sub/b.bin' }));
    expect(Buffer.from(await obj.Body!.transformToByteArray())).toEqual(Buffer.from([1, 2, 3]));
    expect(await json(await fetch(`${server.url}${ART}?path=rt`))).toEqual({
      files: [
        { path: 'a.txt', is_dir: false, file_size: 1 },
        { path: 'dir', is_dir: true },
        { path: 'empty.txt', is_dir: false, file_size: 0 },
        { path: 'ünï cødé.txt', is_dir: false, file_size: 1 },
      ],
    });
    expect(await json(await fetch(`${server.url}${ART}?path=none`))).toEqual({});
    const empty = await get('rt/empty.txt');
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    const file = await get('rt/a.txt');
    expect(file.headers.get('content-type')).toBe('text/plain');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await file.text()).toBe('0');
  });

  it('answers 404 for a missing object and 400 for a "directory"', async () => {
    expect((await get('rt/nope.txt')).status).toBe(404);
    expect((await get('rt/dir')).status).toBe(400);
  });

  it('deletes one object or a whole prefix, never a sibling with the same stem', async () => {
    await put('del/tree/a.txt', 'a');
    await put('del/tree/b/c.txt', 'c');
    await put('del/tree.bak', 'keep');
    await put('del/one.txt', '1');
    expect((await fetch(`${server.url}${ART}/del/one.txt`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${server.url}${ART}/del/tree`, { method: 'DELETE' })).status).toBe(200);
    expect(await objectKeys('mlartifacts/del/')).toEqual(['mlartifacts/del/tree.bak']);
    expect((await fetch(`${server.url}${ART}/del/tree`, { method: 'DELETE' })).status).toBe(404);
  });

  it('streams a 40 MiB upload (managed multipart) and download byte for byte', async () => {
    const trip = await streamRoundTrip(`${server.url}${ART}/big/40m.bin`, 40);
    expect(trip.status).toBe(200);
    expect(trip.length).toBe(String(40 * 1024 * 1024));
    expect(trip.received).toBe(trip.sent);
  });

  it('takes concurrent uploads', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => randomBytes(100 * 1024 + i));
    await Promise.all(bodies.map((b, i) => put(`conc/f${i}.bin`, b)));
    for (const [i, b] of bodies.entries()) expect(Buffer.from(await (await get(`conc/f${i}.bin`)).arrayBuffer()).equals(b)).toBe(true);
  });

  it('leaves no object when the client disconnects mid-upload (small and multipart-sized)', async () => {
    await put('abort/existing.bin', 'complete');
    await abortedUpload(server.url, `${ART}/abort/small.bin`, 1024 * 1024, 256 * 1024);
    await abortedUpload(server.url, `${ART}/abort/large.bin`, 64 * 1024 * 1024, 20 * 1024 * 1024);
    await abortedUpload(server.url, `${ART}/abort/existing.bin`, 64 * 1024 * 1024, 12 * 1024 * 1024);
    // the server has given up on each aborted upload once its error reached the error handler
    for (let i = 0; i < 400 && server.failed.filter((r) => r.startsWith(`PUT ${ART}/abort/`)).length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(server.failed.filter((r) => r.startsWith(`PUT ${ART}/abort/`)).length).toBe(3);
    expect(await objectKeys('mlartifacts/abort/')).toEqual(['mlartifacts/abort/existing.bin']);
    expect(await (await get('abort/existing.bin')).text()).toBe('complete');
  });

  it('hands out pre-signed part URLs for multipart uploads, and completes and aborts them', async () => {
    const mpu = '/api/2.0/mlflow-artifacts/mpu';
    const created = await json(await postJson(`${server.url}${mpu}/create/mp/dir`, { path: '/local/tmp/model.bin', num_parts: 2 }));
    expect(created.upload_id).toBeTruthy();
    expect(created.credentials.map((c: any) => c.part_number)).toEqual([1, 2]);
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = Buffer.from('tail');
    const etags: string[] = [];
    for (const [i, part] of [part1, part2].entries()) {
      const res = await fetch(created.credentials[i].url, { method: 'PUT', body: part });
      expect(res.status).toBe(200);
      etags.push(res.headers.get('etag') ?? '');
    }
    const done = await postJson(`${server.url}${mpu}/complete/mp/dir`, {
      path: '/local/tmp/model.bin',
      upload_id: created.upload_id,
      parts: etags.map((etag, i) => ({ part_number: i + 1, etag, url: created.credentials[i].url })),
    });
    expect(done.status).toBe(200);
    const file = Buffer.from(await (await get('mp/dir/model.bin')).arrayBuffer());
    expect(file.equals(Buffer.concat([part1, part2]))).toBe(true);

    const second = await json(await postJson(`${server.url}${mpu}/create/mp/dir`, { path: 'other.bin', num_parts: 1 }));
    // s3rver has no AbortMultipartUpload (405): we answer 501 NOT_IMPLEMENTED for it; real S3 gives 200
    expect([200, 501]).toContain((await postJson(`${server.url}${mpu}/abort/mp/dir`, { path: 'other.bin', upload_id: second.upload_id })).status);
    expect(await objectKeys('mlartifacts/mp/dir/other')).toEqual([]);
    // (an unknown upload id is NoSuchUpload on S3, answered 404: see storage-errors.test.ts; s3rver fails with a 500)
  });

  it('lists and serves proxied run artifacts from the bucket', async () => {
    const run = await createRun(server.url, 's3-runs');
    await put(`${run.experiment_id}/${run.run_id}/artifacts/model/MLmodel`, 'm');
    const listing = await json(await fetch(`${server.url}/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}&path=model`));
    expect(listing).toEqual({ root_uri: run.artifact_uri, files: [{ path: 'model/MLmodel', is_dir: false, file_size: 1 }] });
    expect(await (await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=model/MLmodel`)).text()).toBe('m');
    const up = await fetch(`${server.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run.run_id}&path=ui.txt`, { method: 'POST', body: 'ui' });
    expect(up.status).toBe(200);
    expect(await objectKeys(`mlartifacts/${run.experiment_id}/${run.run_id}/artifacts/ui`)).toEqual([
      `mlartifacts/${run.experiment_id}/${run.run_id}/artifacts/ui.txt`,
    ]);
  });
});

describe('an s3:// default artifact root (no proxy)', () => {
  let s3: S3TestServer;
  let server: ArtifactServer;

  beforeAll(async () => {
    s3 = await startS3('darwin-root');
    server = await startArtifactServer(['--default-artifact-root', 's3://darwin-root/runs'], s3.env);
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('reads run artifacts the client wrote straight to S3', async () => {
    const run = await createRun(server.url, 's3-root');
    expect(run.artifact_uri).toBe(`s3://darwin-root/runs/${run.experiment_id}/${run.run_id}/artifacts`);
    const key = `runs/${run.experiment_id}/${run.run_id}/artifacts/metrics.json`;
    await s3.client.send(new PutObjectCommand({ Bucket: 'darwin-root', Key: key, Body: '{"a": 1}' }));
    const listing = await json(await fetch(`${server.url}/api/2.0/mlflow/artifacts/list?run_id=${run.run_id}`));
    expect(listing.files).toEqual([{ path: 'metrics.json', is_dir: false, file_size: 8 }]);
    expect(await (await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=metrics.json`)).text()).toBe('{"a": 1}');
  });

  it('refuses buckets it was not configured with', async () => {
    const exp = await json(await postJson(`${server.url}/api/2.0/mlflow/experiments/create`, { name: 'other bucket', artifact_location: 's3://someone-else/x' }));
    const run = await json(await postJson(`${server.url}/api/2.0/mlflow/runs/create`, { experiment_id: exp.experiment_id }));
    expect((await fetch(`${server.url}/api/2.0/mlflow/artifacts/list?run_id=${run.run.info.run_id}`)).status).toBe(501);
  });
});
