/**
 * Profiling aid for SQLite: preloaded into the server, it times every better-sqlite3 statement
 * call and, when the server exits, writes the statements that took the most time during its
 * last SQLTRACE_LAST seconds (default 5: the last scenario's measured phase) to
 * $TMPDIR/darwin-sqltrace-<pid>.txt. A CPU profile only shows time "in executeQuery"; this says
 * which SQL it was.
 *
 *   npm run bench -- --scenarios search_runs --server-node-args "--import ./packages/server/dist/bench/sqlTrace.js"
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';

type Call = [sql: string, startMs: number, durationMs: number];
type Method = (this: { source: string }, ...args: unknown[]) => unknown;

const calls: Call[] = [];

function timed(original: Method, sqlOf: (self: { source: string }, args: unknown[]) => string): Method {
  return function (this: { source: string }, ...args: unknown[]) {
    const start = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      calls.push([sqlOf(this, args), start, performance.now() - start]);
    }
  };
}

// Statement has no exported class: reach its prototype through a throwaway statement
const probe = new BetterSqlite3(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
probe.close();
for (const name of ['all', 'get', 'run', 'iterate']) {
  statementProto[name] = timed(statementProto[name] as Method, (self) => self.source);
}
const databaseProto = BetterSqlite3.prototype as unknown as Record<string, Method>;
databaseProto.exec = timed(databaseProto.exec as Method, (_self, args) => String(args[0]));

/** One line per statement shape: long lists of placeholders collapse to `?…`. */
function shape(sql: string): string {
  return sql
    .replace(/\?(\s*,\s*\?)+/g, '?…')
    .replace(/\(\?…\)(\s*,\s*\(\?…\))+/g, '(?…)…')
    .slice(0, 600);
}

process.on('exit', () => {
  const windowMs = Number(process.env.SQLTRACE_LAST ?? 5) * 1000;
  const end = performance.now();
  const totals = new Map<string, { count: number; ms: number }>();
  let sum = 0;
  for (const [sql, start, ms] of calls) {
    if (start < end - windowMs) continue;
    const key = shape(sql);
    const t = totals.get(key) ?? { count: 0, ms: 0 };
    t.count++;
    t.ms += ms;
    totals.set(key, t);
    sum += ms;
  }
  const lines = [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 20)
    .map(([sql, t]) => `${t.ms.toFixed(0).padStart(7)} ms ${String(t.count).padStart(7)} calls ${(t.ms / t.count).toFixed(3).padStart(8)} ms/call  ${sql}`);
  const file = path.join(os.tmpdir(), `darwin-sqltrace-${process.pid}.txt`);
  fs.writeFileSync(file, `SQL time in the last ${windowMs / 1000} s: ${sum.toFixed(0)} ms (wall, on the event loop)\n${lines.join('\n')}\n`);
});
