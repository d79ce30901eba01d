/**
 * Checks of a model version's `source` (MLflow `_validate_source`, spec §4.5) hardened per the
 * security checklist (item 3). Nothing here fetches a URI: a source is only parsed, and a local
 * one is resolved against the server's file system to compare it with the run's directory.
 *
 * - Local sources (no scheme, or `file:`) must lie inside the artifact directory of the run given
 *   by `run_id`, symlinks resolved, and that directory must itself be local.
 * - Other sources are percent-decoded (`+` included) until stable; the result must not contain
 *   NUL, a fragment or URL params, a `..` in the host or query, or a `.`/`..` path segment, and
 *   its path must be absolute (MLflow's "resolved path equals path" rule, minus the file system).
 * - A local source must stay inside that directory also once fully decoded, so no later
 *   decoding can turn a stored source into a traversal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError } from '@darwin-mlflow/contract';
import { decodeToFixedPoint, pyUnquote, urlparse } from '../../artifacts/uri.js';
import type { ParsedUri } from '../../artifacts/uri.js';
import { posixNormpath } from '../../util/posixPath.js';

/** Looks up a run's artifact URI (throws RESOURCE_DOES_NOT_EXIST for an unknown run). */
export type RunArtifactUriLookup = (runId: string) => Promise<string | null>;

const LOCAL_HOSTS = ['.', 'localhost', '127.0.0.1'];

function relativePathError(source: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
  );
}

function localSourceError(shown: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${shown}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
  );
}

/** `unquote_plus` until the value stops changing; a value that never settles is not a source. */
function decodeSource(s: string, shown: string, error: (shown: string) => MlflowError): string {
  const decoded = decodeToFixedPoint(s, true);
  if (decoded === undefined) throw error(shown);
  return decoded;
}

/** `urlparse(...).hostname`: the host without user info or port, lower-cased. */
function hostname(netloc: string): string {
  const host = netloc.slice(netloc.lastIndexOf('@') + 1);
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const bare = bracket >= 0 ? host.slice(1, bracket) : host.split(':')[0] ?? '';
  return bare.toLowerCase();
}

/** MLflow `is_local_uri` on a POSIX server; a `file:` URI naming another host is rejected. */
export function isLocalUri(uri: string): boolean {
  const parsed = urlparse(uri);
  if (parsed.scheme === '') return true;
  if (parsed.scheme !== 'file') return false;
  const host = hostname(parsed.netloc);
  if (host !== '' && !LOCAL_HOSTS.some((h) => (h === '.' ? host === '.' : host.startsWith(h)))) {
    throw MlflowError.invalidParameter(
      `${uri} is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).`,
    );
  }
  return true;
}

function hasDotSegment(p: string): boolean {
  return p.split(/[/\\]/).some((segment) => segment === '.' || segment === '..');
}

/** Sources other than local paths (s3://, mlflow-artifacts:/, runs:/, models:/, http(s)://, ...). */
export function validateNonLocalSource(source: string): void {
  const decoded = decodeSource(source, source, relativePathError);
  if (decoded.includes('\u0000')) throw relativePathError(source);
  const parsed: ParsedUri = urlparse(decoded);
  if (parsed.fragment !== '' || parsed.params !== '') {
    throw MlflowError.invalidParameter(`Invalid model version source: '${source}'. URL fragments and params are not allowed.`);
  }
  if (parsed.netloc.includes('..') || parsed.query.includes('..')) throw relativePathError(source);
  const sourcePath = parsed.path.replace(/\/+$/, '').replace(/\/+/g, '/');
  if (!sourcePath.startsWith('/') || hasDotSegment(sourcePath) || posixNormpath(sourcePath) !== sourcePath) {
    throw relativePathError(source);
  }
}

/** MLflow `local_file_uri_to_path`: the path of a `file:` URI, unquoted once. */
function localFileUriToPath(uri: string): string {
  return pyUnquote(uri.startsWith('file:') ? urlparse(uri).path : uri);
}

/**
 * Python's `Path.resolve()` (non-strict): absolute against `cwd`, symlinks of the existing
 * prefix resolved, the rest appended.
 */
export function resolveLocalPath(p: string, cwd: string): string {
  let existing = path.resolve(cwd, p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.join(existing, ...rest);
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * A local source must be inside the run's local artifact directory. It is resolved as MLflow
 * reads it (unquoted once, so `model/..` is fine) and also fully decoded, so that no later
 * decoding of the stored source (`%252e%252e`) can lead out of the directory either.
 */
export async function validateLocalSource(source: string, runId: string, runArtifactUri: RunArtifactUriLookup, cwd: string): Promise<void> {
  const localPath = localFileUriToPath(source);
  const fullyDecoded = decodeSource(localPath, source, localSourceError);
  if (fullyDecoded.includes('\u0000')) throw localSourceError(source);
  if (!runId) throw localSourceError(source);
  const artifactUri = await runArtifactUri(runId);
  const resolved = resolveLocalPath(localPath, cwd);
  if (artifactUri && isLocalUri(artifactUri)) {
    const runDir = resolveLocalPath(localFileUriToPath(artifactUri), cwd);
    if (isInside(resolved, runDir) && isInside(resolveLocalPath(fullyDecoded, cwd), runDir)) return;
  }
  throw localSourceError(resolved);
}

/**
 * MLflow 3.x `_validate_source_model`: with a `model_id`, a local source must lie inside that
 * logged model's local artifact directory.
 */
export function validateLoggedModelSource(source: string, modelArtifactLocation: string, cwd: string): void {
  if (!isLocalUri(source)) {
    validateNonLocalSource(source);
    return;
  }
  const localPath = localFileUriToPath(source);
  const fullyDecoded = decodeSource(localPath, source, localSourceError);
  const resolved = resolveLocalPath(localPath, cwd);
  if (!fullyDecoded.includes('\u0000') && isLocalUri(modelArtifactLocation)) {
    const modelDir = resolveLocalPath(localFileUriToPath(modelArtifactLocation), cwd);
    if (isInside(resolved, modelDir) && isInside(resolveLocalPath(fullyDecoded, cwd), modelDir)) return;
  }
  throw MlflowError.invalidParameter(
    `Invalid model version source: '${resolved}'. To use a local path as a model version source, the model_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the model_id.`,
  );
}

export async function validateModelVersionSource(
  source: string,
  runId: string,
  runArtifactUri: RunArtifactUriLookup,
  cwd: string,
): Promise<void> {
  if (isLocalUri(source)) await validateLocalSource(source, runId, runArtifactUri, cwd);
  else validateNonLocalSource(source);
}
