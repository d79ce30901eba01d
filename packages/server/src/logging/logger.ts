/**
 * The process's logger: one JSON object per line on stdout (pino), at the configured level.
 * Header and body fields that could carry secrets are never serialised: request logs carry
 * method, route, status, duration, request id and user only (./requestLog.ts), and error
 * objects are reduced to their type, message, code and stack.
 */
import pino from 'pino';
import type { Logger } from 'pino';
import type { LogLevel } from '../config/operations.js';

export type { Logger } from 'pino';

/** Paths pino blanks wherever a log call passes such an object by mistake. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'uri',
];

export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination(1)): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; errno?: unknown };
  return { type: e.name, message: e.message, code: e.code, errno: e.errno, stack: e.stack };
}
