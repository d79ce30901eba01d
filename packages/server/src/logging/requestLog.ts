/**
 * One log line per request: request id (an incoming `X-Request-Id` when it is a sane token,
 * else a fresh UUID; echoed in the response), method, route pattern, status, duration and user.
 * Query strings, headers and bodies are never logged: they can hold tokens and user data.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestAuth } from '../auth/requestAuth.js';

/** Probes and scrapes arrive every few seconds: logged at debug level only. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics', '/version']);
const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && INCOMING_ID.test(value) ? value : randomUUID();
}

/** The authenticated user (auth on), else undefined; never the credentials. */
function userOf(request: FastifyRequest): string | undefined {
  return requestAuth(request)?.principal.username;
}

export function installRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      user: userOf(request),
    };
    if (reply.statusCode >= 500) request.log.warn(line, 'request failed');
    else if (QUIET_ROUTES.has(line.route)) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}
