/**
 * Byte ranges on artifact downloads (`/get-artifact` and the proxy's download), on a local and
 * an S3 (s3rver) destination: 206 with Content-Range for a satisfiable range, 416 with
 * `Content-Range: bytes *\/size` for one outside the file, the whole file when the header is
 * unusable, and only the asked bytes on the wire.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, startArtifactServer, startS3 } from './support.js';
import type { ArtifactServer, S3TestServer } from './support.js';

const ART = '/api/2.0/mlflow-artifacts/artifacts';
const BUCKET = 'darwin-ranges';
const FILE = randomBytes(300_000);

const destinations: { name: string; start: () => Promise<{ server: ArtifactServer; close: () => Promise<void> }> }[] = [
  {
    name: 'local',
    start: async () => {
      const server = await startArtifactServer([]);
      return { server, close: () => server.close() };
    },
  },
  {
    name: 's3',
    start: async () => {
      const s3: S3TestServer = await startS3(BUCKET);
      const server = await startArtifactServer(['--artifacts-destination', `s3://${BUCKET}/mlartifacts`], s3.env);
      return {
        server,
        close: async () => {
          await server.close();
          await s3.close();
        },
      };
    },
  },
];

describe.each(destinations)('range requests on a $name destination', ({ start }) => {
  let server: ArtifactServer;
  let close: () => Promise<void>;
  let run: { run_id: string; experiment_id: string };

  beforeAll(async () => {
    ({ server, close } = await start());
    run = await createRun(server.url, 'ranges');
    const root = `${server.url}${ART}/${run.experiment_id}/${run.run_id}/artifacts`;
    for (const [name, body] of [['big.csv', FILE], ['empty.txt', Buffer.alloc(0)]] as const) {
      expect((await fetch(`${root}/${name}`, { method: 'PUT', body })).status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => close?.());

  const routes = () => ({
    'get-artifact': (file: string) => `${server.url}/get-artifact?run_uuid=${run.run_id}&path=${file}`,
    'proxy download': (file: string) => `${server.url}${ART}/${run.experiment_id}/${run.run_id}/artifacts/${file}`,
  });
  const ranged = (url: string, range: string) => fetch(url, { headers: { range } });

  it.each(['get-artifact', 'proxy download'] as const)('%s: 206 with only the asked bytes', async (route) => {
    const url = routes()[route]('big.csv');
    const head = await ranged(url, 'bytes=0-1023');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-1023/${FILE.length}`);
    expect(head.headers.get('content-length')).toBe('1024');
    expect(head.headers.get('content-type')).toBe('text/plain');
    expect(Buffer.from(await head.arrayBuffer())).toEqual(FILE.subarray(0, 1024));

    const middle = await ranged(url, 'bytes=1000-1999');
    expect(Buffer.from(await middle.arrayBuffer())).toEqual(FILE.subarray(1000, 2000));
    const open = await ranged(url, `bytes=${FILE.length - 10}-`);
    expect(open.headers.get('content-range')).toBe(`bytes ${FILE.length - 10}-${FILE.length - 1}/${FILE.length}`);
    expect(Buffer.from(await open.arrayBuffer())).toEqual(FILE.subarray(FILE.length - 10));
    const suffix = await ranged(url, 'bytes=-5');
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(FILE.subarray(FILE.length - 5));
    // a last byte past the end is cut to the file
    const past = await ranged(url, `bytes=299990-999999999`);
    expect(past.headers.get('content-range')).toBe(`bytes 299990-${FILE.length - 1}/${FILE.length}`);
    expect((await past.arrayBuffer()).byteLength).toBe(10);
  });

  it.each(['get-artifact', 'proxy download'] as const)('%s: 416 for a range outside the file, in the error envelope', async (route) => {
    const url = routes()[route]('big.csv');
    for (const range of [`bytes=${FILE.length}-`, `bytes=${FILE.length + 5}-${FILE.length + 10}`, 'bytes=-0']) {
      const res = await ranged(url, range);
      expect(res.status).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${FILE.length}`);
      const body = (await res.json()) as { error_code: string; message: string };
      expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(body.message).toContain(`${FILE.length} bytes`);
    }
  });

  it.each(['get-artifact', 'proxy download'] as const)('%s: the whole file without a usable range', async (route) => {
    const url = routes()[route]('big.csv');
    const cases: Record<string, string>[] = [{}, { range: 'bytes=0-1,5-6' }, { range: 'items=0-10' }, { range: 'bytes=10-5' }, { range: 'bytes=0-10', 'if-range': '"x"' }];
    for (const headers of cases) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('content-length')).toBe(String(FILE.length));
      // Buffer.equals: a deep toEqual over 300,000 bytes takes seconds
      expect(Buffer.from(await res.arrayBuffer()).equals(FILE)).toBe(true);
    }
    // an empty file has no bytes to range over: sent whole, as Werkzeug does
    const empty = await ranged(routes()[route]('empty.txt'), 'bytes=0-99');
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
  });

  it('keeps 404 for a missing file when a range is asked', async () => {
    const res = await ranged(routes()['get-artifact']('nope.txt'), 'bytes=0-10');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
