/**
 * Artifact test servers: a real app listening on a loopback port (streaming needs a real
 * socket), a fresh SQLite database and artifact directories, and optionally a real S3-protocol
 * server (s3rver) reached through the AWS SDK.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadServerConfig } from '../../src/config/serverConfig.js';

export interface ArtifactServer {
  app: FastifyInstance;
  url: string;
  dir: string;
  /** `METHOD url` of every request whose handler failed, once its error reached the error handler. */
  failed: string[];
  close(): Promise<void>;
}

/**
 * Starts a server with `args` (after `--backend-store-uri`); `{dir}` in an argument is replaced
 * by a fresh temporary directory that is also the server's working directory.
 */
export async function startArtifactServer(args: string[], env: Record<string, string> = {}): Promise<ArtifactServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-art-'));
  // --artifacts-only refuses a backend flag: then the default (relative to the cwd, `dir`) is used
  const backend = args.includes('--artifacts-only') ? [] : ['--backend-store-uri', `sqlite:///${path.join(dir, 'mlruns.db')}`];
  const config = loadServerConfig([...backend, ...args.map((a) => a.replaceAll('{dir}', dir))], env, dir);
  const app = await buildApp(config);
  const failed: string[] = [];
  app.addHook('onError', async (request) => {
    failed.push(`${request.method} ${request.url}`);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dir,
    failed,
    async close() {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface S3TestServer {
  endpoint: string;
  env: Record<string, string>;
  client: S3Client;
  close(): Promise<void>;
}

/** s3rver on a loopback port with an empty bucket `bucket` (when given). */
export async function startS3(bucket?: string): Promise<S3TestServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    MLFLOW_S3_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  if (bucket) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    env,
    client,
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Creates an experiment and a run through the REST API; returns the run info. */
export async function createRun(base: string, experimentName = `exp-${Math.random().toString(36).slice(2)}`): Promise<any> {
  const exp = await json(await postJson(`${base}/api/2.0/mlflow/experiments/create`, { name: experimentName }));
  const run = await json(await postJson(`${base}/api/2.0/mlflow/runs/create`, { experiment_id: exp.experiment_id, start_time: 1 }));
  return run.run.info;
}
