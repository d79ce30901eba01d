/**
 * Artifacts in an S3 bucket (or any S3-compatible server) through the AWS SDK v3. Uploads
 * stream through a managed multipart upload (bounded memory: a few parts in flight) that is
 * aborted if the body fails, so an interrupted upload never becomes an object. Clients may also
 * upload big files directly with pre-signed part URLs (`multipart`).
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { joinRelative } from '../paths.js';
import { RangeNotSatisfiable, resolveRange } from '../range.js';
import type { RangeSpec } from '../range.js';
import { artifactIsDirectory, artifactNotFound } from './repository.js';
import type {
  ArtifactFileInfo,
  ArtifactReader,
  ArtifactRepository,
  MultipartCreated,
  MultipartPart,
  MultipartSupport,
} from './repository.js';
import type { S3Location } from './s3client.js';

const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
const PRESIGNED_URL_SECONDS = 3600;
const DELETE_BATCH = 1000;

export class S3ArtifactRepository implements ArtifactRepository, MultipartSupport {
  readonly multipart: MultipartSupport = this;

  constructor(
    readonly uri: string,
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {}

  private get bucket(): string {
    return this.location.bucket;
  }

  private key(rel: string): string {
    return joinRelative(this.location.prefix, rel);
  }

  /** The repository-relative path of a key below the prefix. */
  private relative(key: string): string {
    const p = this.location.prefix;
    return p === '' ? key : key.slice(p.length + 1);
  }

  async probe(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  async list(dir: string): Promise<ArtifactFileInfo[]> {
    const base = this.key(dir);
    const prefix = base === '' ? '' : `${base}/`;
    const infos: ArtifactFileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
      );
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix && p.Prefix.length > prefix.length) infos.push({ path: this.relative(p.Prefix.slice(0, -1)), isDir: true });
      }
      for (const o of page.Contents ?? []) {
        // a zero-byte "directory marker" (key ending in `/`) is not a file
        if (o.Key && o.Key !== prefix && !o.Key.endsWith('/')) infos.push({ path: this.relative(o.Key), isDir: false, size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async open(file: string, range?: RangeSpec): Promise<ArtifactReader> {
    try {
      // the range is resolved here against the object's size, and S3 is asked for exact bytes:
      // S3-compatible servers differ on suffix ranges, open ranges past the end and empty objects
      const served = range ? await this.resolve(file, range) : 'whole';
      const bytes = served === 'whole' ? undefined : `bytes=${served.start}-${served.end}`;
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(file), Range: bytes }));
      if (served === 'whole') return { stream: res.Body as Readable, size: res.ContentLength ?? 0 };
      return { stream: res.Body as Readable, size: served.size, range: { start: served.start, end: served.end } };
    } catch (err) {
      if (err instanceof RangeNotSatisfiable) throw err;
      // a "directory" is a prefix of other keys (some S3-compatible servers fail oddly on it)
      if (await this.hasChildren(file)) throw artifactIsDirectory(file);
      if (isMissing(err)) throw artifactNotFound(file);
      throw err;
    }
  }

  private async resolve(file: string, range: RangeSpec): Promise<'whole' | { start: number; end: number; size: number }> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(file) }));
    const size = head.ContentLength ?? 0;
    const served = resolveRange(range, size);
    if (served === undefined) throw new RangeNotSatisfiable(size, range);
    return served === 'whole' ? served : { ...served, size };
  }

  async write(file: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(file), Body: body },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    // if the body fails, done() rejects after the SDK aborted the multipart upload
    await upload.done();
  }

  async delete(target: string): Promise<void> {
    const key = this.key(target);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        // `key` itself and what lies below `key/`, not siblings such as `key.bak`
        if (o.Key && (o.Key === key || o.Key.startsWith(`${key}/`))) keys.push(o.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (keys.length === 0) throw artifactNotFound(target);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await this.deleteKeys(keys.slice(i, i + DELETE_BATCH));
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    if (keys.length === 1) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: keys[0] }));
      return;
    }
    const res = await this.client.send(
      new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = res.Errors ?? [];
    if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} object(s): ${failed[0]?.Code ?? ''} ${failed[0]?.Message ?? ''}`);
  }

  private async hasChildren(dir: string): Promise<boolean> {
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.key(dir)}/`, Delimiter: '/' }));
    // no MaxKeys: s3rver fails on it; with a delimiter one page is small anyway
    return (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0) > 0;
  }

  async createMultipartUpload(file: string, numParts: number): Promise<MultipartCreated> {
    const Key = this.key(file);
    const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key }));
    const uploadId = created.UploadId ?? '';
    const credentials = [];
    for (let partNumber = 1; partNumber <= numParts; partNumber++) {
      const url = await getSignedUrl(
        this.client,
        new UploadPartCommand({ Bucket: this.bucket, Key, UploadId: uploadId, PartNumber: partNumber }),
        { expiresIn: PRESIGNED_URL_SECONDS },
      );
      credentials.push({ url, partNumber, headers: {} });
    }
    return { uploadId, credentials };
  }

  async completeMultipartUpload(file: string, uploadId: string, parts: MultipartPart[]): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: this.key(file),
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipartUpload(file: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key(file), UploadId: uploadId }));
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
