/**
 * Artifact use cases: the proxy API over the destination (paths relative to it) and the run
 * helpers that MLflow's tracking routes offer (paths relative to a run's artifact root).
 * Every user path goes through `validateArtifactPath` here, before any store is touched.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MlflowError } from '@darwin-mlflow/contract';
import type { RunService } from '../../tracking/service/runs.js';
import type { ArtifactLocations } from '../locations.js';
import { joinRelative, validateArtifactPath, validateOptionalPath } from '../paths.js';
import type { RangeSpec } from '../range.js';
import { multipartUnsupported } from '../repos/repository.js';
import type { ArtifactFileInfo, ArtifactReader, MultipartCreated, MultipartPart } from '../repos/repository.js';
import { toStorageError } from './storageErrors.js';

export interface Download extends ArtifactReader {
  /** File name for Content-Disposition and the content type. */
  name: string;
}

export interface RunArtifactListing {
  rootUri: string;
  files: ArtifactFileInfo[];
}

export class ArtifactService {
  constructor(
    private readonly locations: ArtifactLocations,
    private readonly runs: RunService,
  ) {}

  private get destination() {
    return this.locations.destination;
  }

  /** Readiness of the store behind the proxy (`--artifacts-destination`). */
  async probeStore(): Promise<void> {
    await storage('reach the artifact store', () => this.destination.probe());
  }

  // ---- proxy API (relative to --artifacts-destination) ----

  /** One level below `dir`; paths are basenames, as MLflow's proxy list returns them. */
  async listProxied(dir: string | undefined): Promise<ArtifactFileInfo[]> {
    const rel = validateOptionalPath(dir);
    const files = await storage('list artifacts', () => this.destination.list(rel));
    return files.map((f) => ({ ...f, path: path.posix.basename(f.path) }));
  }

  async openProxied(rawPath: string, range?: RangeSpec): Promise<Download> {
    const rel = validateArtifactPath(rawPath, 'entry');
    return { ...(await storage('read an artifact', () => this.destination.open(rel, range))), name: path.posix.basename(rel) };
  }

  async writeProxied(rawPath: string, body: Readable): Promise<void> {
    const rel = validateArtifactPath(rawPath, 'entry');
    await storage('store an artifact', () => this.destination.write(rel, body));
  }

  async deleteProxied(rawPath: string): Promise<void> {
    const rel = validateArtifactPath(rawPath, 'entry');
    await storage('delete artifacts', () => this.destination.delete(rel));
  }

  /** MLflow's object key: `<artifact_path>/<basename of the client's file path>`. */
  private multipartKey(rawArtifactPath: string, clientPath: string): string {
    const dir = validateArtifactPath(rawArtifactPath, 'entry');
    const name = path.posix.basename(clientPath.replace(/\\/g, '/'));
    return validateArtifactPath(joinRelative(dir, name), 'entry');
  }

  private get multipart() {
    const support = this.destination.multipart;
    if (!support) throw multipartUnsupported();
    return support;
  }

  async createMultipartUpload(rawArtifactPath: string, clientPath: string, numParts: number): Promise<MultipartCreated> {
    const key = this.multipartKey(rawArtifactPath, clientPath);
    const support = this.multipart;
    if (!Number.isSafeInteger(numParts) || numParts < 1 || numParts > 10_000) {
      throw MlflowError.invalidParameter(`num_parts must be between 1 and 10000, got ${numParts}.`);
    }
    return storage('start a multipart upload', () => support.createMultipartUpload(key, numParts));
  }

  async completeMultipartUpload(rawArtifactPath: string, clientPath: string, uploadId: string, parts: MultipartPart[]): Promise<void> {
    const key = this.multipartKey(rawArtifactPath, clientPath);
    const support = this.multipart;
    await storage('complete a multipart upload', () => support.completeMultipartUpload(key, uploadId, parts));
  }

  async abortMultipartUpload(rawArtifactPath: string, clientPath: string, uploadId: string): Promise<void> {
    const key = this.multipartKey(rawArtifactPath, clientPath);
    const support = this.multipart;
    await storage('abort a multipart upload', () => support.abortMultipartUpload(key, uploadId));
  }

  // ---- run artifacts (relative to the run's artifact root) ----

  /** `files[].path` are run-relative (`dir/a.txt`), as MLflow's tracking list returns them. */
  async listRunArtifacts(runId: string, dir: string | undefined): Promise<RunArtifactListing> {
    const sub = validateOptionalPath(dir);
    const rootUri = await this.runArtifactUri(runId);
    const { repo, path: at } = this.locations.resolve(rootUri, sub);
    const files = await storage('list artifacts', () => repo.list(at));
    return { rootUri, files: files.map((f) => ({ ...f, path: joinRelative(sub, path.posix.basename(f.path)) })) };
  }

  async openRunArtifact(runId: string, rawPath: string, range?: RangeSpec): Promise<Download> {
    const sub = validateArtifactPath(rawPath, 'entry');
    const { repo, path: at } = this.locations.resolve(await this.runArtifactUri(runId), sub);
    return { ...(await storage('read an artifact', () => repo.open(at, range))), name: path.posix.basename(sub) };
  }

  async writeRunArtifact(runId: string, rawPath: string, body: Readable): Promise<void> {
    const sub = validateArtifactPath(rawPath, 'entry');
    const { repo, path: at } = this.locations.resolve(await this.runArtifactUri(runId), sub);
    await storage('store an artifact', () => repo.write(at, body));
  }

  /** One level below `dir` of an artifact location (a logged model's), paths relative to it. */
  async listAtLocation(locationUri: string, dir: string | undefined): Promise<ArtifactFileInfo[]> {
    const sub = validateOptionalPath(dir);
    const { repo, path: at } = this.locations.resolve(locationUri, sub);
    const files = await storage('list artifacts', () => repo.list(at));
    return files.map((f) => ({ ...f, path: joinRelative(sub, path.posix.basename(f.path)) }));
  }

  /** A file below any artifact location (a model version's download URI). */
  async openAtLocation(locationUri: string, rawPath: string, range?: RangeSpec): Promise<Download> {
    const sub = validateArtifactPath(rawPath, 'entry');
    const { repo, path: at } = this.locations.resolve(locationUri, sub);
    return { ...(await storage('read an artifact', () => repo.open(at, range))), name: path.posix.basename(sub) };
  }

  private async runArtifactUri(runId: string): Promise<string> {
    const run = await this.runs.getRun(runId);
    const uri = run.info.artifact_uri;
    if (!uri) throw MlflowError.invalidParameter(`Run '${runId}' has no artifact location.`);
    return uri;
  }
}

async function storage<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(action, err);
  }
}
