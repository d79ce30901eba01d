/**
 * The S3 client of the server, from the variables MLflow and the Darwin deployment use:
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), AWS_DEFAULT_REGION (or
 * AWS_REGION, default us-east-1), and a custom endpoint from MLFLOW_S3_ENDPOINT_URL, else
 * AWS_ENDPOINT_OVERRIDE. A custom endpoint means an S3-compatible server: path-style addressing,
 * and checksums only where the protocol requires them (older servers reject the newer headers).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

type Env = Readonly<Record<string, string | undefined>>;

const S3_CONNECT_TIMEOUT_MS = 5000;
/** Silence on an open socket before a request is failed (DARWIN_S3_TIMEOUT_MS overrides). */
const S3_SOCKET_TIMEOUT_MS = 30_000;

export { parseS3Uri } from './s3uri.js';
export type { S3Location } from './s3uri.js';

export function s3ClientConfig(env: Env): S3ClientConfig {
  const endpoint = nonEmpty(env.MLFLOW_S3_ENDPOINT_URL) ?? nonEmpty(env.AWS_ENDPOINT_OVERRIDE);
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const socketTimeout = positiveInteger(env.DARWIN_S3_TIMEOUT_MS) ?? S3_SOCKET_TIMEOUT_MS;
  const config: S3ClientConfig = {
    region: nonEmpty(env.AWS_DEFAULT_REGION) ?? nonEmpty(env.AWS_REGION) ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    // bounded waits: connecting, and silence on an open socket (not the whole transfer)
    requestHandler: { connectionTimeout: Math.min(S3_CONNECT_TIMEOUT_MS, socketTimeout), requestTimeout: socketTimeout, throwOnRequestTimeout: true },
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    config.credentials = { accessKeyId, secretAccessKey, sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) };
  }
  return config;
}

/** One client per process and configuration (it pools connections). */
const clients = new Map<string, S3Client>();

export function s3ClientFor(env: Env): S3Client {
  const config = s3ClientConfig(env);
  const key = JSON.stringify(config);
  let client = clients.get(key);
  if (!client) {
    client = new S3Client(config);
    clients.set(key, client);
  }
  return client;
}

function positiveInteger(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
