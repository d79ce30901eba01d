import http from 'node:http';
import net from 'node:net';
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initS3Bucket, s3InitTarget } from '../../src/artifacts/s3init.js';
import { main } from '../../src/cli.js';
import { startS3 } from './support.js';
import type { S3TestServer } from './support.js';

describe('S3 bucket initialisation (s3rver)', () => {
  let s3: S3TestServer;

  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => s3?.close());

  it('creates a missing bucket, tolerates an existing one, and leaves no probe behind', async () => {
    expect(await initS3Bucket('s3://darwin-init/prefix', s3.env)).toEqual({ bucket: 'darwin-init', created: true });
    await s3.client.send(new HeadBucketCommand({ Bucket: 'darwin-init' }));
    expect(await initS3Bucket('s3://darwin-init/prefix', s3.env)).toEqual({ bucket: 'darwin-init', created: false });
    const left = await s3.client.send(new ListObjectsV2Command({ Bucket: 'darwin-init' }));
    expect(left.Contents ?? []).toEqual([]);
  });

  it('takes the bucket from MLFLOW_S3_BUCKET for `darwin-mlflow s3 init`', async () => {
    expect(s3InitTarget(undefined, { MLFLOW_S3_BUCKET: 'from-env' })).toBe('s3://from-env');
    expect(() => s3InitTarget(undefined, {})).toThrow('MLFLOW_S3_BUCKET');
    expect(() => s3InitTarget('/local/dir', {})).toThrow('s3://');
    expect(await main(['s3', 'init'], { ...s3.env, MLFLOW_S3_BUCKET: 'darwin-cli' })).toBe(0);
    await s3.client.send(new HeadBucketCommand({ Bucket: 'darwin-cli' }));
  });

  it('fails fast and says what to check on bad credentials', async () => {
    // s3rver accepts any signature, so a loopback endpoint that denies everything, as S3 does for a bad key
    const denying = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>');
    });
    await new Promise<void>((r) => denying.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = denying.address() as net.AddressInfo;
      await expect(initS3Bucket('s3://darwin-denied', { ...s3.env, MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}` })).rejects.toThrow(
        /access denied: check AWS_ACCESS_KEY_ID/,
      );
    } finally {
      denying.close();
    }
  });

  it('fails fast on an endpoint nobody listens on', async () => {
    const port = await freePort();
    await expect(initS3Bucket('s3://darwin-x', { ...s3.env, MLFLOW_S3_ENDPOINT_URL: `http://127.0.0.1:${port}` })).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ .*MLFLOW_S3_ENDPOINT_URL/,
    );
  });

  it('refuses --init-bucket without an s3:// destination', async () => {
    expect(await main(['server', '--init-bucket', '--artifacts-destination', '/tmp/not-s3', '--port', '0'], {})).toBe(2);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
