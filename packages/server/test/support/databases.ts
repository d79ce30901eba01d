/**
 * The databases a test file runs against: SQLite always; MariaDB/MySQL and PostgreSQL when
 * DARWIN_TEST_MYSQL_URI / DARWIN_TEST_POSTGRES_URI are set (server-level URIs such as
 * `mysql://root@127.0.0.1:3306/` and `postgresql://postgres@127.0.0.1:5432/postgres`).
 * Each call creates a fresh, uniquely named database, so test files can run in parallel.
 * When a variable is set its suites must run (and fail if the server is unreachable); when
 * unset they are skipped with a visible notice.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DialectName } from '../../src/db/backendUri.js';

export interface TestDatabase {
  readonly dialect: DialectName;
  /** SQLAlchemy-style URI of the fresh database. */
  readonly uri: string;
  drop(): Promise<void>;
}

export interface TestDialect {
  readonly dialect: DialectName;
  /** Creates a new empty database (schema not applied). */
  create(label: string): Promise<TestDatabase>;
}

const notified = new Set<string>();

function notice(name: string): void {
  if (notified.has(name)) return;
  notified.add(name);
  console.warn(`[darwin-mlflow tests] ${name} is not set: skipping its ${name.includes('MYSQL') ? 'MariaDB/MySQL' : 'PostgreSQL'} suites.`);
}

function uniqueName(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  return `darwin_t_${clean}_${randomBytes(4).toString('hex')}`;
}

const sqlite: TestDialect = {
  dialect: 'sqlite',
  async create(label) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sqlite-'));
    return {
      dialect: 'sqlite',
      uri: `sqlite:///${path.join(dir, `${uniqueName(label)}.db`)}`,
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function withDatabase(serverUri: string, database: string): string {
  const u = new URL(serverUri);
  u.pathname = `/${database}`;
  return u.toString();
}

function mysqlDialect(serverUri: string): TestDialect {
  const adminUri = serverUri.replace(/^mysql\+[a-z0-9_]+:/, 'mysql:');
  return {
    dialect: 'mysql',
    async create(label) {
      const name = uniqueName(label);
      const conn = await mysql.createConnection(adminUri);
      try {
        await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
      } finally {
        await conn.end();
      }
      return {
        dialect: 'mysql',
        uri: withDatabase(adminUri, name),
        async drop() {
          const c = await mysql.createConnection(adminUri);
          try {
            await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
          } finally {
            await c.end();
          }
        },
      };
    },
  };
}

function postgresDialect(serverUri: string): TestDialect {
  const adminUri = serverUri.replace(/^postgres(ql)?\+[a-z0-9_]+:/, 'postgresql:');
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUri });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    async create(label) {
      const name = uniqueName(label);
      await run(`CREATE DATABASE "${name}"`);
      return {
        dialect: 'postgres',
        uri: withDatabase(adminUri, name),
        drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      };
    },
  };
}

/** SQLite plus whichever server databases the environment switches on. */
export function testDialects(env: NodeJS.ProcessEnv = process.env): TestDialect[] {
  const out: TestDialect[] = [sqlite];
  const mysqlUri = env.DARWIN_TEST_MYSQL_URI;
  if (mysqlUri) out.push(mysqlDialect(mysqlUri));
  else notice('DARWIN_TEST_MYSQL_URI');
  const pgUri = env.DARWIN_TEST_POSTGRES_URI;
  if (pgUri) out.push(postgresDialect(pgUri));
  else notice('DARWIN_TEST_POSTGRES_URI');
  return out;
}
