/**
 * The one HTTP client of the UI. Every URL is relative to the page's base (the server's
 * --static-prefix), so the UI works under any prefix. Errors keep the server's own message.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Set from `auth/me` and `auth/login`; sent on every write while a session is open. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * The directory the UI was served from: `/`, or `/mlflow-app/` behind a prefix. The Darwin URL
 * `/experiments` is served the same page, so that last segment is not part of the base.
 */
export function basePath(pathname: string = window.location.pathname): string {
  const stripped = pathname.replace(/\/experiments(\/.*)?$/, '/').replace(/\/index\.html$/, '/');
  return stripped.endsWith('/') ? stripped : stripped.replace(/[^/]*$/, '');
}

export function apiUrl(path: string, query?: Record<string, string | string[] | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const qs = params.toString();
  return `${basePath()}${path}${qs ? `?${qs}` : ''}`;
}

type Query = Record<string, string | string[] | number | undefined>;

export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError(`The server could not be reached (${err instanceof Error ? err.message : String(err)}).`, 0, 'NETWORK_ERROR');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const err = (parsed ?? {}) as { message?: string; error_code?: string };
    throw new ApiError(err.message ?? (text.slice(0, 300) || `HTTP ${response.status}`), response.status, err.error_code ?? `HTTP_${response.status}`);
  }
  if (parsed === undefined) throw new ApiError('The server sent a reply that is not JSON.', response.status, 'BAD_RESPONSE');
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query);
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, body);

/** MLflow's tracking API under the ajax family, as MLflow's own UI calls it. */
export const MLFLOW = 'ajax-api/2.0/mlflow/';
