/**
 * A minimal keep-alive HTTP client on node:http. The load generator shares the machine's two
 * cores with the server, so every cycle it spends is taken from the thing being measured:
 * no fetch/undici layers, bodies serialised once where possible, responses kept as raw bytes
 * (checks count markers in them instead of parsing large JSON).
 */
import http from 'node:http';

export interface Reply {
  readonly status: number;
  readonly body: Buffer;
}

/** A request body: a value to serialise, or JSON text prepared in advance. */
export type Body = string | object;

/** No scenario request should take this long; a hung request must not hang the bench. */
const REQUEST_TIMEOUT_MS = 120_000;

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number, private readonly authorization?: string) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    // one socket per client, kept open between requests like a pooled MLflow client session
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  get(path: string): Promise<Reply> {
    return this.send('GET', path, undefined);
  }

  post(path: string, body: Body): Promise<Reply> {
    return this.send('POST', path, typeof body === 'string' ? body : JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, payload: string | undefined): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = this.authorization ? { authorization: this.authorization } : {};
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Occurrences of `marker` in `body`: counts entities without parsing megabytes of JSON. */
export function countOccurrences(body: Buffer, marker: string): number {
  const needle = Buffer.from(marker);
  let count = 0;
  for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A short, single-line description of a failed reply for the error samples. */
export function describeFailure(reply: Reply): string {
  const text = reply.body.subarray(0, 300).toString('utf8').replace(/\s+/g, ' ');
  return `HTTP ${reply.status}: ${text}`;
}

/** Parses a JSON reply that must be 200, throwing a readable error otherwise (used while seeding). */
export function expectJson<T>(reply: Reply, what: string): T {
  if (reply.status !== 200) throw new Error(`${what} failed: ${describeFailure(reply)}`);
  return JSON.parse(reply.body.toString('utf8')) as T;
}

/** Whether a reply means "this endpoint does not exist here" (ours: ENDPOINT_NOT_FOUND; Flask: an HTML 404). */
export function isMissingEndpoint(reply: Reply): boolean {
  if (reply.status !== 404) return false;
  return !reply.body.includes('RESOURCE_DOES_NOT_EXIST');
}
