/**
 * THE artifact path validator. Every artifact route (proxy read/write/list/delete, multipart,
 * get-artifact, model-version artifacts, upload-artifact, tracking artifacts/list) passes its
 * user-supplied path through `validateArtifactPath` before touching a repository, and local
 * repositories then confine the result to their root with `resolveInsideRoot` (symlinks resolved).
 *
 * MLflow's `validate_path_is_safe` decodes repeatedly and rejects `#`, `..` segments and absolute
 * paths; we add what the security checklist asks: NUL and other control characters, backslashes
 * and Windows drive letters on every OS, paths that never reach a fixed point, and empty or
 * `.`-only paths where something would be written or deleted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { MlflowError } from '@darwin-mlflow/contract';
import { decodeToFixedPoint } from './uri.js';

/** `list`: the root itself (`''`) is allowed; `entry`: the path must name a file or directory. */
export type PathUse = 'list' | 'entry';

export function invalidPath(): MlflowError {
  return MlflowError.invalidParameter('Invalid path');
}

/**
 * Checks a relative artifact path and returns it normalised (no empty or `.` segments, `/`
 * separators). `''` stands for the root itself and is only allowed for reads (listing).
 */
export function validateArtifactPath(raw: string, use: PathUse): string {
  const decoded = decodeToFixedPoint(raw);
  if (decoded === undefined) throw invalidPath();
  if (/[#\\\u0000-\u001f\u007f]/.test(decoded)) throw invalidPath();
  if (decoded.startsWith('/') || /^[a-zA-Z]:/.test(decoded) || /^file:/i.test(decoded)) throw invalidPath();
  const segments = decoded.split('/');
  if (segments.includes('..')) throw invalidPath();
  const normalized = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (use === 'entry' && normalized === '') throw invalidPath();
  return normalized;
}

/** Like `validateArtifactPath(raw, 'list')`, but an absent parameter is the root. */
export function validateOptionalPath(raw: string | undefined): string {
  return raw === undefined ? '' : validateArtifactPath(raw, 'list');
}

/** `a/b` joined under a validated relative path with posix separators. */
export function joinRelative(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/**
 * The real location of `root/rel` with every symlink resolved (for a path that does not exist
 * yet: the real path of its deepest existing ancestor plus the remaining names), refused unless
 * it lies inside the real root. `rel` must come from `validateArtifactPath`.
 */
export async function resolveInsideRoot(root: string, rel: string): Promise<string> {
  const realRoot = await realpathDeepest(root);
  const real = await realpathDeepest(rel === '' ? root : path.join(root, ...rel.split('/')));
  if (!isInside(realRoot, real)) throw invalidPath();
  return real;
}

/** The real path of the root itself (which may not exist yet). */
export function realRootOf(root: string): Promise<string> {
  return realpathDeepest(root);
}

export function isInside(realRoot: string, candidate: string): boolean {
  return candidate === realRoot || candidate.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

async function realpathDeepest(p: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return missing.length === 0 ? real : path.join(real, ...missing.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(current);
      if (parent === current) throw err;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
