/** Raw HTTP for tests: request paths sent byte for byte (fetch would normalise `%2e%2e`), uploads cut short, streamed round trips. */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function rawRequest(base: string, method: string, rawPath: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Starts a PUT announcing `declared` bytes, sends `sent` bytes, then destroys the socket.
 * Resolves once the connection is gone.
 */
export function abortedUpload(base: string, rawPath: string, declared: number, sent: number): Promise<void> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: 'PUT',
      path: rawPath,
      headers: { 'content-length': String(declared), 'content-type': 'application/octet-stream' },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.alloc(sent, 1), () => {
      // give the server the bytes, then cut the connection mid-body
      setImmediate(() => req.destroy());
    });
  });
}

/**
 * PUTs `mib` MiB to `url` as a stream of 1 MiB chunks (each one different), GETs it back and
 * returns the content-length and both SHA-256 digests, for a byte-for-byte comparison.
 */
export async function streamRoundTrip(url: string, mib: number): Promise<{ status: number; length: string | null; sent: string; received: string }> {
  const block = randomBytes(1024 * 1024);
  const chunks = Array.from({ length: mib }, (_, i) => Buffer.concat([block.subarray(4), Buffer.from([i, i >> 8, 1, 2])]));
  const sent = createHash('sha256');
  for (const c of chunks) sent.update(c);
  const body = Readable.toWeb(Readable.from(chunks)) as ReadableStream;
  const up = await fetch(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
  if (up.status !== 200) return { status: up.status, length: null, sent: sent.digest('hex'), received: '' };
  const down = await fetch(url);
  const received = createHash('sha256');
  for await (const c of down.body as unknown as AsyncIterable<Uint8Array>) received.update(c);
  return { status: down.status, length: down.headers.get('content-length'), sent: sent.digest('hex'), received: received.digest('hex') };
}

