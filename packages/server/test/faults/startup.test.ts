/**
 * A server started before its database is reachable waits for it (retrying with a log line
 * per attempt) and serves once it is up, instead of exiting; with --fail-fast it exits at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { serverBuilt, spawnServer, stopServer } from '../support/serverProcess.js';
import type { ServerProcess } from '../support/serverProcess.js';
import { startTcpProxy, viaProxy } from '../support/tcpProxy.js';
import { eventually, send } from './support.js';

const networked = testDialects().filter((d) => d.dialect !== 'sqlite');

describe.skipIf(!serverBuilt || networked.length > 0)('start-up while the database is down', () => {
  it.skip('needs the built server and DARWIN_TEST_MYSQL_URI or DARWIN_TEST_POSTGRES_URI', () => undefined);
});

for (const dialect of networked) {
  describe.skipIf(!serverBuilt)(`start-up while ${dialect.dialect} is down`, () => {
    let server: ServerProcess | undefined;
    afterEach(async () => stopServer(server));

    it('retries with backoff and a log line per attempt, then serves once the database is up', async () => {
      const database = await dialect.create('startup');
      const proxy = await startTcpProxy('127.0.0.1', Number(new URL(database.uri).port));
      try {
        proxy.cut();
        server = spawnServer(['--backend-store-uri', viaProxy(database.uri, proxy), '--default-artifact-root', '/tmp/darwin-startup-artifacts'], {
          DARWIN_DB_CONNECT_TIMEOUT_MS: '1000',
        });
        const started = server;
        await eventually(async () => started.logRecords().filter((r) => r.attempt !== undefined).length >= 2);
        const retries = started.logRecords().filter((r) => r.attempt !== undefined);
        expect(retries[0]).toMatchObject({ level: 'warn', attempt: 1, retry_in_ms: 500 });
        expect(retries[1]).toMatchObject({ level: 'warn', attempt: 2, retry_in_ms: 1000 });
        expect(String(retries[0]?.msg)).toMatch(/is not reachable yet .* retrying in 0\.5 s/);
        proxy.restore();
        const url = await started.listening;
        const search = await send(url, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 10 });
        expect(search.body.experiments.map((e: { name: string }) => e.name)).toEqual(['Default']);
      } finally {
        await stopServer(server);
        await proxy.close();
        await database.drop();
      }
    });
  });
}
