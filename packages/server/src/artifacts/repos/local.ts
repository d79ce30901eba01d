/**
 * Artifacts in a local directory. Every path is confined to the root with symlinks resolved
 * (`resolveInsideRoot`); uploads go to a hidden temporary file in the target directory, are
 * flushed to disk and then renamed over the target, so readers never see a partial file and an
 * interrupted upload leaves nothing visible behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError } from '@darwin-mlflow/contract';
import { RangeNotSatisfiable, resolveRange } from '../range.js';
import type { RangeSpec } from '../range.js';
import { invalidPath, isInside, joinRelative, realRootOf, resolveInsideRoot } from '../paths.js';
import { artifactIsDirectory, artifactNotFound } from './repository.js';
import type { ArtifactFileInfo, ArtifactReader, ArtifactRepository } from './repository.js';

const TEMP_NAME = /^\.darwin-upload-[0-9a-f]{16}\.tmp$/;
const READ_CHUNK = 1024 * 1024;

export class LocalArtifactRepository implements ArtifactRepository {
  /** `root` is an absolute directory path; it is created on the first write. */
  constructor(
    readonly uri: string,
    private readonly root: string,
  ) {}

  async probe(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    await fs.access(this.root, fs.constants.W_OK);
  }

  async list(dir: string): Promise<ArtifactFileInfo[]> {
    const realDir = await resolveInsideRoot(this.root, dir);
    let entries;
    try {
      entries = await fs.readdir(realDir, { withFileTypes: true });
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return [];
      throw err;
    }
    const realRoot = await realRootOf(this.root);
    const infos: ArtifactFileInfo[] = [];
    for (const entry of entries) {
      if (TEMP_NAME.test(entry.name)) continue;
      const info = await this.describe(realRoot, path.join(realDir, entry.name), joinRelative(dir, entry.name));
      if (info) infos.push(info);
    }
    return infos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** A listed entry; symlinks are followed but only when they stay inside the root. */
  private async describe(realRoot: string, full: string, rel: string): Promise<ArtifactFileInfo | undefined> {
    try {
      const real = await fs.realpath(full);
      if (!isInside(realRoot, real)) return undefined;
      const st = await fs.stat(real);
      if (st.isDirectory()) return { path: rel, isDir: true };
      return st.isFile() ? { path: rel, isDir: false, size: st.size } : undefined;
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ELOOP', 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  async open(file: string, range?: RangeSpec): Promise<ArtifactReader> {
    if (TEMP_NAME.test(path.posix.basename(file))) throw artifactNotFound(file);
    const real = await resolveInsideRoot(this.root, file);
    let handle: fs.FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO must not hang the request
      handle = await fs.open(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) throw artifactNotFound(file);
      if (isCode(err, 'EISDIR')) throw artifactIsDirectory(file);
      throw err;
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      throw st.isDirectory() ? artifactIsDirectory(file) : artifactNotFound(file);
    }
    const served = range ? resolveRange(range, st.size) : 'whole';
    if (served === undefined) {
      await handle.close();
      throw new RangeNotSatisfiable(st.size, range as RangeSpec);
    }
    if (served === 'whole') return { stream: handle.createReadStream({ highWaterMark: READ_CHUNK }), size: st.size };
    return { stream: handle.createReadStream({ highWaterMark: READ_CHUNK, start: served.start, end: served.end }), size: st.size, range: served };
  }

  async write(file: string, body: Readable): Promise<void> {
    const { realParent, name } = await this.parentOf(file);
    let created: string | undefined;
    let tmp: string | undefined;
    try {
      created = await fs.mkdir(realParent, { recursive: true });
      const dir = await this.confirmInside(realParent);
      tmp = path.join(dir, `.darwin-upload-${randomBytes(8).toString('hex')}.tmp`);
      // 'wx': O_CREAT|O_EXCL, never follows or reuses an existing entry
      await pipeline(body, createWriteStream(tmp, { flags: 'wx', mode: 0o644, highWaterMark: READ_CHUNK }));
      await syncFile(tmp);
      await fs.rename(tmp, path.join(dir, name));
    } catch (err) {
      if (tmp) await fs.rm(tmp, { force: true });
      if (created) await removeEmptyDirs(realParent, created);
      if (isCode(err, 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY')) {
        throw MlflowError.invalidParameter(`Cannot write '${file}': a directory or file is in the way.`);
      }
      throw err;
    }
  }

  async delete(target: string): Promise<void> {
    const { realParent, name } = await this.parentOf(target);
    const entry = path.join(realParent, name);
    try {
      await fs.lstat(entry);
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) throw artifactNotFound(target);
      throw err;
    }
    // a symlink is removed itself, never what it points to
    await fs.rm(entry, { recursive: true, force: true });
  }

  /** The real directory that holds `rel` (inside the root) and the entry's own name. */
  private async parentOf(rel: string): Promise<{ realParent: string; name: string }> {
    const name = path.posix.basename(rel);
    if (rel === '' || TEMP_NAME.test(name)) throw invalidPath();
    const realParent = await resolveInsideRoot(this.root, path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    return { realParent, name };
  }

  /** After mkdir: the directory really is inside the root (no symlink swapped in meanwhile). */
  private async confirmInside(dir: string): Promise<string> {
    const real = await fs.realpath(dir);
    if (!isInside(await realRootOf(this.root), real)) throw invalidPath();
    return real;
  }
}

/** Flushes a written file to disk before it is renamed into place (fsync applies to the file, any descriptor). */
async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes the directories an aborted upload created, deepest first, while they are empty. */
async function removeEmptyDirs(deepest: string, firstCreated: string): Promise<void> {
  let dir = deepest;
  while (isInside(firstCreated, dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      return;
    }
    if (dir === firstCreated) return;
    dir = path.dirname(dir);
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as NodeJS.ErrnoException).code ?? '');
}
