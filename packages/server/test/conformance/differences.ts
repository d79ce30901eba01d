/**
 * The deliberate differences from MLflow 2.12.2 (docs/deliberate-differences.json). An exchange
 * whose answer differs from the recording is accepted only when one entry matches it: same
 * endpoint, the recorded status is (one of) `status_mlflow`, ours is (one of) `status_ours`, and
 * the optional substrings occur in the request, the recorded body and our body. The substrings
 * pin an entry to the decision it documents (our own error message), so that a missing endpoint
 * or a real bug answering with the same status is not waved through.
 *
 * `match: null` documents a difference no single exchange shows (it appears in later reads, e.g.
 * a log-batch that wrote nothing): it never accepts anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Exchange } from './corpus.js';
import { serialise } from './jsonText.js';

export interface DeliberateDifference {
  readonly id: string;
  /** `METHOD /path`: path relative to /api/2.0 and /ajax-api/2.0 (or absolute), `*` = anything. */
  readonly endpoint: string;
  readonly input: string;
  readonly mlflow: string;
  readonly ours: string;
  readonly why: string;
  readonly match: Match | null;
}

export interface Match {
  readonly status_mlflow: number | readonly number[];
  readonly status_ours: number | readonly number[];
  /** Substring of the recorded request: path with query, a newline, then the body. */
  readonly request_contains?: string;
  /** Substring of the recorded response body. */
  readonly mlflow_contains?: string;
  /** Substring of our response body: pins the entry to our own error message. */
  readonly ours_contains?: string;
}

export const DIFFERENCES_FILE = path.join('docs', 'deliberate-differences.json');

export function loadDifferences(repoRoot: string): DeliberateDifference[] {
  const file = path.join(repoRoot, DIFFERENCES_FILE);
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${file}: expected an array`);
  const problems = list.flatMap((d, i) => shapeProblems(d, i));
  const ids = list.map((d: DeliberateDifference) => d.id);
  for (const id of new Set(ids)) if (ids.filter((x) => x === id).length > 1) problems.push(`duplicate id '${id}'`);
  if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return list as DeliberateDifference[];
}

function shapeProblems(d: unknown, i: number): string[] {
  const where = `entry ${i}`;
  if (typeof d !== 'object' || d === null) return [`${where}: not an object`];
  const o = d as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['id', 'endpoint', 'input', 'mlflow', 'ours', 'why']) {
    if (typeof o[key] !== 'string' || o[key] === '') problems.push(`${where}: '${key}' must be a non-empty string`);
  }
  if (typeof o.endpoint === 'string' && !ENDPOINT_FORM.test(o.endpoint)) problems.push(`${where}: endpoint must look like 'POST /mlflow/runs/log-batch'`);
  if (o.match === null) return problems;
  const m = o.match as Record<string, unknown> | undefined;
  if (typeof m !== 'object') return [...problems, `${where}: 'match' must be an object or null`];
  for (const key of ['status_mlflow', 'status_ours']) {
    const v = m[key];
    if (typeof v !== 'number' && !(Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'number'))) {
      problems.push(`${where}: match.${key} must be a status or a list of statuses`);
    }
  }
  for (const key of ['request_contains', 'mlflow_contains', 'ours_contains']) {
    if (m[key] !== undefined && typeof m[key] !== 'string') problems.push(`${where}: match.${key} must be a string`);
  }
  return problems;
}

/** The recorded request as `request_contains` sees it. */
export function requestText(exchange: Exchange): string {
  const body = exchange.req.json !== undefined ? serialise(exchange.req.json) : (exchange.req.text ?? '');
  return `${exchange.path}\n${body}`;
}

export function findDifference(
  differences: readonly DeliberateDifference[],
  exchange: Exchange,
  ourStatus: number,
  ourBody: string,
): DeliberateDifference | undefined {
  const request = requestText(exchange);
  const recorded = exchange.res.json !== undefined ? JSON.stringify(exchange.res.json) : (exchange.res.text ?? '');
  const has = (text: string, part: string | undefined) => part === undefined || text.includes(part);
  return differences.find((d) => {
    const m = d.match;
    return (
      m !== null &&
      endpointMatches(d.endpoint, exchange.method, exchange.path) &&
      statusIn(m.status_mlflow, exchange.status) &&
      statusIn(m.status_ours, ourStatus) &&
      has(request, m.request_contains) &&
      has(recorded, m.mlflow_contains) &&
      has(ourBody, m.ours_contains)
    );
  });
}

function statusIn(expected: number | readonly number[], status: number): boolean {
  return typeof expected === 'number' ? expected === status : expected.includes(status);
}

/** One or more `METHOD /path` (METHOD may be `*` or `GET|POST`), comma-separated; or `CLI <command>`. */
const ENDPOINT_FORM = /^(?:(?:\*|[A-Z|]+) \S+(?:, (?:\*|[A-Z|]+) \S+)*|CLI .+)$/;

export function endpointMatches(endpoint: string, method: string, rawPath: string): boolean {
  return endpoint.split(', ').some((one) => oneEndpointMatches(one, method, rawPath));
}

function oneEndpointMatches(endpoint: string, method: string, rawPath: string): boolean {
  const [wantMethod = '', wantPath = ''] = endpoint.split(' ');
  if (wantMethod !== '*' && !wantMethod.split('|').includes(method)) return false;
  const pathOnly = rawPath.split('?')[0] as string;
  const relative = pathOnly.replace(/^(?:\/[^/]+)*?\/(?:api|ajax-api)\/2\.0(?=\/)/, '');
  const pattern = new RegExp(`^${wantPath.split('*').map(escape).join('.*')}$`);
  return pattern.test(relative) || pattern.test(pathOnly);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
