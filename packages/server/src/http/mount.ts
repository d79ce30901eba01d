/**
 * Mounts the endpoint catalogue: every endpoint under /api/2.0 and <static-prefix>/ajax-api/2.0,
 * request decoding with MLflow's transport rules (§1.2 of the spec), JSON responses, 405 with
 * `Allow` for known paths with the wrong method.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DecodedMessage, Endpoint, HttpMethod, MessageType } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeRequest } from './decode.js';
import type { RawRequest } from './decode.js';
import { encodeJson, JSON_CONTENT_TYPE, JsonSyntaxError, parseJson, RawJson } from './json.js';
import { parseQueryString } from './queryString.js';
import { sendStreamedJson, StreamedJson } from './streamedJson.js';
import type { SchemaGeneration } from '../db/schema/revisions.js';
import { HEAD_2X_REVISION, HEAD_REVISION } from '../db/schema/revisions.js';

export interface RequestContext {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** A handler gets the decoded request and returns the response message (a plain object). */
export type Handler<M extends MessageType = MessageType> = (
  input: DecodedMessage<M>,
  ctx: RequestContext,
) => Promise<object | undefined> | object | undefined;

export type HandlerMap = Readonly<Record<string, Handler<never>>>;

export interface MountOptions {
  readonly staticPrefix: string;
  /** Answer 503 instead of serving (artifacts-only mode, or serving disabled). */
  readonly disabled?: (endpoint: Endpoint) => string | undefined;
  /**
   * The schema generation of the database served: MLflow 3.x RPCs answer an error on 2.12.2's,
   * and 2.12.2 RPCs that 3.x extended read the 3.x request on 3.x's. Default 3.x.
   */
  readonly generation?: SchemaGeneration;
}

const ALL_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** `/api/<version>.0` or `<static-prefix>/ajax-api/<version>.0` (MLflow's `_get_paths`). */
export function familyPrefix(family: 'api' | 'ajax', staticPrefix: string, apiVersion: 2 | 3 = 2): string {
  return family === 'api' ? `/api/${apiVersion}.0` : `${staticPrefix}/ajax-api/${apiVersion}.0`;
}

export function mountEndpoints(
  app: FastifyInstance,
  endpoints: readonly Endpoint[],
  handlers: HandlerMap,
  options: MountOptions,
): void {
  const methodsByUrl = new Map<string, Set<HttpMethod>>();
  const generation = options.generation ?? '3.x';
  for (const declared of endpoints) {
    const handler = handlers[declared.name] as Handler | undefined;
    if (!handler) throw new Error(`No handler for endpoint ${declared.name}`);
    const endpoint: Endpoint = generation === '3.x' && declared.v3 ? { ...declared, ...declared.v3 } : declared;
    const unavailable = declared.since === '3.x' && generation !== '3.x';
    for (const family of endpoint.families) {
      const url = familyPrefix(family, options.staticPrefix, endpoint.apiVersion) + endpoint.path;
      const methods = methodsByUrl.get(url) ?? new Set<HttpMethod>();
      methodsByUrl.set(url, methods);
      for (const method of endpoint.methods) {
        methods.add(method);
        app.route({
          method,
          url,
          handler: async (request, reply) => {
            const reason = options.disabled?.(endpoint);
            if (reason) return reply.status(503).type('text/html; charset=utf-8').send(reason);
            if (unavailable) throw needsMlflow3Schema(endpoint);
            const input = decodeRequest(endpoint, readRaw(endpoint, request));
            const result = await handler(input as never, { request, reply });
            if (reply.sent) return reply;
            if (result instanceof StreamedJson) return sendStreamedJson(reply, result);
            const body = result instanceof RawJson ? result.text : encodeJson(result ?? {});
            return reply.type(JSON_CONTENT_TYPE).send(body);
          },
        });
      }
    }
  }
  mountMethodNotAllowed(app, methodsByUrl);
}

/** An MLflow 3.x RPC on a database still at MLflow 2.12.2's schema. */
export function needsMlflow3Schema(endpoint: Endpoint): MlflowError {
  return new MlflowError(
    `${endpoint.name} is an MLflow 3.x API, and this server's database is at MLflow 2.12.2's schema (revision ${HEAD_2X_REVISION}), ` +
      `which has no place for it. Take a backup of the database, then run 'darwin-mlflow db upgrade <database_uri>' to move it to ` +
      `MLflow 3.x's schema (revision ${HEAD_REVISION}); MLflow 2.x clients keep working after the upgrade.`,
    'NOT_IMPLEMENTED',
  );
}

/** Known path, wrong method: 405 with Allow, as Flask does, in MLflow's JSON envelope. */
export function mountMethodNotAllowed(app: FastifyInstance, methodsByUrl: Map<string, Set<HttpMethod>>): void {
  for (const [url, methods] of methodsByUrl) {
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
    const others = ALL_METHODS.filter((m) => !methods.has(m));
    if (others.length > 0) {
      app.route({
        method: others,
        url,
        handler: async (request, reply) =>
          reply
            .status(405)
            .header('allow', allow)
            .type('application/json')
            .send(
              JSON.stringify({
                error_code: 'BAD_REQUEST',
                message: `The method ${request.method} is not allowed for the requested URL.`,
              }),
            ),
      });
    }
    app.route({ method: 'OPTIONS', url, handler: async (_req, reply) => reply.status(200).header('allow', allow).send() });
  }
}

/** MLflow `_get_request_message`: query string for GET, JSON body otherwise. */
export function readRaw(endpoint: Endpoint, request: FastifyRequest): RawRequest {
  const q = request.url.indexOf('?');
  const query = q >= 0 ? request.url.slice(q + 1) : '';
  if (request.method === 'GET' && query.length > 0) {
    const values = parseQueryString(query);
    for (const [name, def] of Object.entries(endpoint.request.fields)) {
      if (def.repeated && name in values && !Array.isArray(values[name])) values[name] = [values[name]];
      // MLflow 3.x reads a bool from the query string as 'true' or 'false' (any case)
      const value = values[name];
      if (!def.repeated && def.type === 'bool' && typeof value === 'string') values[name] = queryBool(value);
    }
    return withPathParams({ values }, request);
  }
  if (request.method === 'POST' || request.method === 'PUT') checkJsonContentType(request);
  return withPathParams(requestBody(request), request);
}

function queryBool(value: string): boolean {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw MlflowError.invalidParameter(`Invalid boolean value: ${value}, must be 'true' or 'false'.`);
  return lower === 'true';
}

const parsedBodies = new WeakMap<FastifyRequest, RawRequest>();

/**
 * parseBody of the request's body, parsed once per request: the permission check reads the same
 * values the handler decodes (a 500-metric log-batch is not parsed twice). Callers must not
 * mutate the values.
 */
export function requestBody(request: FastifyRequest): RawRequest {
  let raw = parsedBodies.get(request);
  if (raw === undefined) {
    raw = parseBody(request.body);
    parsedBodies.set(request, raw);
  }
  return raw;
}

/** `{model_id}`-style path segments are fields of the message too (MLflow's route arguments win). */
function withPathParams(raw: RawRequest, request: FastifyRequest): RawRequest {
  const params = request.params as Record<string, string> | undefined;
  if (!params || Object.keys(params).length === 0) return raw;
  return { ...raw, values: { ...raw.values, ...params } };
}

export function checkJsonContentType(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  if (header === undefined || header === '') {
    throw MlflowError.invalidParameter('Bad Request. Content-Type header is missing.');
  }
  const mediaType = header.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  }
}

/**
 * The JSON body as an object. An empty body is `{}`; a double-encoded JSON string is decoded
 * again as MLflow does. Malformed JSON and non-object bodies are 400 (MLflow reads them as `{}`).
 */
export function parseBody(body: unknown): RawRequest {
  if (body === undefined || body === null || body === '') return { values: {} };
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (text.trim() === '') return { values: {} };
  let parsed: unknown;
  try {
    parsed = parseJson(text);
    if (typeof parsed === 'string') return parseBody(parsed);
  } catch (err) {
    const detail = err instanceof JsonSyntaxError ? `: ${err.message}` : '';
    throw MlflowError.invalidParameter(`Malformed JSON in request body${detail}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter('The request body must be a JSON object.');
  }
  return { values: parsed as Record<string, unknown>, rawText: text };
}
