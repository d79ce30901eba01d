/**
 * Answers to requests that Node's HTTP parser rejects before Fastify sees them (request line or
 * headers over Node's 16 KB limit, malformed HTTP, header timeouts), in MLflow's error envelope
 * like every other error, instead of Fastify's `{"error", "message", "statusCode"}`.
 */
import type { Socket } from 'node:net';

const ANSWERS: Record<string, readonly [status: number, reason: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request line or headers are too large (at most 16 KB).'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time.'],
};
const MALFORMED = [400, 'Bad Request', 'The request is not valid HTTP.'] as const;

export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  const [status, reason, message] = (err.code && ANSWERS[err.code]) || MALFORMED;
  const body = JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
