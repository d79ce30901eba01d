/** Raw HTTP for tests: request paths sent byte for byte (fetch would normalise `%2e%2e`), and uploads cut short. */
import http from 'node:http';

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
