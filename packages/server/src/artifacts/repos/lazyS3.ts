/**
 * An S3 repository that loads the AWS SDK (about 13 MB per process) on first use, so servers
 * whose artifacts are on local disk never pay for it.
 */
import type { Readable } from 'node:stream';
import type { RangeSpec } from '../range.js';
import type { ArtifactFileInfo, ArtifactReader, ArtifactRepository, MultipartPart, MultipartSupport } from './repository.js';
import type { S3Location } from './s3uri.js';

type Env = Readonly<Record<string, string | undefined>>;

export class LazyS3Repository implements ArtifactRepository {
  private loaded: Promise<ArtifactRepository> | undefined;
  readonly multipart: MultipartSupport;

  constructor(
    readonly uri: string,
    private readonly env: Env,
    private readonly location: S3Location,
  ) {
    const repo = () => this.repo();
    this.multipart = {
      createMultipartUpload: async (key: string, numParts: number) => (await repo()).multipart!.createMultipartUpload(key, numParts),
      completeMultipartUpload: async (key: string, uploadId: string, parts: MultipartPart[]) =>
        (await repo()).multipart!.completeMultipartUpload(key, uploadId, parts),
      abortMultipartUpload: async (key: string, uploadId: string) => (await repo()).multipart!.abortMultipartUpload(key, uploadId),
    };
  }

  private repo(): Promise<ArtifactRepository> {
    this.loaded ??= Promise.all([import('./s3.js'), import('./s3client.js')]).then(
      ([{ S3ArtifactRepository }, { s3ClientFor }]) => new S3ArtifactRepository(this.uri, s3ClientFor(this.env), this.location),
    );
    return this.loaded;
  }

  async list(dir: string): Promise<ArtifactFileInfo[]> {
    return (await this.repo()).list(dir);
  }

  async open(file: string, range?: RangeSpec): Promise<ArtifactReader> {
    return (await this.repo()).open(file, range);
  }

  async write(file: string, body: Readable): Promise<void> {
    return (await this.repo()).write(file, body);
  }

  async delete(target: string): Promise<void> {
    return (await this.repo()).delete(target);
  }

  async probe(): Promise<void> {
    return (await this.repo()).probe();
  }
}
