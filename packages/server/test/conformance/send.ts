/**
 * Sends one request over a real socket with node:http, so the raw path (query string included)
 * reaches the server exactly as recorded: fetch() would re-encode some characters.
 */
import http from 'node:http';
import type { OutgoingRequest } from './requestRewrite.js';

export interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  /** Raw body text (utf-8). */
  readonly text: string;
}

export function send(baseUrl: URL, agent: http.Agent, request: OutgoingRequest, authorization?: string): Promise<Answer> {
  const headers: Record<string, string | number> = {};
  if (request.contentType !== null) headers['content-type'] = request.contentType;
  if (request.body !== undefined) headers['content-length'] = request.body.length;
  if (authorization !== undefined) headers.authorization = authorization;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: baseUrl.hostname, port: baseUrl.port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? null,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
