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

export function toStorageError(action: string, err: unknown): MlflowError {
  if (err instanceof MlflowError) return err;
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
