/** Small helpers shared by the registry HTTP tests (real app, real database, no mocks). */
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { call } from '../support/app.js';
import type { JsonResponse } from '../support/app.js';

export const API = '/api/2.0/mlflow';

export function qs(params: Record<string, string | number | string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) u.append(k, String(item));
  }
  return u.toString();
}

/** Calls the API and asserts success. */
export async function ok(app: FastifyInstance, method: string, path: string, body?: unknown): Promise<any> {
  const res = await call(app, method, `${API}${path}`, body);
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Calls the API and asserts an MLflow error with this status and code. */
export async function fails(
  app: FastifyInstance,
  method: string,
  path: string,
  body: unknown,
  status: number,
  code: string,
  message?: string | RegExp,
): Promise<JsonResponse> {
  const res = await call(app, method, `${API}${path}`, body);
  expect({ status: res.status, code: res.body?.error_code }).toEqual({ status, code });
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
  return res;
}

export async function createModel(app: FastifyInstance, name: string, extra: Record<string, unknown> = {}): Promise<any> {
  return (await ok(app, 'POST', '/registered-models/create', { name, ...extra })).registered_model;
}

export async function createVersion(app: FastifyInstance, name: string, extra: Record<string, unknown> = {}): Promise<any> {
  return (await ok(app, 'POST', '/model-versions/create', { name, source: 's3://bucket/model', ...extra })).model_version;
}

export async function getModel(app: FastifyInstance, name: string): Promise<any> {
  return (await ok(app, 'GET', `/registered-models/get?${qs({ name })}`)).registered_model;
}

export async function getVersion(app: FastifyInstance, name: string, version: string): Promise<any> {
  return (await ok(app, 'GET', `/model-versions/get?${qs({ name, version })}`)).model_version;
}

/** Drops timestamps so shapes can be compared exactly. */
export function withoutTimes<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (k, v) => (k === 'creation_timestamp' || k === 'last_updated_timestamp' ? undefined : v)),
  ) as T;
}
