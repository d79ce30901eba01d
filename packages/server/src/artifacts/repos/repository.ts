/**
 * One interface for artifact stores (local directory, S3). Paths are relative to the
 * repository's root, `/`-separated, already checked by `validateArtifactPath`; `''` is the root.
 * Bodies stream both ways: nothing here holds a whole artifact in memory.
 */
import type { Readable } from 'node:stream';
import { MlflowError } from '@darwin-mlflow/contract';
import type { RangeSpec, ServedRange } from '../range.js';

export interface ArtifactFileInfo {
  /** Relative to the repository root, like MLflow's `FileInfo.path`. */
  path: string;
  isDir: boolean;
  /** Bytes, for files only. */
  size?: number;
}

export interface ArtifactReader {
  stream: Readable;
  /** The whole file's size. */
  size: number;
  /** Present when `stream` holds only these bytes of the file (a range was asked for). */
  range?: ServedRange;
}

export interface MultipartPart {
  partNumber: number;
  etag: string;
}

export interface MultipartCreated {
  uploadId: string;
  credentials: { url: string; partNumber: number; headers: Record<string, string> }[];
}

/** Multipart uploads the client sends directly to the store (pre-signed part URLs). */
export interface MultipartSupport {
  createMultipartUpload(key: string, numParts: number): Promise<MultipartCreated>;
  completeMultipartUpload(key: string, uploadId: string, parts: MultipartPart[]): Promise<void>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
}

export interface ArtifactRepository {
  /** The URI this repository was opened on, for messages. */
  readonly uri: string;
  /** One level below `dir`, sorted by path; `[]` when `dir` does not exist or is a file. */
  list(dir: string): Promise<ArtifactFileInfo[]>;
  /**
   * Opens a file for reading: 404 when missing, 400 when it is a directory. With `range`, only
   * those bytes are read (`RangeNotSatisfiable` when the file cannot satisfy it).
   */
  open(file: string, range?: RangeSpec): Promise<ArtifactReader>;
  /**
   * Stores `body` as `file`, atomically: readers see the old content or the complete new one,
   * never a part. If `body` fails (client gone), nothing is left behind and the error is rethrown.
   */
  write(file: string, body: Readable): Promise<void>;
  /** Deletes a file, or a directory with everything below it: 404 when nothing is there. */
  delete(target: string): Promise<void>;
  /** Readiness: resolves when the store can be reached and written to, else rejects. */
  probe(): Promise<void>;
  /** Present only when the store can take multipart uploads from clients. */
  readonly multipart?: MultipartSupport;
}

export function artifactNotFound(path: string): MlflowError {
  return MlflowError.notFound(`No artifact found at '${path}'.`);
}

export function artifactIsDirectory(path: string): MlflowError {
  return MlflowError.invalidParameter(`'${path}' is a directory: only files can be downloaded.`);
}

export function multipartUnsupported(): MlflowError {
  // MLflow's _UnsupportedMultipartUploadException: the Python client falls back to a plain PUT.
  return new MlflowError('Multipart upload is not supported for the current artifact repository', 'NOT_IMPLEMENTED');
}

/** A storage failure that is not the caller's fault: logged with its cause, reported generically. */
export function storageError(action: string, cause: unknown): MlflowError {
  return new MlflowError(`Failed to ${action} in the artifact store.`, 'INTERNAL_ERROR', { cause });
}
