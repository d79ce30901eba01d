/** Small pieces shared by the artifact routes: 503 gating, downloads, query values. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '@darwin-mlflow/contract';
import { parseQueryString } from '../../http/queryString.js';
import { downloadHeaders } from '../mime.js';
import { RangeNotSatisfiable, parseRangeHeader } from '../range.js';
import type { RangeSpec } from '../range.js';
import type { Download } from '../service/artifacts.js';

/** MLflow's `_disable_unless_serve_artifacts` answer (`rule` is the Flask URL rule). */
export function replyServingDisabled(reply: FastifyReply, rule: string): FastifyReply {
  return reply
    .status(503)
    .type('text/html; charset=utf-8')
    .send(
      `Endpoint: ${rule} disabled due to the mlflow server running with \`--no-serve-artifacts\`. To enable artifacts server functionality, run \`mlflow server\` with \`--serve-artifacts\``,
    );
}

/** MLflow's `_disable_if_artifacts_only` answer. */
export function replyArtifactsOnly(reply: FastifyReply, rule: string): FastifyReply {
  return reply
    .status(503)
    .type('text/html; charset=utf-8')
    .send(
      `Endpoint: ${rule} disabled due to the mlflow server running in \`--artifacts-only\` mode. To enable tracking server functionality, run \`mlflow server\` without \`--artifacts-only\``,
    );
}

/** The Flask rule MLflow prints for a route (`*` is its `<path:artifact_path>` converter). */
export function flaskRule(url: string): string {
  return url.replace(/\*$/, '<path:artifact_path>');
}

/** Streams a file as an attachment with MLflow's headers (plus nosniff-safe content types). */
export function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  const range = download.range;
  const length = range ? range.end - range.start + 1 : download.size;
  for (const [name, value] of Object.entries(downloadHeaders(download.name, length))) reply.header(name, value);
  reply.header('accept-ranges', 'bytes');
  if (range) reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${download.size}`);
  return reply.send(download.stream);
}

/**
 * A download that honours the request's `Range` header (see `range.ts`): `open` gets the range
 * to read; a range outside the file is a 416 that tells the file's size in `Content-Range`.
 */
export async function sendRangedDownload(request: FastifyRequest, reply: FastifyReply, open: (range: RangeSpec | undefined) => Promise<Download>): Promise<FastifyReply> {
  // If-Range names a version we never sent (no ETag or Last-Modified here): send it all
  const range = request.headers['if-range'] === undefined ? parseRangeHeader(request.headers.range) : undefined;
  try {
    return sendDownload(reply, await open(range));
  } catch (err) {
    if (err instanceof RangeNotSatisfiable) reply.header('content-range', `bytes */${err.size}`);
    throw err;
  }
}

/** The query string as MLflow's UI helpers read it (`querystring_parser`); first value of a repeat. */
export function queryValues(request: FastifyRequest): Record<string, string | undefined> {
  const q = request.url.indexOf('?');
  const parsed = q >= 0 ? parseQueryString(request.url.slice(q + 1)) : {};
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

/** The `<path>` part of a wildcard route (decoded once by the router; the validator does the rest). */
export function wildcardPath(request: FastifyRequest): string {
  return (request.params as Record<string, string | undefined>)['*'] ?? '';
}

export function requireQuery(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined || value === '') {
    throw MlflowError.invalidParameter(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  }
  return value;
}
