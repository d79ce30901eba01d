/**
 * Large replies stream from a database cursor (docs/streaming.md), on every database, through
 * the built server on a real socket:
 * - a get-history reply several times larger than the server's whole V8 heap completes, byte
 *   for byte the reply the buffered read gives for the same data;
 * - 100 downloads cut off after their first chunk leave the (two-connection) pool usable and
 *   no connection, statement or cursor behind on the database.
 * Speed is measured by `npm run bench:large`, never here.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { sql } from 'kysely';
import { Database } from '../../src/db/database.js';
import { encodeJson } from '../../src/http/json.js';
import { getMetricHistory } from '../../src/tracking/store/metrics.js';
import { presentMetricHistory } from '../../src/tracking/presenters.js';
import { parseBackendUri } from '../../src/db/backendUri.js';
import type { NetworkTarget } from '../../src/db/backendUri.js';
import { testDialects } from '../support/databases.js';
import type { TestDatabase } from '../support/databases.js';
import { serverBuilt, spawnServer, stopServer } from '../support/serverProcess.js';
import type { ServerProcess } from '../support/serverProcess.js';

const API = '/api/2.0/mlflow';
/** ~75 MB of reply: more than the whole heap the server is given below (its idle heap is ~40 MB). */
const POINTS = Number(process.env.STREAM_TEST_POINTS ?? 1_000_000);
const HEAP_MB = 64;
const POOL_SIZE = 2;
const ABORTS = 100;

interface Download {
  status: number;
  bytes: number;
  sha256: string;
  chunked: boolean;
}

function download(url: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          hash.update(d);
          bytes += d.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), chunked: res.headers['transfer-encoding'] === 'chunked' }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Starts a download and destroys the socket as soon as its first chunk has arrived. */
function abortAfterFirstChunk(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
  });
}

async function post(base: string, endpoint: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${API}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Inserts `n` points of metric `key` in one statement (digits cross-joined: portable SQL). */
async function seedPoints(database: Database, runId: string, key: string, n: number): Promise<void> {
  const digits = sql.raw('(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)');
  const isNan = database.dialect === 'postgres' ? sql.raw('false') : sql.raw('0');
  await database.write((tx) =>
    sql`INSERT INTO metrics (${sql.ref('key')}, value, ${sql.ref('timestamp')}, run_uuid, step, is_nan)
        SELECT ${key}, i * 0.25, 1700000000000 + i, ${runId}, i, ${isNan}
        FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS i
              FROM ${digits} a, ${digits} b, ${digits} c, ${digits} e, ${digits} f, ${digits} g) s
        WHERE i < ${n}`.execute(tx),
  );
}

/** What the buffered read of today's get-history writes for this metric, hashed. */
async function bufferedAnswer(database: Database, runId: string, key: string): Promise<{ bytes: number; sha256: string }> {
  const history = await database.read((db) => getMetricHistory(db, database.dialect, runId, key));
  const text = history.json !== undefined ? `{"metrics":${history.json}}` : encodeJson({ metrics: presentMetricHistory(key, history.points) });
  return { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

/** Connections to the test database other than the checker's own, and those running a statement. */
async function databaseSessions(uri: string, dialect: string): Promise<{ open: number; busy: number }> {
  const target = parseBackendUri(uri) as NetworkTarget;
  if (dialect === 'mysql') {
    const conn = await mysql.createConnection({ host: target.host, port: target.port ?? 3306, user: target.user });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT COUNT(*) AS open, COALESCE(SUM(COMMAND <> ?), 0) AS busy FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
        ['Sleep', target.database],
      );
      return { open: Number(rows[0]?.open), busy: Number(rows[0]?.busy) };
    } finally {
      await conn.end();
    }
  }
  const client = new pg.Client({ host: target.host, port: target.port ?? 5432, user: target.user, database: 'postgres' });
  await client.connect();
  try {
    const res = await client.query<{ open: string; busy: string }>(
      "SELECT count(*) AS open, count(*) FILTER (WHERE state <> 'idle') AS busy FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [target.database],
    );
    return { open: Number(res.rows[0]?.open), busy: Number(res.rows[0]?.busy) };
  } finally {
    await client.end();
  }
}

/** File descriptors of the server process open on the SQLite file. */
function sqliteHandles(pid: number, file: string): number {
  const fdDir = `/proc/${pid}/fd`;
  return fs.readdirSync(fdDir).filter((fd) => {
    try {
      return fs.readlinkSync(`${fdDir}/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

/** Polls until `ok` holds (the database ends a statement whose client left when it next writes). */
async function eventually<T>(read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe.skipIf(!serverBuilt).each(testDialects())('streamed replies through the built server on $dialect', (dialect) => {
  let testDb: TestDatabase;
  let database: Database | undefined;
  let server: ServerProcess | undefined;
  let base: string;
  let runId: string;
  let expected: { bytes: number; sha256: string };
  const historyUrl = () => `${base}${API}/metrics/get-history?run_id=${runId}&metric_key=big`;

  beforeAll(async () => {
    testDb = await dialect.create('streaming');
    server = spawnServer(['--backend-store-uri', testDb.uri, '--default-artifact-root', fs.mkdtempSync('/tmp/darwin-stream-art-')], {
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
      MLFLOW_SQLALCHEMYSTORE_POOL_SIZE: String(POOL_SIZE),
    });
    base = await server.listening;
    const experimentId = (await post(base, 'experiments/create', { name: 'streaming' })).experiment_id as string;
    runId = ((await post(base, 'runs/create', { experiment_id: experimentId, start_time: 1 })).run as { info: { run_id: string } }).info.run_id;
    await post(base, 'runs/log-metric', { run_id: runId, key: 'small', value: 1.5, timestamp: 2, step: 3 });
    database = Database.open(testDb.uri, { pool: { size: 2, queryTimeoutMs: 600_000 } });
    await seedPoints(database, runId, 'big', POINTS);
    expected = await bufferedAnswer(database, runId, 'big');
  }, 300_000);

  afterAll(async () => {
    if (server && (server.child.exitCode !== null || server.child.signalCode !== null)) console.error(server.output().slice(-4000));
    await stopServer(server);
    await database?.close();
    await testDb?.drop();
  });

  it(`a ${POINTS}-point history, far larger than the server's ${HEAP_MB} MB heap, arrives whole and byte-identical to the buffered reply`, async () => {
    expect(expected.bytes).toBeGreaterThan(HEAP_MB * 1024 * 1024);
    const got = await download(historyUrl());
    expect(got.status).toBe(200);
    expect(got.chunked).toBe(true);
    expect({ bytes: got.bytes, sha256: got.sha256 }).toEqual(expected);
  }, 300_000);

  it(`${ABORTS} downloads cut off after the first chunk leave the ${POOL_SIZE}-connection pool usable and nothing open on the database`, async () => {
    try {
      for (let i = 0; i < ABORTS; i++) await abortAfterFirstChunk(historyUrl());
    } catch (err) {
      throw new Error(`${String(err)}\n${server?.output().slice(-3000)}`);
    }
    // a leaked connection would leave these waiting for the pool, then a 503 after its timeout
    for (let i = 0; i < 2 * POOL_SIZE + 2; i++) {
      const small = await download(`${base}${API}/metrics/get-history?run_id=${runId}&metric_key=small`);
      expect(small.status).toBe(200);
      expect(small.chunked).toBe(false);
    }
    expect((await download(historyUrl())).bytes).toBe(expected.bytes);
    // the test's own connections must not count below
    await database?.close();
    database = undefined;
    if (dialect.dialect === 'sqlite') {
      const file = parseBackendUri(testDb.uri).dialect === 'sqlite' ? (parseBackendUri(testDb.uri) as { file: string }).file : '';
      // the server's own connection, the checkpointer's and at most two idle streaming connections
      expect(sqliteHandles(server?.child.pid as number, fs.realpathSync(file))).toBeLessThanOrEqual(4);
    } else {
      const sessions = await eventually(() => databaseSessions(testDb.uri, dialect.dialect), (s) => s.busy === 0);
      expect(sessions.busy).toBe(0);
      expect(sessions.open).toBeLessThanOrEqual(POOL_SIZE);
    }
  }, 300_000);
});
