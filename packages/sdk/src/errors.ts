/**
 * Errors rebuilt from responses: MLflow's `{"error_code","message"}` body becomes an `MlflowError`
 * with that code (the contract's class), plus the HTTP status and the request that failed.
 * Subclasses let callers branch by kind (`instanceof NotFoundError`), as in openai-node.
 */
import { MlflowError as ContractMlflowError, statusToFallbackCode } from '@darwin-mlflow/contract';
import type { ErrorCode } from '@darwin-mlflow/contract';

export interface RequestInfo {
  readonly method: string;
  readonly url: string;
}

export class MlflowError extends ContractMlflowError {
  /** HTTP status of the response, or 0 when none came back (connection error, timeout). */
  readonly status: number;
  readonly request: RequestInfo | undefined;

  constructor(message: string, code: ErrorCode, status: number, request?: RequestInfo, options?: { cause?: unknown }) {
    super(message, code, options);
    this.name = new.target.name;
    this.status = status;
    this.request = request;
  }

  /** The error code as the server sent it (`RESOURCE_DOES_NOT_EXIST`, …). */
  get errorCode(): string {
    return this.code;
  }
}

export class BadRequestError extends MlflowError {}
export class AuthenticationError extends MlflowError {}
export class PermissionDeniedError extends MlflowError {}
export class NotFoundError extends MlflowError {}
export class ConflictError extends MlflowError {}
export class RateLimitError extends MlflowError {}
export class ServerError extends MlflowError {}
/** No HTTP response: the server could not be reached or the connection broke. */
export class ConnectionError extends MlflowError {}
/** No byte arrived within the configured timeout. */
export class TimeoutError extends MlflowError {}
/** A background flush of logged metrics, params or tags failed; `cause` holds the request's error. */
export class FlushError extends MlflowError {
  /** How many logged values were not stored. */
  lost = 0;
}

function classFor(status: number): typeof MlflowError {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return MlflowError;
}

/** Builds the error for a non-2xx response from its body text (MLflow JSON or anything else). */
export function errorFromResponse(status: number, bodyText: string, request: RequestInfo): MlflowError {
  let code: string = statusToFallbackCode(status);
  let message = `${request.method} ${request.url} failed with HTTP ${status}`;
  try {
    const body = JSON.parse(bodyText) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string') code = body.error_code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    const text = bodyText.trim().slice(0, 300);
    if (text !== '') message = `${message}: ${text}`;
  }
  const Kind = classFor(status);
  return new Kind(message, code as ErrorCode, status, request);
}

export function connectionError(err: unknown, request: RequestInfo): MlflowError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ConnectionError(
    `Cannot reach the tracking server for ${request.method} ${request.url}: ${detail}. Check MLFLOW_TRACKING_URI and that the server is running.`,
    'TEMPORARILY_UNAVAILABLE',
    0,
    request,
    { cause: err },
  );
}

export function timeoutError(ms: number, request: RequestInfo): MlflowError {
  return new TimeoutError(
    `${request.method} ${request.url} got no data for ${ms / 1000} s (MLFLOW_HTTP_REQUEST_TIMEOUT).`,
    'DEADLINE_EXCEEDED',
    0,
    request,
  );
}
