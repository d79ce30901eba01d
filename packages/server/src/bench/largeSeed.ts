/**
 * Seeding for the large-reply scenarios (largeReplies.ts): 50,000 runs and a 1,000,000-point
 * metric, written in a few INSERT … SELECT statements straight into the server's database (the
 * HTTP API would take minutes; what is measured is reading them back). The SQL is portable: the
 * rows are numbered by cross-joining a ten-row table of digits.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { Database } from '../db/database.js';
import type { Db } from '../db/database.js';

export const LARGE_RUNS = 50_000;
export const LARGE_HISTORY_POINTS = 1_000_000;

const DIGITS = sql.raw(
  '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)',
);

/** `SELECT i FROM … WHERE i < n`: the integers 0 … n-1 (n ≤ 1,000,000). */
function numbers(n: number): RawBuilder<unknown> {
  return sql`(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS i
    FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e, ${DIGITS} f, ${DIGITS} g) s WHERE i < ${n}`;
}

const runId = sql`CONCAT('large', CAST(i AS CHAR(8)))`;

export interface LargeFixture {
  experimentId: string;
  /** The run holding the 1,000,000-point metric `LARGE_KEY`. */
  historyRunId: string;
}

export const LARGE_KEY = 'large_history';

/**
 * `experimentId` and `historyRunId` exist already (made through the API); the 50,000 runs go
 * into that experiment, each with one param, one tag and one metric, like a small MLflow run.
 */
export async function seedLarge(uri: string, fixture: LargeFixture): Promise<void> {
  // a million-row INSERT … SELECT outlasts the default 30 s statement timeout on a busy machine
  const database = Database.open(uri, { pool: { size: 1, queryTimeoutMs: 600_000 } });
  const falsy = database.dialect === 'postgres' ? sql.raw('false') : sql.raw('0');
  const expId = sql.raw(String(Number(fixture.experimentId)));
  const charRunId = database.dialect === 'postgres' ? sql`CONCAT('large', CAST(i AS VARCHAR(8)))` : runId;
  try {
    await database.write(async (tx: Db) => {
      await sql`INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
        SELECT ${charRunId}, ${charRunId}, 'LOCAL', '', '', 'bench', 'FINISHED', 1700000000000 + i, 1700000001000 + i, '', 'active', CONCAT('/tmp/large/', ${charRunId}), ${expId}
        FROM ${numbers(LARGE_RUNS)}`.execute(tx);
      await sql`INSERT INTO params (${sql.ref('key')}, value, run_uuid) SELECT 'lr', '0.01', ${charRunId} FROM ${numbers(LARGE_RUNS)}`.execute(tx);
      await sql`INSERT INTO tags (${sql.ref('key')}, value, run_uuid) SELECT 'team', 'a', ${charRunId} FROM ${numbers(LARGE_RUNS)}`.execute(tx);
      await sql`INSERT INTO latest_metrics (${sql.ref('key')}, value, ${sql.ref('timestamp')}, step, is_nan, run_uuid)
        SELECT 'loss', i * 0.001, 1700000000000 + i, 0, ${falsy}, ${charRunId} FROM ${numbers(LARGE_RUNS)}`.execute(tx);
      await sql`INSERT INTO metrics (${sql.ref('key')}, value, ${sql.ref('timestamp')}, step, is_nan, run_uuid)
        SELECT ${LARGE_KEY}, i * 0.25, 1700000000000 + i, i, ${falsy}, ${fixture.historyRunId} FROM ${numbers(LARGE_HISTORY_POINTS)}`.execute(tx);
    });
  } finally {
    await database.close();
  }
}
