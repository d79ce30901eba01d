/**
 * Socket-level failures that any driver can surface (Node's errno codes), and the driver
 * messages that carry no code: all of them mean "the database is unreachable right now".
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
]);

// node-postgres reports lost connections and its own timeouts without a code
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Client was closed and is not queryable',
];

export function isNetworkError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  // an AggregateError of every address tried (e.g. localhost as ::1 and 127.0.0.1)
  if (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isNetworkError)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

/** The error every driver wrapper throws when no pooled connection became free in time. */
export class AcquireTimeoutError extends Error {
  readonly code = 'DARWIN_ACQUIRE_TIMEOUT';
  constructor(ms: number) {
    super(`No database connection became free within ${ms} ms.`);
    this.name = 'AcquireTimeoutError';
  }
}
