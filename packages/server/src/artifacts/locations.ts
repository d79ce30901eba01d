/**
 * Where the bytes of an artifact location live (spec §8.4, §8.6).
 *
 * - Proxied locations (`mlflow-artifacts:`, or `http(s)://…/api/2.0/mlflow-artifacts/artifacts/…`)
 *   map to a path inside `--artifacts-destination` while serving is on. They are never fetched.
 * - Other locations are opened directly, as MLflow does, but only when they are local paths,
 *   `file:` URIs or `s3://` URIs lying inside a root this server was configured with (the default
 *   artifact root or the artifacts destination). MLflow opens whatever a run or model version
 *   names, which lets anyone who can create an experiment read the server's files or its other
 *   buckets; we refuse instead.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowError } from '@darwin-mlflow/contract';
import { isInside, validateArtifactPath } from './paths.js';
import { LocalArtifactRepository } from './repos/local.js';
import type { ArtifactRepository } from './repos/repository.js';
import { LazyS3Repository } from './repos/lazyS3.js';
import { parseS3Uri } from './repos/s3uri.js';
import type { S3Location } from './repos/s3uri.js';
import { urlparse } from './uri.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface LocationSettings {
  readonly artifactsDestination: string;
  readonly defaultArtifactRoot: string;
  readonly serveArtifacts: boolean;
  readonly cwd: string;
  readonly env: Env;
}

/** A repository and a path inside it. */
export interface ResolvedLocation {
  repo: ArtifactRepository;
  path: string;
}

type Root = { kind: 'local'; dir: string } | { kind: 's3'; location: S3Location };

const PROXY_ANCHOR = '/api/2.0/mlflow-artifacts/artifacts';

export class ArtifactLocations {
  /** The store behind the proxy (`--artifacts-destination`). */
  readonly destination: ArtifactRepository;
  private readonly roots: { root: Root; repo: ArtifactRepository }[] = [];

  constructor(private readonly settings: LocationSettings) {
    this.destination = this.open(settings.artifactsDestination, 'artifacts destination');
    const destinationRoot = rootOf(settings.artifactsDestination, settings.cwd);
    if (destinationRoot) this.roots.push({ root: destinationRoot, repo: this.destination });
    const defaultRoot = rootOf(settings.defaultArtifactRoot, settings.cwd);
    if (defaultRoot) this.roots.push({ root: defaultRoot, repo: this.open(settings.defaultArtifactRoot, 'default artifact root') });
  }

  /**
   * Where `sub` (a validated relative path) below a run's or model version's location lives.
   * A direct location is translated into a path inside the configured root that holds it, so
   * that root's confinement (real paths, S3 prefix) applies to everything read or written.
   */
  resolve(locationUri: string, sub: string): ResolvedLocation {
    const proxied = this.settings.serveArtifacts ? proxiedPath(locationUri) : undefined;
    if (proxied !== undefined) return { repo: this.destination, path: joinChecked(proxied, sub) };
    const root = rootOf(locationUri, this.settings.cwd);
    if (root) {
      for (const allowed of this.roots) {
        const inside = relativeInside(allowed.root, root);
        if (inside !== undefined) return { repo: allowed.repo, path: joinChecked(inside, sub) };
      }
    }
    throw unservable(locationUri);
  }

  private open(uri: string, what: string): ArtifactRepository {
    const root = rootOf(uri, this.settings.cwd);
    if (root?.kind === 'local') return new LocalArtifactRepository(uri, root.dir);
    if (root?.kind === 's3') return new LazyS3Repository(uri, this.settings.env, root.location);
    throw new MlflowError(
      `Unsupported ${what} '${uri}': this server stores artifacts in local directories and S3 only.`,
      'NOT_IMPLEMENTED',
    );
  }
}

/** A base taken from stored data (checked like any user path) joined with a checked sub-path. */
function joinChecked(base: string, sub: string): string {
  const checked = base === '' ? '' : validateArtifactPath(base, 'list');
  return [checked, sub].filter((p) => p !== '').join('/');
}

/**
 * The destination-relative path of a proxied location (MLflow's
 * `_get_proxied_run_artifact_destination_path`), or undefined when `uri` is not proxied.
 */
export function proxiedPath(uri: string): string | undefined {
  const parsed = urlparse(uri);
  if (parsed.scheme === 'mlflow-artifacts') return parsed.path.replace(/^\/+/, '');
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https') return undefined;
  const at = parsed.path.indexOf(`${PROXY_ANCHOR}/`);
  if (at >= 0) return parsed.path.slice(at + PROXY_ANCHOR.length + 1).replace(/^\/+/, '');
  if (parsed.path.endsWith(PROXY_ANCHOR)) return '';
  throw unservable(uri);
}

/** Local directory or S3 prefix named by a URI; undefined for any other scheme. */
function rootOf(uri: string, cwd: string): Root | undefined {
  const parsed = urlparse(uri);
  if (parsed.scheme === 's3') return { kind: 's3', location: parseS3Uri(uri) };
  if (parsed.scheme === 'file') {
    try {
      return { kind: 'local', dir: fileURLToPath(uri.startsWith('file://') ? uri : `file://${parsed.path}`) };
    } catch {
      return undefined;
    }
  }
  if (parsed.scheme === '' || /^[a-zA-Z]:[\\/]/.test(uri)) return { kind: 'local', dir: path.resolve(cwd, uri) };
  return undefined;
}

/** `inner` as a relative path inside `outer`, or undefined when it lies elsewhere. */
function relativeInside(outer: Root, inner: Root): string | undefined {
  if (outer.kind === 'local' && inner.kind === 'local') {
    const a = path.resolve(outer.dir);
    const b = path.resolve(inner.dir);
    return isInside(a, b) ? path.relative(a, b).split(path.sep).join('/') : undefined;
  }
  if (outer.kind === 's3' && inner.kind === 's3') {
    const a = outer.location;
    const b = inner.location;
    if (a.bucket !== b.bucket) return undefined;
    if (a.prefix === '') return b.prefix;
    if (b.prefix === a.prefix) return '';
    return b.prefix.startsWith(`${a.prefix}/`) ? b.prefix.slice(a.prefix.length + 1) : undefined;
  }
  return undefined;
}

function unservable(uri: string): MlflowError {
  return new MlflowError(
    `The artifacts at '${uri}' cannot be served by this server: it only reads its artifacts destination and locations under its configured artifact roots.`,
    'NOT_IMPLEMENTED',
  );
}
