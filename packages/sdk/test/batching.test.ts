/** Background batching into log-batch: limits, ordering, back-pressure, errors, flush on exit. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlushError, MlflowClient } from '../src/index.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';
import { startFaultProxy } from './support/faultProxy.js';
import type { FaultProxy } from './support/faultProxy.js';

const distIndex = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const built = fs.existsSync(distIndex);
if (!built) console.warn('[darwin-mlflow tests] packages/sdk/dist is missing (run npm run build): skipping SDK child-process tests.');

interface BatchBody {
  metrics: unknown[];
  params: unknown[];
  tags: unknown[];
}

for (const dialect of testDialects()) {
  describe(`batching on ${dialect.dialect}`, () => {
    let server: SdkTestServer;
    let proxy: FaultProxy;
    let client: MlflowClient;

    beforeAll(async () => {
      server = await startServer(dialect, 'sdk_batching');
      proxy = await startFaultProxy(server.url);
      client = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 0, endRunsOnExit: false });
    });
    afterAll(async () => {
      await client?.close();
      await proxy?.close();
      await server?.close();
    });
    beforeEach(() => {
      proxy.seen.length = 0;
    });

    const batches = () =>
      proxy.seen.filter((r) => r.url.endsWith('/runs/log-batch')).map((r) => ({ size: r.body.length, body: JSON.parse(r.body.toString()) as BatchBody }));

    it('splits what a run logs into log-batch requests within every MLflow limit, and stores all of it', async () => {
      const run = await client.startRun({ experimentName: 'batching', runName: 'limits' });
      for (let i = 0; i < 2500; i++) await run.logMetric('loss', 1 / (i + 1), { step: i });
      for (let i = 0; i < 150; i++) await run.logParam(`p${i}`, i);
      for (let i = 0; i < 250; i++) await run.setTag(`t${i}`, `v${i}`);
      await run.endRun();
      const sent = batches();
      for (const b of sent) {
        expect(b.body.metrics.length).toBeLessThanOrEqual(1000);
        expect(b.body.params.length).toBeLessThanOrEqual(100);
        expect(b.body.tags.length).toBeLessThanOrEqual(100);
        expect(b.body.metrics.length + b.body.params.length + b.body.tags.length).toBeLessThanOrEqual(1000);
        expect(b.size).toBeLessThanOrEqual(1_000_000);
      }
      expect(sent.reduce((n, b) => n + b.body.metrics.length, 0)).toBe(2500);
      expect(sent.length).toBeLessThan(20);
      const stored = await client.runs.get(run.runId);
      expect(stored.info.status).toBe('FINISHED');
      expect(stored.data?.params).toHaveLength(150);
      expect(stored.data?.tags?.filter((t) => t.key.startsWith('t'))).toHaveLength(250);
      const history = await client.metrics.history(run.runId, 'loss').toArray();
      expect(history.map((m) => Number(m.step))).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    });

    it('keeps each request body under 1 MB when values are large', async () => {
      const run = await client.startRun({ experimentName: 'batching' });
      const big = 'é'.repeat(5000); // 10,000 bytes of UTF-8 per tag value
      for (let i = 0; i < 100; i++) await run.setTag(`big${i}`, big);
      for (let i = 0; i < 100; i++) await run.logParam(`big${i}`, 'ü'.repeat(6000));
      await run.flush();
      const sent = batches();
      expect(sent.length).toBeGreaterThan(1);
      for (const b of sent) expect(b.size).toBeLessThanOrEqual(1_000_000);
      const stored = await client.runs.get(run.runId);
      expect(stored.data?.params).toHaveLength(100);
      await run.endRun();
    });

    it('makes a tight loop wait when the queue is full instead of growing without bound', async () => {
      const slow = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 0, endRunsOnExit: false, batching: { maxPending: 500, flushIntervalMs: 10_000 } });
      const run = await slow.startRun({ experimentName: 'batching' });
      let highest = 0;
      for (let i = 0; i < 5000; i++) {
        await run.logMetric('x', i, { step: i });
        highest = Math.max(highest, run.logger.pending);
      }
      expect(highest).toBeLessThanOrEqual(500);
      await run.endRun();
      expect(await client.metrics.history(run.runId, 'x').toArray()).toHaveLength(5000);
      await slow.close();
    });

    it('does not wait for a stalled server until the queue is full, then holds the caller instead of queueing more', async () => {
      const stalled = new MlflowClient({ trackingUri: proxy.url, env: {}, maxRetries: 0, timeoutSeconds: 1, endRunsOnExit: false, batching: { maxPending: 2000, flushIntervalMs: 60_000 } });
      const run = await stalled.startRun({ experimentName: 'batching' });
      proxy.match(/log-batch/);
      proxy.script({ kind: 'hang' }); // the first batch never gets an answer
      // 2999 awaited calls return while that request hangs: 1000 in flight, 1999 queued.
      for (let i = 0; i < 2999; i++) await run.logMetric('x', i, { step: i });
      expect(run.logger.requests).toBe(0);
      expect(run.logger.pending).toBe(1999);
      // The next one fills the queue: the caller is held, nothing more is accepted meanwhile.
      let released = false;
      const held = run.logMetric('x', 2999, { step: 2999 }).then(() => (released = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(released).toBe(false);
      expect(run.logger.pending).toBe(2000);
      // The stalled request times out; the rest drains and the lost batch is reported, not hidden.
      await held;
      const err = await run.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlushError);
      expect((err as FlushError).lost).toBe(1000);
      proxy.match(/.*/);
      expect(await client.metrics.history(run.runId, 'x').toArray()).toHaveLength(2000);
      await run.endRun();
      await stalled.close();
    });

    it('surfaces a failed flush on flush(), on the next log call and on endRun', async () => {
      const run = await client.startRun({ experimentName: 'batching' });
      await run.logParam('lr', '0.1');
      await run.flush();
      await run.logParam('lr', '0.2'); // MLflow refuses to change a logged param
      const err = await run.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlushError);
      expect(err).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', lost: 1 });
      expect((err as Error).message).toContain('1 logged values were not stored');
      await run.logParam('other', 'x');
      proxy.script({ kind: 'status', status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'refused' }) });
      proxy.match(/log-batch/);
      await run.logger.settle(); // the background send, without reporting its failure
      proxy.match(/.*/);
      await expect(run.logParam('third', 'y')).rejects.toBeInstanceOf(FlushError);
      await run.setTag('late', 'x');
      proxy.match(/log-batch/);
      proxy.script({ kind: 'status', status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'refused again' }) });
      await expect(run.endRun()).rejects.toThrow('refused again');
      proxy.match(/.*/);
      expect((await client.runs.get(run.runId)).info.status).toBe('FINISHED');
    });

    it('withRun ends the run FINISHED, or FAILED when the function throws', async () => {
      const ok = await client.withRun({ experimentName: 'batching' }, async (run) => {
        await run.logMetric('m', 1);
        return run.runId;
      });
      expect((await client.runs.get(ok)).info.status).toBe('FINISHED');
      let failedId = '';
      await expect(
        client.withRun({ experimentName: 'batching' }, async (run) => {
          failedId = run.runId;
          await run.logParam('a', 'b');
          throw new Error('training diverged');
        }),
      ).rejects.toThrow('training diverged');
      const failed = await client.runs.get(failedId);
      expect(failed.info.status).toBe('FAILED');
      expect(failed.data?.params).toEqual([{ key: 'a', value: 'b' }]);
    });

    it('resumes MLFLOW_RUN_ID and uses MLFLOW_EXPERIMENT_NAME', async () => {
      const env = { MLFLOW_TRACKING_URI: proxy.url, MLFLOW_EXPERIMENT_NAME: 'from-env' };
      const first = new MlflowClient({ env, endRunsOnExit: false });
      const run = await first.startRun();
      expect((await client.experiments.get(run.experimentId)).name).toBe('from-env');
      await run.endRun();
      const resumed = await new MlflowClient({ env: { ...env, MLFLOW_RUN_ID: run.runId }, endRunsOnExit: false }).startRun();
      expect(resumed.runId).toBe(run.runId);
      expect(resumed.run.info.status).toBe('RUNNING');
      await resumed.endRun('KILLED');
      expect((await client.runs.get(run.runId)).info.status).toBe('KILLED');
      await first.close();
    });

    it.skipIf(!built)('flushes and ends runs when a script ends without flushing', async () => {
      const res = await childScript(
        proxy.url,
        `const run = await client.startRun({ experimentName: 'exit' });
         for (let i = 0; i < 2500; i++) run.logMetric('m', i, { step: i });
         console.log(run.runId);`,
      );
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const runId = res.stdout.trim();
      expect((await client.runs.get(runId)).info.status).toBe('FINISHED');
      expect(await client.metrics.history(runId, 'm').toArray()).toHaveLength(2500);
    });

    it.skipIf(!built)('says so on stderr when process.exit() leaves logged values unsent', async () => {
      const res = await childScript(
        proxy.url,
        `const run = await client.startRun({ experimentName: 'exit' });
         run.logMetric('m', 1);
         process.exit(0);`,
      );
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('1 logged values of run');
      expect(res.stderr).toContain('await run.flush()');
    });
  });
}

/** Runs a script using the built package in a child process (asynchronously: the server lives in this one). */
async function childScript(trackingUri: string, body: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-child-'));
  const file = path.join(dir, 'script.mjs');
  fs.writeFileSync(file, `import { MlflowClient } from ${JSON.stringify(pathToFileURL(distIndex).href)};\nconst client = new MlflowClient();\n${body}\n`);
  try {
    const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, MLFLOW_TRACKING_URI: trackingUri } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { status, stdout, stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
