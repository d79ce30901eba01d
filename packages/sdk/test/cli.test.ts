/** `darwin-mlflow` client commands against our server: the shared cases, and what only the one binary does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli, cliCases } from './cases/cli.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';

describe.skipIf(!built)('darwin-mlflow client commands', () => {
  let server: SdkTestServer;

  beforeAll(async () => {
    server = await startServer(testDialects()[0]!, 'sdk_cli');
  });
  afterAll(async () => {
    await server?.close();
  });

  cliCases(() => ({ MLFLOW_TRACKING_URI: server.url }));

  it('sends the server commands to the server', async () => {
    expect((await cli(['server', '--help'], {})).out).toContain('--backend-store-uri');
  });
});
