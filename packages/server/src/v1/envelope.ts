/**
 * The Darwin `/v1` envelopes: `{"status":"SUCCESS","data":...}` (or `"message"`), and errors as
 * MLflow's `{"error_code","message"}` plus `detail` (what the original FastAPI layer's clients read).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkJsonContentType, parseBody } from '../http/mount.js';
import { parseQueryString } from '../http/queryString.js';

export function success(reply: FastifyReply, data: unknown, extra: Record<string, unknown> = {}, status = 200): FastifyReply {
  return reply.status(status).type('application/json').send(JSON.stringify({ status: 'SUCCESS', data, ...extra }));
}

export function successMessage(reply: FastifyReply, message: string): FastifyReply {
  return reply.type('application/json').send(JSON.stringify({ status: 'SUCCESS', message }));
}

/** Adds `detail` to an MLflow error body (the onSend hook of the /v1 routes). */
export function withDetail(payload: unknown): unknown {
  if (typeof payload !== 'string' || !payload.startsWith('{"error_code"')) return payload;
  try {
    const body = JSON.parse(payload) as { error_code: string; message: string; detail?: string };
    return JSON.stringify({ ...body, detail: body.detail ?? body.message });
  } catch {
    return payload;
  }
}

export function body(request: FastifyRequest): Record<string, unknown> {
  checkJsonContentType(request);
  return parseBody(request.body).values;
}

export function query(request: FastifyRequest): Record<string, string | undefined> {
  const q = request.url.indexOf('?');
  const parsed = q >= 0 ? parseQueryString(request.url.slice(q + 1)) : {};
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = Array.isArray(v) ? String(v[v.length - 1]) : typeof v === 'string' ? v : undefined;
  return out;
}

export function param(request: FastifyRequest, name: string): string {
  const v = (request.params as Record<string, string | undefined>)[name];
  if (v === undefined || v === '') throw MlflowError.invalidParameter(`Missing path parameter '${name}'.`);
  return v;
}

export function requiredString(values: Record<string, unknown>, name: string, max = 10_000): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw MlflowError.invalidParameter(`'${name}' is required and must be a non-empty string.`);
  if (v.length > max) throw MlflowError.invalidParameter(`'${name}' must be at most ${max} characters.`);
  return v;
}

export function optionalString(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw MlflowError.invalidParameter(`'${name}' must be a string.`);
  return v;
}

/** page_size: 1..max, default `fallback`. */
export function pageSize(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw MlflowError.invalidParameter(`'page_size' must be a whole number from 1 to ${max}, got '${raw}'.`);
  return n;
}

/** Tags as `{k: v}` or `[{key, value}]`. */
export function keyValues(value: unknown, name: string): Array<{ key: string; value: string }> {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((t, i) => {
      if (!t || typeof t !== 'object' || typeof (t as { key?: unknown }).key !== 'string') {
        throw MlflowError.invalidParameter(`'${name}[${i}]' must be {"key": string, "value": string}.`);
      }
      const v = (t as { value?: unknown }).value;
      return { key: (t as { key: string }).key, value: v === undefined || v === null ? '' : String(v) };
    });
  }
  if (typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v === null || v === undefined ? '' : String(v) }));
  throw MlflowError.invalidParameter(`'${name}' must be an object {key: value} or a list of {"key", "value"}.`);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the original layer formatted times. */
export function utcText(ms: number | bigint | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ');
}
