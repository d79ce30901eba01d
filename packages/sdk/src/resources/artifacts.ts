/**
 * Artifacts through the server: the artifact proxy (`/api/2.0/mlflow-artifacts/…`, MLflow's
 * `MlflowArtifactsService`) for `mlflow-artifacts:` locations, and the run-scoped routes
 * (`artifacts/list`, `get-artifact`, `upload-artifact`) for runs whose artifacts the server keeps
 * elsewhere. Files stream both ways: memory stays flat whatever their size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { UPLOAD_ARTIFACT_MAX_BYTES, artifacts as contract } from '@darwin-mlflow/contract';
import type { CreateMultipartUploadResponse, FileInfo, ListArtifactsMlflowArtifactsResponse } from '@darwin-mlflow/contract';
import type { Api } from '../api.js';
import { MlflowError } from '../errors.js';
import { listRunArtifacts } from './tracking.js';

/** Where artifact bytes are reached: through the proxy, or through the run-scoped routes. */
export type ArtifactLocation =
  | { readonly kind: 'proxy'; readonly path: string }
  | { readonly kind: 'run'; readonly runId: string; readonly path: string };

export interface TransferProgress {
  /** Artifact path of the file being moved. */
  readonly path: string;
  /** Bytes of this file moved so far, and its size when known. */
  readonly bytes: number;
  readonly total: number | undefined;
  /** Files finished so far and the number of files in the transfer. */
  readonly filesDone: number;
  readonly filesTotal: number;
}

export interface TransferOptions {
  onProgress?: (progress: TransferProgress) => void;
  /** Files from this size up go by multipart upload where the server's store offers it. Default 500 MiB (MLflow's). */
  multipartThreshold?: number;
  /** Part size for multipart uploads. Default 10 MiB (MLflow's `MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE`). */
  multipartChunkSize?: number;
}

const PROXY = '/api/2.0/mlflow-artifacts';
const PROXY_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts';

/** A location from an artifact URI; `runId` enables the run-scoped fallback for non-proxied stores. */
export function locationFromArtifactUri(uri: string, runId?: string, subPath = ''): ArtifactLocation {
  const proxyPath = proxiedPath(uri);
  if (proxyPath !== undefined) return { kind: 'proxy', path: joinPath(proxyPath, subPath) };
  if (runId !== undefined) return { kind: 'run', runId, path: subPath };
  throw new MlflowError(
    `The artifact location '${uri}' is not served by the tracking server: this client moves artifacts through the server's artifact proxy (mlflow-artifacts:/ locations; run the server with --serve-artifacts).`,
    'INVALID_PARAMETER_VALUE',
    0,
  );
}

function proxiedPath(uri: string): string | undefined {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
  if (m !== null) return (m[1] ?? '').replace(/\/+$/, '');
  if (/^https?:\/\//.test(uri)) {
    const at = new URL(uri).pathname.indexOf(PROXY_ANCHOR);
    if (at >= 0) return decodeURIComponent(new URL(uri).pathname.slice(at + PROXY_ANCHOR.length)).replace(/^\/+|\/+$/g, '');
  }
  return undefined;
}

export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/').replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export class Artifacts {
  constructor(private readonly api: Api) {}

  /** One level below the location; `path` of each entry is relative to the location. */
  async list(location: ArtifactLocation): Promise<FileInfo[]> {
    if (location.kind === 'run') {
      const { files } = await listRunArtifacts(this.api, location.runId, location.path || undefined);
      const prefix = location.path === '' ? '' : `${location.path}/`;
      return files.map((f) => ({ ...f, path: f.path.startsWith(prefix) ? f.path.slice(prefix.length) : f.path }));
    }
    const res = await this.api.raw<ListArtifactsMlflowArtifactsResponse>('GET', `${PROXY}/artifacts`, { query: { path: location.path } });
    return (res.files ?? []).map((f) => ({ ...f, path: path.posix.basename(f.path) }));
  }

  /** Every file below the location, recursively, with paths relative to it. */
  async walk(location: ArtifactLocation): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    const visit = async (rel: string): Promise<void> => {
      for (const entry of await this.list(child(location, rel))) {
        const entryPath = joinPath(rel, entry.path);
        if (entry.is_dir) await visit(entryPath);
        else out.push({ ...entry, path: entryPath });
      }
    };
    await visit('');
    return out;
  }

  /** Deletes a file or a directory (proxy only, as in MLflow). */
  async delete(location: ArtifactLocation): Promise<void> {
    if (location.kind !== 'proxy') throw new MlflowError('Deleting artifacts needs the artifact proxy (mlflow-artifacts:/ locations).', 'INVALID_PARAMETER_VALUE', 0);
    await this.api.raw('DELETE', `${PROXY}/artifacts/${encodePath(location.path)}`);
  }

  /** Uploads one local file to the location (the location is the file's artifact path). */
  async uploadFile(localFile: string, location: ArtifactLocation, options: TransferOptions = {}, counts = { done: 0, total: 1 }): Promise<void> {
    const size = (await fs.promises.stat(localFile)).size;
    const report = (bytes: number) => options.onProgress?.({ path: location.path, bytes, total: size, filesDone: counts.done, filesTotal: counts.total });
    report(0);
    if (location.kind === 'run') await this.uploadToRun(localFile, size, location, report);
    else if (size >= (options.multipartThreshold ?? 500 * 1024 ** 2) && (await this.multipart(localFile, size, location, options, report))) {
      // done by parts
    } else {
      await this.api.transport.send({
        method: 'PUT',
        path: `${PROXY}/artifacts/${encodePath(location.path)}`,
        body: () => fs.createReadStream(localFile),
        headers: { 'content-length': String(size), 'content-type': 'application/octet-stream' },
        idempotent: true,
        onUploadProgress: report,
      }).then((res) => res.body.resume());
    }
    counts.done++;
    report(size);
  }

  /** Uploads every file below `localDir` to the location, keeping the relative layout. */
  async uploadDir(localDir: string, location: ArtifactLocation, options: TransferOptions = {}): Promise<number> {
    const files = await listLocalFiles(localDir);
    const counts = { done: 0, total: files.length };
    for (const rel of files) await this.uploadFile(path.join(localDir, rel), child(location, rel), options, counts);
    return files.length;
  }

  /**
   * Downloads the location into `destDir`: a file lands as `destDir/<basename>`, a directory's
   * content below `destDir/<basename>/`. Returns the local path written.
   */
  async download(location: ArtifactLocation, destDir: string, options: TransferOptions = {}): Promise<string> {
    const entries = await this.walk(location);
    const base = path.posix.basename(location.path) || 'artifacts';
    if (entries.length === 0) {
      const target = path.join(destDir, base);
      await this.downloadFile(location, target, options, { done: 0, total: 1 });
      return target;
    }
    const root = path.join(destDir, base);
    const counts = { done: 0, total: entries.length };
    for (const entry of entries) {
      await this.downloadFile(child(location, entry.path), path.join(root, ...entry.path.split('/')), options, counts, Number(entry.file_size ?? NaN));
    }
    return root;
  }

  /** Streams one file to `target` (written to a temporary name, then renamed). */
  async downloadFile(location: ArtifactLocation, target: string, options: TransferOptions = {}, counts = { done: 0, total: 1 }, knownSize?: number): Promise<void> {
    const res = await this.api.transport.send(
      location.kind === 'proxy'
        ? { method: 'GET', path: `${PROXY}/artifacts/${encodePath(location.path)}`, idempotent: true }
        : { method: 'GET', path: '/get-artifact', query: { run_id: location.runId, path: location.path }, idempotent: true },
    );
    const length = Number(res.headers['content-length'] ?? knownSize ?? NaN);
    const total = Number.isFinite(length) ? length : undefined;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        options.onProgress?.({ path: location.path, bytes, total, filesDone: counts.done, filesTotal: counts.total });
        done(null, chunk);
      },
    });
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.part-${process.pid}`;
    try {
      await pipeline(res.body, counter, fs.createWriteStream(partial));
      await fs.promises.rename(partial, target);
    } catch (err) {
      await fs.promises.rm(partial, { force: true });
      throw err;
    }
    counts.done++;
    options.onProgress?.({ path: location.path, bytes, total: total ?? bytes, filesDone: counts.done, filesTotal: counts.total });
  }

  /** The whole file as text (small files; use `downloadFile` for large ones). */
  async readText(location: ArtifactLocation): Promise<string> {
    const res = await this.api.transport.send(
      location.kind === 'proxy'
        ? { method: 'GET', path: `${PROXY}/artifacts/${encodePath(location.path)}`, idempotent: true }
        : { method: 'GET', path: '/get-artifact', query: { run_id: location.runId, path: location.path }, idempotent: true },
    );
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Bytes from memory (logText, logDict). */
  async uploadBytes(data: Buffer, location: ArtifactLocation): Promise<void> {
    if (location.kind === 'run') return this.uploadRunBytes(data, location);
    const res = await this.api.transport.send({
      method: 'PUT',
      path: `${PROXY}/artifacts/${encodePath(location.path)}`,
      body: () => data,
      headers: { 'content-type': 'application/octet-stream' },
      idempotent: true,
    });
    res.body.resume();
  }

  private async uploadToRun(localFile: string, size: number, location: Extract<ArtifactLocation, { kind: 'run' }>, report: (n: number) => void): Promise<void> {
    if (size > UPLOAD_ARTIFACT_MAX_BYTES) {
      throw new MlflowError(
        `${localFile} is ${size} bytes; without the artifact proxy the server takes uploads of at most ${UPLOAD_ARTIFACT_MAX_BYTES} bytes. Run the server with --serve-artifacts and a mlflow-artifacts:/ artifact root.`,
        'INVALID_PARAMETER_VALUE',
        0,
      );
    }
    await this.uploadRunBytes(await fs.promises.readFile(localFile), location);
    report(size);
  }

  private async uploadRunBytes(data: Buffer, location: Extract<ArtifactLocation, { kind: 'run' }>): Promise<void> {
    const res = await this.api.transport.send({
      method: 'POST',
      path: `/ajax-api/2.0${contract.uploadRunArtifact.path}`,
      query: { run_uuid: location.runId, path: location.path },
      body: () => data,
      headers: { 'content-type': 'application/octet-stream' },
      idempotent: true,
    });
    res.body.resume();
  }

  /** Multipart upload through presigned part URLs; false when the store has none (HTTP 501). */
  private async multipart(localFile: string, size: number, location: ArtifactLocation, options: TransferOptions, report: (n: number) => void): Promise<boolean> {
    const chunk = options.multipartChunkSize ?? 10 * 1024 ** 2;
    const numParts = Math.max(1, Math.ceil(size / chunk));
    const dir = path.posix.dirname(location.path);
    const body = { path: path.posix.basename(location.path) };
    let created: CreateMultipartUploadResponse;
    try {
      created = await this.api.raw('POST', `${PROXY}/mpu/create/${encodePath(dir)}`, { json: { ...body, num_parts: numParts } });
    } catch (err) {
      if (err instanceof MlflowError && (err.status === 501 || err.code === 'NOT_IMPLEMENTED')) return false;
      throw err;
    }
    const uploadId = created.upload_id ?? '';
    try {
      const parts: { part_number: number; etag: string; url: string }[] = [];
      let sent = 0;
      for (const cred of created.credentials ?? []) {
        const n = Number(cred.part_number);
        const start = (n - 1) * chunk;
        const end = Math.min(size, start + chunk) - 1;
        const res = await this.api.transport.sendAbsolute({
          method: 'PUT',
          url: new URL(cred.url),
          headers: { ...cred.headers, 'content-length': String(end - start + 1) },
          body: () => fs.createReadStream(localFile, { start, end }),
          idempotent: true,
          onUploadProgress: (b) => report(sent + b),
        });
        res.body.resume();
        sent += end - start + 1;
        parts.push({ part_number: n, etag: String(res.headers.etag ?? ''), url: cred.url });
      }
      await this.api.raw('POST', `${PROXY}/mpu/complete/${encodePath(dir)}`, { json: { ...body, upload_id: uploadId, parts }, idempotent: true });
      return true;
    } catch (err) {
      await this.api.raw('POST', `${PROXY}/mpu/abort/${encodePath(dir)}`, { json: { ...body, upload_id: uploadId } }).catch(() => undefined);
      throw err;
    }
  }
}

function child(location: ArtifactLocation, rel: string): ArtifactLocation {
  return { ...location, path: joinPath(location.path, rel) };
}

/** Files below `dir`, as POSIX paths relative to it, sorted. */
export async function listLocalFiles(dir: string): Promise<string[]> {
  const entries = await fs.promises.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
