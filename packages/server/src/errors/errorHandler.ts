/**
 * One error renderer: MlflowError -> `{"error_code", "message"}` with MLflow's status; framework
 * errors (body too large, bad content type) get the same envelope; anything else is logged and
 * answered as INTERNAL_ERROR without leaking internals.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Seconds a client is asked to wait before retrying a TEMPORARILY_UNAVAILABLE (503). */
export const RETRY_AFTER_SECONDS = 1;

// the error code each errored reply carried, for metrics (errors by code)
const sentCodes = new WeakMap<object, string>();

export function errorCodeOf(reply: FastifyReply): string | undefined {
  return sentCodes.get(reply.raw);
}

export function sendError(reply: FastifyReply, err: MlflowError, status: number = err.httpStatus): FastifyReply {
  sentCodes.set(reply.raw, err.code);
  if (err.code === 'TEMPORARILY_UNAVAILABLE' && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ error_code: err.code, message: err.message }));
}

/**
 * `unavailable(err)` tells whether an error that is not an MlflowError means a dependency is
 * unreachable (a driver error raised outside the store's own translation): that is a 503.
 */
export function toMlflowError(err: unknown, request: FastifyRequest, unavailable: (err: unknown) => boolean = () => false): MlflowError {
  if (!(err instanceof MlflowError) && unavailable(err)) {
    request.log.warn({ err }, 'dependency unavailable');
    return new MlflowError('A dependency of the server is temporarily unavailable. Please retry.', 'TEMPORARILY_UNAVAILABLE', { cause: err });
  }
  if (err instanceof MlflowError) {
    if (err.code === 'TEMPORARILY_UNAVAILABLE') request.log.warn({ err: err.cause ?? err }, err.message);
    else if (err.httpStatus >= 500) request.log.error({ err: err.cause ?? err }, err.message);
    return err;
  }
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return MlflowError.invalidParameter(`Bad Request. ${fe.message ?? ''}`.trim());
  }
  request.log.error({ err }, 'unhandled error');
  return new MlflowError('An internal error occurred while processing the request.', 'INTERNAL_ERROR');
}

/** Status to send for an error: framework errors keep their own 4xx (e.g. 413 body too large). */
export function statusFor(err: unknown, mlflowError: MlflowError): number {
  const fe = err as Partial<FastifyError>;
  if (!(err instanceof MlflowError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return fe.statusCode;
  }
  return mlflowError.httpStatus;
}
