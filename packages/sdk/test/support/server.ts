/**
 * A real Darwin MLflow server on a real socket (port 0) for the SDK tests: the server package's
 * own app factory and config loader, a fresh database, and artifacts served by the proxy
 * (`mlflow-artifacts:/` root), as `darwin-mlflow server` runs by default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/src/app.js';
import { loadServerConfig } from '../../../server/src/config/serverConfig.js';
import type { TestDatabase, TestDialect } from '../../../server/test/support/databases.js';

export { testDialects } from '../../../server/test/support/databases.js';
export type { TestDialect };

export interface SdkTestServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  readonly artifactsDir: string;
  close(): Promise<void>;
}

export async function startServer(dialect: TestDialect, label: string, extraArgs: string[] = []): Promise<SdkTestServer> {
  const database = await dialect.create(label);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-'));
  const artifactsDir = path.join(root, 'mlartifacts');
  const config = loadServerConfig(
    ['--backend-store-uri', database.uri, '--artifacts-destination', artifactsDir, '--host', '127.0.0.1', '--port', '0', ...extraArgs],
    {},
    root,
  );
  const app = await buildApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    database,
    artifactsDir,
    async close() {
      await app.close();
      await database.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
