/**
 * The UI's proxy to an MLflow Deployments server (MLflow's gateway_proxy_handler). The only
 * outbound request the server makes on a user's behalf, so it is allowed only towards the
 * operator's MLFLOW_DEPLOYMENTS_TARGET: the path must stay below that target (no `..`, no
 * scheme, host or backslash tricks), redirects are not followed, and time and size are bounded.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { encodeJson, parseJson } from '../../http/json.js';
import { pyRepr } from '../../http/pyrepr.js';
import { decodeToFixedPoint } from '../../artifacts/uri.js';

export interface GatewayProxyOptions {
  /** MLFLOW_DEPLOYMENTS_TARGET; unset = pretend an empty gateway is running. */
  readonly target: string | undefined;
  readonly timeoutMs: number;
  /** Largest upstream response accepted. */
  readonly maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** How much of an upstream error body is quoted back. */
const MAX_ERROR_TEXT = 2000;

/** An upstream failure: the deployments server, not this one, is at fault (HTTP 502). */
export class BadGatewayError extends MlflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'INTERNAL_ERROR', options);
  }

  override get httpStatus(): number {
    return 502;
  }
}

export class GatewayProxyService {
  private readonly target: string | undefined;

  constructor(private readonly options: GatewayProxyOptions) {
    this.target = options.target?.replace(/\/+$/, '') || undefined;
  }

  /** False when no deployments target is configured. */
  get enabled(): boolean {
    return this.target !== undefined;
  }

  /** Forwards `<target>/<gateway_path>` with the same method; returns the upstream JSON. */
  async proxy(method: 'GET' | 'POST', gatewayPath: unknown, jsonData: unknown): Promise<unknown> {
    if (this.target === undefined) return { endpoints: [] };
    if (gatewayPath === undefined || gatewayPath === null || gatewayPath === '') {
      throw MlflowError.invalidParameter('Deployments proxy request must specify a gateway_path.');
    }
    const url = upstreamUrl(this.target, gatewayPath);
    // fetch cannot send a body with GET; MLflow's UI sends json_data only with POST.
    const body = method === 'POST' && jsonData !== undefined && jsonData !== null ? encodeJson(jsonData) : undefined;
    const response = await this.send(url, method, body);
    const text = await this.readBody(response);
    if (response.status !== 200) {
      throw new BadGatewayError(
        `Deployments proxy request failed with error code ${response.status}. Error message: ${text.slice(0, MAX_ERROR_TEXT)}`,
      );
    }
    try {
      return parseJson(text);
    } catch (err) {
      throw new BadGatewayError('Deployments proxy request failed: the deployments server did not answer with JSON.', { cause: err });
    }
  }

  private async send(url: URL, method: string, body: string | undefined): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw this.transportError(err);
    }
  }

  /** The body as text, refusing more than maxResponseBytes. */
  private async readBody(response: Response): Promise<string> {
    const max = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const reader = response.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > max) {
          await reader.cancel();
          throw new BadGatewayError(`Deployments proxy request failed: the response is larger than ${max} bytes.`);
        }
        chunks.push(value);
      }
    } catch (err) {
      if (err instanceof MlflowError) throw err;
      throw this.transportError(err);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private transportError(err: unknown): MlflowError {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new MlflowError(
        `Deployments proxy request timed out after ${this.options.timeoutMs / 1000} seconds.`,
        'DEADLINE_EXCEEDED',
        { cause: err },
      );
    }
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const code = (cause as { code?: unknown } | undefined)?.code;
    return new BadGatewayError(
      `Deployments proxy request failed: the deployments server could not be reached${typeof code === 'string' ? ` (${code})` : ''}.`,
      { cause: err },
    );
  }
}

/**
 * `<target>/<gateway_path>`, refusing paths that would leave the target: after percent-decoding
 * to a fixed point, no scheme, no leading slash, no backslash or control character, no `#`, no
 * `.`/`..` segment; and the resulting URL must keep the target's origin and path prefix.
 */
export function upstreamUrl(target: string, gatewayPath: unknown): URL {
  if (typeof gatewayPath !== 'string') {
    throw MlflowError.invalidParameter(`Invalid value ${pyRepr(gatewayPath)} for parameter 'gateway_path' supplied: it must be a string.`);
  }
  const base = parseHttpUrl(target);
  if (!base) {
    throw new BadGatewayError('Deployments proxy request failed: MLFLOW_DEPLOYMENTS_TARGET is not an http(s) URL.');
  }
  const decoded = decodeToFixedPoint(gatewayPath) ?? '..';
  const pathPart = decoded.split('?')[0] as string;
  const unsafe =
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(decoded) ||
    decoded.startsWith('/') ||
    /[\\#\u0000-\u001f\u007f]/.test(decoded) ||
    pathPart.split('/').some((segment) => segment === '.' || segment === '..');
  const url = unsafe ? undefined : parseHttpUrl(`${target}/${gatewayPath}`);
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (!url || url.origin !== base.origin || !url.pathname.startsWith(prefix)) {
    throw MlflowError.invalidParameter(
      `Invalid gateway_path '${gatewayPath}': it must be a relative path below the deployments target (no scheme, host, '..' or backslash).`,
    );
  }
  return url;
}

function parseHttpUrl(s: string): URL | undefined {
  try {
    const url = new URL(s);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

