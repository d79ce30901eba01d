/**
 * A real HTTP proxy in front of a test server, the fault edge for retry tests: each request takes
 * the next scripted action (forward, answer a status, drop the connection, or hang), and every
 * request is recorded with its method, URL and body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultAction =
  | { kind: 'forward' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Closes the socket without any response (after reading the request). */
  | { kind: 'drop' }
  /** Never answers; the socket stays open until the client gives up. */
  | { kind: 'hang' };

export interface SeenRequest {
  method: string;
  url: string;
  body: Buffer;
}

export interface FaultProxy {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Actions for the next requests, in order; when used up, requests are forwarded. */
  script(...actions: FaultAction[]): void;
  /** Only requests whose URL matches take scripted actions (default: all). */
  match(pattern: RegExp): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const queue: FaultAction[] = [];
  const seen: SeenRequest[] = [];
  let pattern = /.*/;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const action = pattern.test(req.url ?? '') ? (queue.shift() ?? { kind: 'forward' }) : { kind: 'forward' as const };
      if (action.kind === 'status') {
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(action.body ?? JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'injected fault' }));
      } else if (action.kind === 'drop') {
        req.socket.destroy();
      } else if (action.kind === 'forward') {
        const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', () => req.socket.destroy());
        up.end(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    script: (...actions) => queue.push(...actions),
    match: (p) => {
      pattern = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
