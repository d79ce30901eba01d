/**
 * Two server processes' worth of apps on one tracking and one auth database: a changed password,
 * a revoked token and a revoked permission made on one take effect on the other within the 2 s
 * that credentials and grants may be cached; failed sign-ins count against one budget across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { testDialects } from '../support/databases.js';
import { basic, startAuthApp } from './support.js';
import type { AuthTestServer } from './support.js';

const CACHE_LIMIT_MS = 2_000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDialects())('changes reach every replica within 2 s on $dialect', (dialect) => {
  let a: AuthTestServer;
  let b: FastifyInstance;

  beforeAll(async () => {
    a = await startAuthApp(dialect, 'replicas');
    b = await buildApp(a.config, { skipInitialization: true });
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const onB = async (url: string, authorization: string) => (await b.inject({ url, headers: { authorization } })).statusCode;

  it('password, token and permission changes', async () => {
    const frank = await a.createUser('frank', 'old-pw-1');
    const exp = (await a.request('POST', '/api/2.0/mlflow/experiments/create', { as: frank, json: { name: 'frank-exp' } })).body.experiment_id;
    const token = (await a.request('POST', '/v1/tokens', { as: frank, json: { name: 't' } })).body.data;
    const grace = await a.createUser('grace');
    await a.request('POST', '/api/2.0/mlflow/experiments/permissions/create', { as: frank, json: { experiment_id: exp, username: 'grace', permission: 'READ' } });
    const getExp = `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`;
    // warm replica B's caches
    expect(await onB(getExp, basic(frank))).toBe(200);
    expect(await onB(getExp, `Bearer ${token.token}`)).toBe(200);
    expect(await onB(getExp, basic(grace))).toBe(200);
    // change everything on replica A
    await a.request('PATCH', '/api/2.0/mlflow/users/update-password', { as: frank, json: { username: 'frank', password: 'new-pw-2' } });
    await a.request('DELETE', `/v1/tokens/${token.id}`, { as: { username: 'frank', password: 'new-pw-2' } });
    await a.request('PATCH', '/api/2.0/mlflow/experiments/permissions/update', { as: { username: 'frank', password: 'new-pw-2' }, json: { experiment_id: exp, username: 'grace', permission: 'NO_PERMISSIONS' } });
    await wait(CACHE_LIMIT_MS + 100);
    expect(await onB(getExp, basic(frank))).toBe(401);
    expect(await onB(getExp, basic({ username: 'frank', password: 'new-pw-2' }))).toBe(200);
    expect(await onB(getExp, `Bearer ${token.token}`)).toBe(401);
    expect(await onB(getExp, basic(grace))).toBe(403);
  }, 30_000);

  it('failed sign-ins on either replica count against one budget', async () => {
    await a.createUser('mallory-target', 'right-pw-1');
    const guess = (i: number) => basic({ username: 'mallory-target', password: `guess-${i}` });
    const onA = async (authorization: string) => (await a.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=0', headers: { authorization } })).statusCode;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(i % 2 === 0 ? await onA(guess(i)) : await onB('/api/2.0/mlflow/experiments/get?experiment_id=0', guess(i)));
    expect(statuses).toEqual(Array(10).fill(401));
    // ten failures in all, five per replica: both now refuse even the right password
    expect(await onA(basic({ username: 'mallory-target', password: 'right-pw-1' }))).toBe(429);
    expect(await onB('/api/2.0/mlflow/experiments/get?experiment_id=0', basic({ username: 'mallory-target', password: 'right-pw-1' }))).toBe(429);
  }, 30_000);
});
