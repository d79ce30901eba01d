/**
 * MLflow error codes (databricks.proto ErrorCode names) and the HTTP status each maps to,
 * exactly as MLflow 2.12.2's `MlflowException.get_http_status_code` does.
 */
export const ERROR_CODE_TO_HTTP_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_STATE: 500,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  PERMISSION_DENIED: 403,
  ENDPOINT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_CODE_TO_HTTP_STATUS;

/** HTTP status for an error code; unknown names are 500 as in MLflow. */
export function httpStatusForErrorCode(code: string): number {
  return (ERROR_CODE_TO_HTTP_STATUS as Record<string, number>)[code] ?? 500;
}

/** The JSON body of every MLflow error response. */
export interface ErrorBody {
  error_code: string;
  message: string;
}

/** One error type for the whole system: thrown by stores and services, rendered by one handler. */
export class MlflowError extends Error {
  readonly code: ErrorCode;

  constructor(message: string, code: ErrorCode = 'INTERNAL_ERROR', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlflowError';
    this.code = code;
  }

  get httpStatus(): number {
    return httpStatusForErrorCode(this.code);
  }

  toJSON(): ErrorBody {
    return { error_code: this.code, message: this.message };
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError(message, 'INVALID_PARAMETER_VALUE');
  }

  static notFound(message: string): MlflowError {
    return new MlflowError(message, 'RESOURCE_DOES_NOT_EXIST');
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError(message, 'RESOURCE_ALREADY_EXISTS');
  }

  /** Rebuilds an error from a response body (used by clients). */
  static fromBody(body: Partial<ErrorBody>, status: number): MlflowError {
    const code = (body.error_code ?? statusToFallbackCode(status)) as ErrorCode;
    return new MlflowError(body.message ?? `HTTP ${status}`, code);
  }
}

/** What the Python client derives from a status when the body is not an MLflow error. */
export function statusToFallbackCode(status: number): ErrorCode {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'PERMISSION_DENIED';
    case 404: return 'ENDPOINT_NOT_FOUND';
    case 409: return 'ALREADY_EXISTS';
    case 429: return 'RESOURCE_EXHAUSTED';
    case 501: return 'NOT_IMPLEMENTED';
    case 503: return 'TEMPORARILY_UNAVAILABLE';
    case 504: return 'DEADLINE_EXCEEDED';
    default: return 'INTERNAL_ERROR';
  }
}
