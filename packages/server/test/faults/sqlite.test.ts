/**
 * A SQLite file that another process keeps locked, or that cannot be written any more, is a
 * 503 TEMPORARILY_UNAVAILABLE with Retry-After (after busy_timeout, here the query timeout),
 * never a 500; reads go on meanwhile, and writes succeed again once the lock is gone.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isUnavailable, listenOn, send } from './support.js';
import type { ListeningServer } from './support.js';

const API = '/api/2.0/mlflow';

describe('SQLite faults', () => {
  let server: ListeningServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    server = undefined;
    dir = undefined;
  });

  it('answers 503 while another process holds the write lock, serves reads, then writes again', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-locked-'));
    const file = path.join(dir, 'db.sqlite');
    server = await listenOn(`sqlite:///${file}`, [], { DARWIN_DB_QUERY_TIMEOUT_MS: '300' });
    const exp = await send(server.url, 'POST', `${API}/experiments/create`, { name: 'locked' });
    expect(exp.status).toBe(200);

    const other = new BetterSqlite3(file);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const write = await send(server.url, 'POST', `${API}/experiments/create`, { name: 'while-locked' });
      expect(isUnavailable(write)).toBe(true);
      const read = await send(server.url, 'GET', `${API}/experiments/get?experiment_id=${exp.body.experiment_id}`);
      expect(read.status).toBe(200);
      expect((await send(server.url, 'GET', '/health')).status).toBe(200);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect((await send(server.url, 'POST', `${API}/experiments/create`, { name: 'while-locked' })).status).toBe(200);
  });

  // root ignores file modes: an immutable file (chattr +i, ext4 and others) is what stays read-only for root
  it.skipIf(!canMakeImmutable())('answers 503 to writes on a read-only database file and keeps serving reads', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-readonly-'));
    const file = path.join(dir, 'db.sqlite');
    const first = await listenOn(`sqlite:///${file}`);
    const exp = await send(first.url, 'POST', `${API}/experiments/create`, { name: 'before' });
    await first.close();
    execFileSync('chattr', ['+i', file]);
    try {
      server = await listenOn(`sqlite:///${file}`);
      const write = await send(server.url, 'POST', `${API}/experiments/create`, { name: 'after' });
      expect(isUnavailable(write)).toBe(true);
      expect((await send(server.url, 'GET', `${API}/experiments/get?experiment_id=${exp.body.experiment_id}`)).status).toBe(200);
      expect((await send(server.url, 'GET', '/health')).status).toBe(200);
    } finally {
      execFileSync('chattr', ['-i', file]);
    }
  });
});

function canMakeImmutable(): boolean {
  const probe = path.join(os.tmpdir(), `darwin-chattr-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}
