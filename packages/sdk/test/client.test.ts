/** Every tracking and registry method of MlflowClient against our server, on each database. */
import { afterAll, beforeAll, describe } from 'vitest';
import { MlflowClient } from '../src/index.js';
import { clientCases } from './cases/client.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';

for (const dialect of testDialects()) {
  describe(`MlflowClient on ${dialect.dialect}`, () => {
    let server: SdkTestServer;
    let client: MlflowClient;

    beforeAll(async () => {
      server = await startServer(dialect, 'sdk_client');
      client = new MlflowClient({ trackingUri: server.url, env: {}, maxRetries: 0 });
    });
    afterAll(async () => {
      await client?.close();
      await server?.close();
    });

    clientCases(() => client);
  });
}
