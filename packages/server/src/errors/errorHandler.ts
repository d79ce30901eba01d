/**
 * One error renderer: MlflowError -> `{"error_code", "message"}` with MLflow's status; framework
 * errors (body too large, bad content type) get the same envelope; anything else is logged and
 * answered as INTERNAL_ERROR without leaking internals.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export function sendError(reply: FastifyReply, err: MlflowError, status: number = err.httpStatus): FastifyReply {
  return reply
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ error_code: err.code, message: err.message }));
}

export function toMlflowError(err: unknown, request: FastifyRequest): MlflowError {
  if (err instanceof MlflowError) {
    if (err.httpStatus >= 500) request.log.error({ err: err.cause ?? err }, err.message);
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
