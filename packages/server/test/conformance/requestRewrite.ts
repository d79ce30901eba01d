/**
 * Turns a recorded request into the one to send to our server: ids the reference server generated
 * are replaced by ours (paths, query strings, JSON bodies, ids inside strings), `{TMP}` by our
 * folder. Everything else is left byte-for-byte, so malformed inputs stay malformed.
 */
import type { Exchange } from './corpus.js';
import type { IdMapper } from './idMapper.js';
import { RawNumber, isRawNumber, serialise } from './jsonText.js';

export interface OutgoingRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | null;
  readonly body: Buffer | undefined;
  /** What the request says, for deliberate-difference matching and timestamp bookkeeping. */
  readonly text: string;
}

export function rewriteRequest(exchange: Exchange, mapper: IdMapper): OutgoingRequest {
  const path = rewritePath(exchange.path, mapper);
  let body: Buffer | undefined;
  let bodyText = '';
  if (exchange.req.json !== undefined) {
    bodyText = serialise(rewriteJson(exchange.req.json, mapper));
    body = Buffer.from(bodyText, 'utf8');
  } else if (exchange.req.text !== undefined) {
    bodyText = mapper.stringToOurs(exchange.req.text);
    body = Buffer.from(bodyText, 'utf8');
  } else if (exchange.req.b64 !== undefined) {
    body = Buffer.from(exchange.req.b64, 'base64');
    bodyText = `<${body.length} bytes>`;
  }
  return { method: exchange.method, path, contentType: exchange.req_content_type, body, text: `${path}\n${bodyText}` };
}

function rewritePath(raw: string, mapper: IdMapper): string {
  const q = raw.indexOf('?');
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const rewritten = mapper.stringToOurs(pathPart.replaceAll('%7BTMP%7D', '{TMP}'));
  return q < 0 ? rewritten : `${rewritten}?${rewriteQuery(raw.slice(q + 1), mapper)}`;
}

/** Pairs are rewritten one by one; a pair that does not change keeps its exact encoding. */
function rewriteQuery(query: string, mapper: IdMapper): string {
  const pairs = query.split('&');
  const decoded = pairs.map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? undefined : { key: decode(pair.slice(0, eq)), value: decode(pair.slice(eq + 1)) };
  });
  const modelName = decoded.find((p) => p?.key === 'name')?.value;
  return pairs
    .map((pair, i) => {
      const p = decoded[i];
      if (!p || p.key === undefined || p.value === undefined) return pair;
      const value = rewriteValue(baseKey(p.key), p.value, modelName, mapper);
      return value === p.value ? pair : `${pair.slice(0, pair.indexOf('='))}=${encodeURIComponent(value)}`;
    })
    .join('&');
}

/** `experiment_ids[0]` and `experiment_ids[]` are `experiment_ids` (MLflow's query-string parser). */
function baseKey(key: string): string {
  return key.replace(/\[\d*\]$/, '');
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function rewriteValue(key: string, value: string, modelName: string | undefined, mapper: IdMapper): string {
  if (key === 'experiment_id' || key === 'experiment_ids') return mapper.toOurs('experiment', value);
  if (key === 'page_token') return mapper.toOurs('pageToken', value);
  if (key === 'version' && modelName !== undefined) return mapper.toOurs(`version:${modelName}`, value);
  return mapper.stringToOurs(value.replaceAll('%7BTMP%7D', '{TMP}'));
}

export function rewriteJson(value: unknown, mapper: IdMapper): unknown {
  if (typeof value === 'string') return mapper.stringToOurs(value);
  if (Array.isArray(value)) return value.map((v) => rewriteJson(v, mapper));
  if (typeof value !== 'object' || value === null || isRawNumber(value)) return value;
  const obj = value as Record<string, unknown>;
  const modelName = typeof obj.name === 'string' ? obj.name : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) out[key] = rewriteField(key, v, modelName, mapper);
  return out;
}

function rewriteField(key: string, v: unknown, modelName: string | undefined, mapper: IdMapper): unknown {
  const scalar = (original: unknown, kind: Parameters<IdMapper['toOurs']>[0]) => {
    if (typeof original === 'string') return mapper.toOurs(kind, original);
    if (!isRawNumber(original)) return original;
    const mapped = mapper.toOurs(kind, original.text);
    // MLflow stringifies numeric experiment ids; keep a number a number
    return mapped === original.text ? original : /^\d+$/.test(mapped) ? new RawNumber(mapped) : mapped;
  };
  if (key === 'experiment_id') return scalar(v, 'experiment');
  if (key === 'experiment_ids' && Array.isArray(v)) return v.map((item) => scalar(item, 'experiment'));
  if (key === 'page_token') return scalar(v, 'pageToken');
  if (key === 'version' && modelName !== undefined) return scalar(v, `version:${modelName}`);
  return rewriteJson(v, mapper);
}
