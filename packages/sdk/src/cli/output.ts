/** How the CLI speaks: tables on a terminal, tab-separated lines in a pipe, JSON with --json, errors with the fix. */
import Table from 'cli-table3';
import { ConfigError } from '../config.js';
import {
  AuthenticationError,
  ConnectionError,
  MlflowError,
  NotFoundError,
  PermissionDeniedError,
  TimeoutError,
} from '../errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout / stderr are terminals (tables, progress bars). */
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

/** Exit codes: what a script can branch on. */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  UNREACHABLE: 5,
} as const;

export class UsageError extends Error {}

export type Column<T> = readonly [header: string, value: (row: T) => unknown];

export class Printer {
  constructor(readonly io: Io, readonly json: boolean) {}

  /** A list: JSON array, or a table with these columns. */
  table<T>(rows: readonly T[], columns: readonly Column<T>[], raw: (row: T) => unknown = (r) => r): void {
    if (this.json) return this.io.out(JSON.stringify(rows.map(raw), null, 2));
    if (rows.length === 0) return this.io.err('(none)');
    const cells = rows.map((r) => columns.map(([, f]) => cell(f(r))));
    if (!this.io.stdoutIsTTY) {
      this.io.out([columns.map(([h]) => h).join('\t'), ...cells.map((c) => c.join('\t'))].join('\n'));
      return;
    }
    const table = new Table({ head: columns.map(([h]) => h), style: { head: [], border: [] } });
    table.push(...cells);
    this.io.out(table.toString());
  }

  /** One object: JSON, or `key: value` lines. */
  record(value: unknown, fields: readonly Column<any>[] = []): void {
    if (this.json || fields.length === 0) return this.io.out(JSON.stringify(value, null, 2));
    const width = Math.max(...fields.map(([h]) => h.length));
    this.io.out(fields.map(([h, f]) => `${h.padEnd(width)}  ${cell(f(value))}`).join('\n'));
  }

  /** A confirmation: `{"ok":true,…}` with --json, a sentence otherwise. */
  done(message: string, data: Record<string, unknown> = {}): void {
    if (this.json) this.io.out(JSON.stringify({ ok: true, ...data }));
    else this.io.out(message);
  }
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Milliseconds since the epoch as an ISO time (MLflow's timestamps). */
export function time(ms: unknown): string {
  const n = Number(ms);
  return ms === undefined || ms === null || !Number.isFinite(n) || n === 0 ? '' : new Date(n).toISOString().replace('.000Z', 'Z');
}

/** The message and exit code for an error, with what to do about it. */
export function explain(err: unknown): { message: string; code: number } {
  if (err instanceof UsageError) return { message: `Error: ${err.message}`, code: EXIT.USAGE };
  if (err instanceof ConfigError) return { message: `Error: ${err.problems.join('\nError: ')}`, code: EXIT.USAGE };
  if (err instanceof AuthenticationError) {
    return { message: `Error: ${err.message}\nRun 'darwin-mlflow login', or set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN (create one with 'darwin-mlflow tokens create').`, code: EXIT.AUTH };
  }
  if (err instanceof PermissionDeniedError) return { message: `Error: ${err.message}\nAsk an admin or the resource's owner for a permission ('darwin-mlflow permissions grant').`, code: EXIT.AUTH };
  if (err instanceof NotFoundError && err.code === 'ENDPOINT_NOT_FOUND') {
    // The route itself is missing (Flask's HTML 404, or ours), not a resource: typically a Darwin
    // command (tokens, whoami, /v1) sent to a Python `mlflow server`, or a URI with a wrong path.
    const where = err.request ? ` (${err.request.method} ${err.request.url.split('?')[0]})` : '';
    return {
      message: `Error: the server has no such endpoint${where}. This command needs a Darwin MLflow server; Python 'mlflow server' offers only MLflow's REST API (and users and permissions with --app-name basic-auth). Check MLFLOW_TRACKING_URI.`,
      code: EXIT.ERROR,
    };
  }
  if (err instanceof NotFoundError) return { message: `Error: ${err.message}`, code: EXIT.NOT_FOUND };
  if (err instanceof ConnectionError || err instanceof TimeoutError) return { message: `Error: ${err.message}`, code: EXIT.UNREACHABLE };
  if (err instanceof MlflowError) return { message: `Error: ${err.message} (${err.code})`, code: EXIT.ERROR };
  return { message: `Error: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.ERROR };
}
