/**
 * The storage a bench-started server uses, created fresh for the run and removed afterwards,
 * so every run starts from the same empty state and leaves nothing behind: a temp dir for
 * artifacts (and the default SQLite file), and for MySQL/PostgreSQL URIs a new database on
 * that server (the database named in the URI is only used to reach the server).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseBackendUri, redact } from '../db/backendUri.js';

export interface BenchBackend {
  /** Backend store URI to start the server with. */
  readonly uri: string;
  /** Human-readable description (password redacted) for the report. */
  readonly label: string;
  readonly artifactRoot: string;
  /** Removes everything created for the run; safe to call once the server has stopped. */
  cleanup(): Promise<void>;
}

export async function prepareBackend(uri: string | undefined): Promise<BenchBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-bench-'));
  const artifactRoot = path.join(dir, 'artifacts');
  const removeDir = async () => fs.rmSync(dir, { recursive: true, force: true });
  if (uri === undefined) {
    const file = path.join(dir, 'mlflow.db');
    return { uri: `sqlite:///${file}`, label: `SQLite ${file}`, artifactRoot, cleanup: removeDir };
  }
  const target = parseBackendUri(uri);
  // an explicit SQLite file is the user's: use it as given
  if (target.dialect === 'sqlite') return { uri, label: `SQLite ${target.file}`, artifactRoot, cleanup: removeDir };
  const name = `darwin_bench_${randomBytes(4).toString('hex')}`;
  const database = target.dialect === 'mysql' ? await createMysql(uri, name) : await createPostgres(uri, name);
  return {
    uri: database.uri,
    label: redact(database.uri),
    artifactRoot,
    async cleanup() {
      try {
        await database.drop();
      } finally {
        await removeDir();
      }
    },
  };
}

interface FreshDatabase {
  readonly uri: string;
  drop(): Promise<void>;
}

/** The same URI pointing at another database (scheme, credentials and query kept). */
function withDatabase(uri: string, database: string): string {
  const u = new URL(uri);
  u.pathname = `/${database}`;
  return u.toString();
}

async function createMysql(uri: string, name: string): Promise<FreshDatabase> {
  // mysql2 only understands plain mysql:// (no "+driver" suffix) and needs no database to connect
  const admin = withDatabase(uri.replace(/^(mysql|mariadb)(\+[a-z0-9_]+)?:/i, 'mysql:'), '');
  const run = async (sql: string) => {
    const conn = await mysql.createConnection(admin);
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  // utf8mb4 like MLflow's own MySQL setup guides; the server creates the schema itself
  await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  return { uri: withDatabase(uri, name), drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
}

async function createPostgres(uri: string, name: string): Promise<FreshDatabase> {
  // the maintenance database always exists, whatever database the URI names
  const admin = withDatabase(uri.replace(/^postgres(ql)?(\+[a-z0-9_]+)?:/i, 'postgresql:'), 'postgres');
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  // FORCE: a killed server may leave connections behind
  return { uri: withDatabase(uri, name), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
