/**
 * S3 bucket initialisation (`darwin-mlflow s3 init`, `server --init-bucket`): the bucket named by
 * the destination URI (or MLFLOW_S3_BUCKET) is created when missing, an existing one is fine, and
 * write access is proven by putting and deleting a probe object under the destination prefix.
 * Bad credentials, an unreachable endpoint or a bucket owned by someone else fail fast with a
 * message that says what to check. (The original Darwin app layer only created the bucket, at
 * import time, ignored failures, and the MLflow server itself never did.)
 */
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BucketLocationConstraint } from '@aws-sdk/client-s3';
import { joinRelative } from './paths.js';
import { parseS3Uri, s3ClientConfig } from './repos/s3client.js';

type Env = Readonly<Record<string, string | undefined>>;

export class S3InitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'S3InitError';
  }
}

export interface S3InitResult {
  bucket: string;
  created: boolean;
}

/** The S3 destination to initialise: an explicit s3:// URI, else s3://$MLFLOW_S3_BUCKET. */
export function s3InitTarget(uri: string | undefined, env: Env): string {
  const target = uri ?? (env.MLFLOW_S3_BUCKET ? `s3://${env.MLFLOW_S3_BUCKET}` : undefined);
  if (target === undefined) throw new S3InitError('No bucket to initialise: pass s3://<bucket>[/<prefix>] or set MLFLOW_S3_BUCKET.');
  if (!target.startsWith('s3://')) throw new S3InitError(`Bucket initialisation needs an s3:// destination, got '${target}'.`);
  return target;
}

export async function initS3Bucket(uri: string, env: Env, log: (line: string) => void = () => undefined): Promise<S3InitResult> {
  const { bucket, prefix } = parseS3Uri(uri);
  const config = s3ClientConfig(env);
  const endpoint = typeof config.endpoint === 'string' ? config.endpoint : 'AWS S3';
  // fail fast: no long retry loops against a wrong endpoint
  const client = new S3Client({ ...config, maxAttempts: 1, requestHandler: { connectionTimeout: 5000, requestTimeout: 30_000 } });
  try {
    const created = await ensureBucket(client, bucket, String(config.region ?? 'us-east-1'), endpoint);
    log(created ? `Created bucket '${bucket}' at ${endpoint}.` : `Bucket '${bucket}' exists at ${endpoint}.`);
    await probeWrite(client, bucket, prefix, endpoint);
    log(`Write access to s3://${bucket}${prefix ? `/${prefix}` : ''} verified.`);
    return { bucket, created };
  } finally {
    client.destroy();
  }
}

async function ensureBucket(client: S3Client, bucket: string, region: string, endpoint: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (err) {
    if (statusOf(err) !== 404) throw explain(err, `check bucket '${bucket}'`, endpoint);
  }
  try {
    const location = region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
    await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location }));
    return true;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'BucketAlreadyOwnedByYou') return false;
    throw explain(err, `create bucket '${bucket}'`, endpoint);
  }
}

async function probeWrite(client: S3Client, bucket: string, prefix: string, endpoint: string): Promise<void> {
  const Key = joinRelative(prefix, `.darwin-mlflow-write-probe-${randomBytes(6).toString('hex')}`);
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'probe' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
  } catch (err) {
    throw explain(err, `write to s3://${bucket}/${Key}`, endpoint);
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function explain(err: unknown, action: string, endpoint: string): S3InitError {
  const status = statusOf(err);
  const name = (err as { name?: string }).name ?? 'Error';
  const code = (err as NodeJS.ErrnoException).code;
  let hint: string;
  if (status === 403 || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'AccessDenied') {
    hint = 'access denied: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the permissions of that key';
  } else if (name === 'BucketAlreadyExists') {
    hint = 'the bucket name is taken by another account: choose another MLFLOW_S3_BUCKET';
  } else if (status === undefined) {
    hint = `cannot reach ${endpoint} (${code ?? name}): check MLFLOW_S3_ENDPOINT_URL / AWS_ENDPOINT_OVERRIDE and the network`;
  } else {
    hint = `${name} (HTTP ${status})`;
  }
  return new S3InitError(`Cannot ${action}: ${hint}.`, { cause: err });
}
