/**
 * A 1 GiB artifact streamed up and down with flat memory: a child process (the built package)
 * uploads a sparse 1 GiB file through the proxy, downloads it again, and reports its peak RSS.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';

const distIndex = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const built = fs.existsSync(distIndex);
const GIB = 1024 ** 3;

describe.skipIf(!built)('a 1 GiB artifact', () => {
  let server: SdkTestServer;
  let dir: string;

  beforeAll(async () => {
    server = await startServer(testDialects()[0]!, 'sdk_large');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-large-'));
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('goes up and down with a peak RSS far below its size', async () => {
    const script = path.join(dir, 'large.mjs');
    fs.writeFileSync(
      script,
      `import fs from 'node:fs';
import { MlflowClient } from ${JSON.stringify(pathToFileURL(distIndex).href)};
const file = ${JSON.stringify(path.join(dir, 'big.bin'))};
const fd = fs.openSync(file, 'w'); fs.ftruncateSync(fd, ${GIB}); fs.writeSync(fd, Buffer.from('end'), 0, 3, ${GIB - 3}); fs.closeSync(fd);
const client = new MlflowClient();
const run = await client.startRun({ experimentName: 'large' });
let last = 0;
await run.logArtifact(file, 'data', { onProgress: (p) => { last = p.bytes; } });
await run.endRun();
const out = await client.downloadArtifacts('runs:/' + run.runId + '/data/big.bin', ${JSON.stringify(path.join(dir, 'down'))});
const tail = Buffer.alloc(3); const rfd = fs.openSync(out, 'r'); fs.readSync(rfd, tail, 0, 3, ${GIB - 3}); fs.closeSync(rfd);
console.log(JSON.stringify({ uploaded: last, downloaded: fs.statSync(out).size, tail: tail.toString(), maxRssKb: process.resourceUsage().maxRSS }));
await client.close();`,
    );
    const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, MLFLOW_TRACKING_URI: server.url } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { uploaded: number; downloaded: number; tail: string; maxRssKb: number };
    expect(result).toMatchObject({ uploaded: GIB, downloaded: GIB, tail: 'end' });
    expect(result.maxRssKb * 1024).toBeLessThan(200 * 1024 ** 2);
  }, 600_000);
});
