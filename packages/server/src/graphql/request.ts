/**
 * Reads the `{query, variables, operationName}` envelope of a /graphql request.
 *
 * MLflow (`_graphql` in handlers.py) reads `request.get_json(force=True, silent=True)` for GET
 * and POST alike, with the JSON content-type check on POST only. Everything it cannot read
 * (no body, malformed JSON, a non-object body, `query` missing or not a string, `variables`
 * not an object) ends in an uncaught Python exception: 500 HTML. We answer those with 400
 * INVALID_PARAMETER_VALUE naming the problem, and additionally accept a GET without a body
 * that carries the envelope as URL parameters (`?query=...&variables=<JSON>&operationName=`),
 * the usual GraphQL-over-HTTP form, where MLflow 500s.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkJsonContentType, parseBody } from '../http/mount.js';
import { JsonSyntaxError, parseJson } from '../http/json.js';
import { readCapped } from '../http/readCapped.js';

export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** Body cap of /graphql: queries are small; variables may carry long filters, not datasets. */
export const GRAPHQL_BODY_LIMIT = 1024 * 1024;

const ENVELOPE_HINT = 'Send a JSON object {"query": "...", "variables": {...}, "operationName": "..."}';

export async function readGraphqlRequest(request: FastifyRequest, reply: FastifyReply): Promise<GraphqlRequest> {
  if (request.method !== 'GET') {
    checkJsonContentType(request);
    return envelope(parseBody(request.body).values);
  }
  // Fastify never reads the body of a GET; MLflow does, so read it here.
  const body = await readGetBody(request, reply);
  if (body.trim() !== '') return envelope(parseBody(body).values);
  return envelope(urlParameters(request.url));
}

function envelope(values: Record<string, unknown>): GraphqlRequest {
  const { query, variables, operationName } = values;
  if (typeof query !== 'string') {
    throw MlflowError.invalidParameter(`The GraphQL request has no 'query' string. ${ENVELOPE_HINT}.`);
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw MlflowError.invalidParameter("'variables' must be a JSON object mapping variable names to values.");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw MlflowError.invalidParameter("'operationName' must be a string.");
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  };
}

/** `query`, `operationName` and JSON-encoded `variables` from the URL (each at most once). */
function urlParameters(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const values: Record<string, unknown> = {};
  for (const name of ['query', 'variables', 'operationName']) {
    const all = params.getAll(name);
    if (all.length > 1) throw MlflowError.invalidParameter(`The URL parameter '${name}' is given more than once.`);
    if (all.length === 1) values[name] = all[0];
  }
  if (typeof values.variables === 'string') values.variables = parseVariables(values.variables);
  return values;
}

function parseVariables(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parseJson(text);
  } catch (err) {
    const detail = err instanceof JsonSyntaxError ? `: ${err.message}` : '';
    throw MlflowError.invalidParameter(`The URL parameter 'variables' is not valid JSON${detail}`);
  }
}

/** The body of a GET, at most GRAPHQL_BODY_LIMIT bytes (413 past it, as for POST bodies). */
async function readGetBody(request: FastifyRequest, reply: FastifyReply): Promise<string> {
  const headers = request.headers;
  if (headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0') return '';
  if (Number(headers['content-length'] ?? 0) > GRAPHQL_BODY_LIMIT) throw bodyTooLarge(reply);
  const data = await readCapped(request, GRAPHQL_BODY_LIMIT);
  if (data === undefined) throw bodyTooLarge(reply);
  return data.toString('utf8');
}

/** Same status and envelope as Fastify's own body limit on POST (see errors/errorHandler.ts). */
function bodyTooLarge(reply: FastifyReply): Error {
  // the rest of the body is not read: close the connection after answering
  reply.header('connection', 'close');
  return Object.assign(new Error('Request body is too large'), { statusCode: 413 });
}
