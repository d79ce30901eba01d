/**
 * One HTTP transport for the whole client: auth headers, per-attempt idle timeout, and retries
 * with exponential backoff and jitter, as MLflow's Python client does (urllib3 `Retry` with
 * `backoff_factor`, `backoff_jitter` and `Retry-After`), with one difference: 5xx answers are
 * retried only for calls that are safe to repeat (the caller says which).
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { ClientConfig } from './config.js';
import { MlflowError, connectionError, errorFromResponse, timeoutError } from './errors.js';
import type { RequestInfo } from './errors.js';

export type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface HttpRequest {
  readonly method: string;
  /** Path below the tracking URI's path, starting with `/`. */
  readonly path: string;
  readonly query?: Query;
  /** JSON body; or a `body` factory (called again for each attempt) for raw or streamed bodies. */
  readonly json?: unknown;
  readonly body?: () => Buffer | Readable;
  readonly headers?: Readonly<Record<string, string>>;
  /** Safe to send twice: 5xx answers and broken connections are retried. */
  readonly idempotent: boolean;
  /** Called with the bytes of the body sent so far. */
  readonly onUploadProgress?: (sent: number) => void;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Readable;
}

/** Statuses retried whatever the call (the server refused before doing anything). */
const ALWAYS_RETRY = new Set([429]);
/** Statuses retried for idempotent calls (urllib3's and MLflow's list). */
const RETRY_IF_IDEMPOTENT = new Set([500, 502, 503, 504]);
/** Connection errors raised before any byte of the request reached a server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const USER_AGENT = 'darwin-mlflow-sdk';
/** Cap on one wait, whatever Retry-After says. */
const MAX_WAIT_MS = 120_000;

export class HttpTransport {
  private readonly agent: http.Agent;

  constructor(readonly config: ClientConfig, private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {
    const isHttps = config.trackingUri.protocol === 'https:';
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, rejectUnauthorized: !config.insecureTls })
      : new http.Agent({ keepAlive: true });
  }

  url(path: string, query?: Query): URL {
    const base = this.config.trackingUri;
    const url = new URL(base.toString());
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    return url;
  }

  /** Sends the request with retries; resolves with a 2xx response whose body is still unread. */
  send(req: HttpRequest): Promise<HttpResponse> {
    return this.sendTo(this.url(req.path, req.query), req, true);
  }

  /** To another host (presigned part URLs of a multipart upload): no credentials are sent. */
  sendAbsolute(req: Omit<HttpRequest, 'path' | 'query'> & { readonly url: URL }): Promise<HttpResponse> {
    return this.sendTo(req.url, { ...req, path: req.url.pathname }, false);
  }

  private async sendTo(url: URL, req: HttpRequest, withAuth: boolean): Promise<HttpResponse> {
    const info: RequestInfo = { method: req.method, url: `${url.pathname}${url.search}` };
    for (let attempt = 0; ; attempt++) {
      let outcome: Attempt;
      try {
        outcome = { res: await this.once(url, req, info, withAuth) };
      } catch (err) {
        outcome = { err: err as MlflowError };
      }
      const wait = this.retryDelay(req, outcome, attempt);
      if (wait === undefined) {
        if (outcome.err !== undefined) throw outcome.err;
        const res = outcome.res as HttpResponse;
        if (res.status >= 200 && res.status < 300) return res;
        throw errorFromResponse(res.status, await readText(res.body), info);
      }
      if (outcome.res !== undefined) outcome.res.body.resume();
      await this.sleep(wait);
    }
  }

  /** Sends and parses a JSON answer (an empty body is `{}`). */
  async json<T>(req: HttpRequest): Promise<T> {
    const res = await this.send(req);
    const text = await readText(res.body);
    return (text.trim() === '' ? {} : JSON.parse(text)) as T;
  }

  close(): void {
    this.agent.destroy();
  }

  private retryDelay(req: HttpRequest, outcome: Attempt, attempt: number): number | undefined {
    if (attempt >= this.config.maxRetries) return undefined;
    if (outcome.err !== undefined) {
      const code = (outcome.err.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
      const retryable = outcome.err.status === 0 && (req.idempotent || NOT_SENT.has(code));
      return retryable ? this.backoff(attempt) : undefined;
    }
    const res = outcome.res as HttpResponse;
    if (ALWAYS_RETRY.has(res.status) || (req.idempotent && RETRY_IF_IDEMPOTENT.has(res.status))) {
      return retryAfterMs(res.headers['retry-after']) ?? this.backoff(attempt);
    }
    return undefined;
  }

  /** urllib3's formula: factor * 2^attempt seconds, plus up to `jitter` seconds at random. */
  private backoff(attempt: number): number {
    const base = this.config.backoffFactor * 2 ** attempt;
    return Math.min(MAX_WAIT_MS, (base + Math.random() * this.config.backoffJitter) * 1000);
  }

  private once(url: URL, req: HttpRequest, info: RequestInfo, withAuth: boolean): Promise<HttpResponse> {
    const base = withAuth ? { ...this.config.headers, ...this.authHeaders() } : {};
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...base, ...req.headers };
    let body: Buffer | Readable | undefined;
    if (req.json !== undefined) {
      body = Buffer.from(JSON.stringify(req.json, bigintAsString));
      headers['content-type'] = 'application/json';
    } else if (req.body !== undefined) {
      body = req.body();
    }
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    const isHttps = url.protocol === 'https:';
    const lib = isHttps ? https : http;
    const agent = withAuth ? this.agent : isHttps ? new https.Agent({ rejectUnauthorized: !this.config.insecureTls }) : undefined;
    return new Promise<HttpResponse>((resolve, reject) => {
      const request = lib.request(url, { method: req.method, headers, agent });
      request.setTimeout(this.config.timeoutMs, () => request.destroy(timeoutError(this.config.timeoutMs, info)));
      request.on('error', (err) => reject(err instanceof MlflowError ? err : connectionError(err, info)));
      request.on('response', (res) => {
        res.on('error', () => undefined);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: withTimeout(res, request) });
      });
      writeBody(request, body, req.onUploadProgress);
    });
  }

  private authHeaders(): Record<string, string> {
    const { token, username, password } = this.config;
    if (token !== undefined) return { authorization: `Bearer ${token}` };
    if (username !== undefined && password !== undefined) {
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    return {};
  }
}

type Attempt = { res: HttpResponse; err?: undefined } | { err: MlflowError; res?: undefined };

function writeBody(request: http.ClientRequest, body: Buffer | Readable | undefined, progress?: (n: number) => void): void {
  if (body === undefined) {
    request.end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    request.end(body, () => progress?.(body.length));
    return;
  }
  let sent = 0;
  body.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    progress?.(sent);
  });
  body.on('error', (err) => request.destroy(err));
  body.pipe(request);
}

/** The socket's idle timeout stays armed while the body is read; its error ends the body stream. */
function withTimeout(res: http.IncomingMessage, request: http.ClientRequest): Readable {
  request.on('error', (err) => res.destroy(err));
  return res;
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.min(MAX_WAIT_MS, Math.max(0, seconds * 1000));
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.min(MAX_WAIT_MS, Math.max(0, date - Date.now()));
}

/** int64 values may be bigints: proto JSON accepts them as decimal strings. */
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

