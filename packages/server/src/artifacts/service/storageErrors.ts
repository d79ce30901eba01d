/**
 * Store failures as MLflow errors: our own MlflowErrors pass through; what the caller got wrong
 * (an unknown multipart upload id, bad parts) is a 4xx; file-system and S3 failures that are not
 * the caller's fault are INTERNAL_ERROR with the cause kept for the log, never sent to clients.
 */
import { MlflowError } from '@darwin-mlflow/contract';

const S3_CALLER_ERRORS: Readonly<Record<string, 'INVALID_PARAMETER_VALUE' | 'RESOURCE_DOES_NOT_EXIST' | 'NOT_IMPLEMENTED'>> = {
  NoSuchUpload: 'RESOURCE_DOES_NOT_EXIST',
  InvalidPart: 'INVALID_PARAMETER_VALUE',
  InvalidPartOrder: 'INVALID_PARAMETER_VALUE',
  EntityTooSmall: 'INVALID_PARAMETER_VALUE',
  EntityTooLarge: 'INVALID_PARAMETER_VALUE',
  InvalidArgument: 'INVALID_PARAMETER_VALUE',
  KeyTooLongError: 'INVALID_PARAMETER_VALUE',
  // S3-compatible servers that lack an operation (s3rver has no AbortMultipartUpload)
  NotImplemented: 'NOT_IMPLEMENTED',
  MethodNotAllowed: 'NOT_IMPLEMENTED',
};

// S3 answers that mean "not now" rather than "not like this"
const S3_UNAVAILABLE_NAMES = new Set(['ServiceUnavailable', 'SlowDown', 'InternalError', 'RequestTimeout', 'TimeoutError', 'RequestTimeTooSkewed']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export const ARTIFACT_STORE_UNAVAILABLE = 'The artifact store is temporarily unavailable. Please retry.';

/** The S3 endpoint could not be reached, timed out, or answered with a 5xx. */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: unknown };
  if (e === null || typeof e !== 'object') return false;
  if (e.name !== undefined && S3_UNAVAILABLE_NAMES.has(e.name)) return true;
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  // the SDK's socket-level failures before any response
  return e.$metadata !== undefined && status === undefined && /socket hang up|ECONNREFUSED|ECONNRESET|timed? ?out/i.test(e.message ?? '');
}

export function toStorageError(action: string, err: unknown): MlflowError {
  if (err instanceof MlflowError) return err;
  if (isStoreUnavailable(err)) return new MlflowError(ARTIFACT_STORE_UNAVAILABLE, 'TEMPORARILY_UNAVAILABLE', { cause: err });
  const name = (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name ?? '';
  const code = S3_CALLER_ERRORS[name];
  if (code) return new MlflowError(`Failed to ${action}: ${name}: ${(err as Error).message}`, code);
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'ELOOP' || errno === 'ENAMETOOLONG') return MlflowError.invalidParameter('Invalid path');
  if (isClientGone(err)) return new MlflowError('The request body ended before it was complete.', 'CANCELLED', { cause: err });
  return new MlflowError(`Failed to ${action} in the artifact store.`, 'INTERNAL_ERROR', { cause: err });
}

/** The client closed the connection while sending the body. */
export function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message ?? '';
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'ECONNABORTED' || message === 'aborted';
}
