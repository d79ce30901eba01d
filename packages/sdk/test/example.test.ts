/** The TypeScript Darwin workflow in examples/ runs unchanged against a server the test starts. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MlflowClient } from '../src/index.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';
import { expectWorkflowDone, runWorkflowExample } from './cases/workflow.js';

for (const dialect of testDialects()) {
  describe(`examples/darwin-workflow.ts on ${dialect.dialect}`, () => {
    let server: SdkTestServer;
    const saved = { ...process.env };

    beforeAll(async () => {
      server = await startServer(dialect, 'sdk_example');
      process.env.MLFLOW_TRACKING_URI = server.url;
    });
    afterAll(async () => {
      process.env = saved;
      await server?.close();
    });

    it('trains, logs 10,000 points and a model, registers, promotes and downloads it by alias', async () => {
      const out = await runWorkflowExample();
      const client = new MlflowClient({ trackingUri: server.url, env: {} });
      await expectWorkflowDone(client, out);
      await client.close();
    });
  });
}
