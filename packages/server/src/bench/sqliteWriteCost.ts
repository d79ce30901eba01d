/**
 * Profiling aid for `log_batch_500` on SQLite: what one 500-metric log-batch costs in SQLite
 * itself on MLflow's schema, apart from HTTP and JSON. It runs the statements the server runs
 * (one cached single-row INSERT per metric, then the conditional latest_metrics upsert) for 16
 * runs in turn, and prints per transaction the CPU time of the inserts and of COMMIT and the WAL
 * frames written, for variants of the connection settings (each on a fresh file, alternating).
 *
 *   node packages/server/dist/bench/sqliteWriteCost.js [--transactions 600] [--rounds 2]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteHeadDdl } from '../db/schema/head/sqlite.js';

interface Variant {
  readonly name: string;
  /** Pragmas set before the schema is created. */
  readonly pragmas: readonly string[];
  /** How the WAL is emptied between bursts: rewound in place, or truncated to zero. */
  readonly rewind: 'RESTART' | 'TRUNCATE';
}

const SERVER = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON'];
const VARIANTS: readonly Variant[] = [
  { name: 'server settings, WAL reused', pragmas: SERVER, rewind: 'RESTART' },
  { name: 'WAL truncated each time', pragmas: SERVER, rewind: 'TRUNCATE' },
  { name: 'cache_size 64 MB', pragmas: [...SERVER, 'cache_size = -65536'], rewind: 'RESTART' },
  { name: 'mmap_size 256 MB', pragmas: [...SERVER, 'mmap_size = 268435456'], rewind: 'RESTART' },
  { name: 'foreign_keys off', pragmas: [...SERVER.filter((p) => !p.startsWith('foreign')), 'foreign_keys = OFF'], rewind: 'RESTART' },
  { name: 'page_size 1024', pragmas: ['page_size = 1024', ...SERVER], rewind: 'RESTART' },
  { name: 'page_size 8192', pragmas: ['page_size = 8192', ...SERVER], rewind: 'RESTART' },
];

const KEYS = Array.from({ length: 500 }, (_, k) => `batch500_${k}`);
const RUNS = 16;
/** Transactions between two rewinds of the WAL (~34k frames, as the server's checkpointer). */
const BURST = 40;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measure(variant: Variant, transactions: number): { insertMs: number; commitMs: number; frames: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-writecost-'));
  const db = new BetterSqlite3(path.join(dir, 'mlflow.db'));
  try {
    for (const p of variant.pragmas) db.pragma(p);
    db.pragma('wal_autocheckpoint = 0');
    for (const ddl of sqliteHeadDdl) db.exec(ddl);
    db.exec("INSERT INTO experiments (experiment_id, name, lifecycle_stage) VALUES (1, 'e', 'active')");
    const runs = Array.from({ length: RUNS }, () => randomBytes(16).toString('hex'));
    const addRun = db.prepare("INSERT INTO runs (run_uuid, experiment_id, lifecycle_stage, status, source_type) VALUES (?, 1, 'active', 'RUNNING', 'UNKNOWN')");
    for (const r of runs) addRun.run(r);
    const cols = '("run_uuid", "key", "value", "timestamp", "step", "is_nan") VALUES (?, ?, ?, ?, ?, ?)';
    const insert = db.prepare(`INSERT INTO "metrics" ${cols} ON CONFLICT ("key", "timestamp", "step", "run_uuid", "value", "is_nan") DO NOTHING`);
    const latest = db.prepare(
      `INSERT INTO "latest_metrics" ${cols} ON CONFLICT ("key", "run_uuid") DO UPDATE SET "value" = excluded."value", "timestamp" = excluded."timestamp", ` +
        `"step" = excluded."step", "is_nan" = excluded."is_nan" WHERE (excluded."step", excluded."timestamp", excluded."value") > ` +
        `("latest_metrics"."step", COALESCE("latest_metrics"."timestamp", 0), "latest_metrics"."value")`,
    );
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    let insertMs = 0;
    let commitMs = 0;
    let frames = 0;
    // the first half fills the tables; the second half is measured
    const measuredFrom = Math.floor(transactions / 2);
    for (let seq = 0; seq < transactions; seq++) {
      const run = runs[seq % RUNS] as string;
      const timestamp = Date.now();
      const t0 = cpuMs();
      begin.run();
      for (let k = 0; k < KEYS.length; k++) insert.run(run, KEYS[k], (seq % 1000) / 7 + k, timestamp, seq, 0);
      for (let k = 0; k < KEYS.length; k++) latest.run(run, KEYS[k], (seq % 1000) / 7 + k, timestamp, seq, 0);
      const t1 = cpuMs();
      commit.run();
      const t2 = cpuMs();
      if (seq >= measuredFrom) {
        insertMs += t1 - t0;
        commitMs += t2 - t1;
      }
      if (seq % BURST === BURST - 1) {
        const [done] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
        if (seq >= measuredFrom) frames += done?.log ?? 0;
        db.pragma(`wal_checkpoint(${variant.rewind})`);
      }
    }
    const n = transactions - measuredFrom;
    return { insertMs: insertMs / n, commitMs: commitMs / n, frames: frames / n };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 2 * BURST) throw new Error(`--${name} must be an integer >= ${2 * BURST}`);
  return n;
}

const transactions = flag('transactions', 600);
const rounds = Math.max(1, Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 2);
console.log('| variant | inserts ms CPU/tx | COMMIT ms CPU/tx | WAL frames/tx |\n|:--|--:|--:|--:|');
for (let round = 0; round < rounds; round++) {
  for (const v of VARIANTS) {
    const r = measure(v, transactions);
    console.log(`| ${v.name} | ${r.insertMs.toFixed(2)} | ${r.commitMs.toFixed(2)} | ${r.frames.toFixed(0)} |`);
  }
}
