/** The TypeScript Darwin workflow in examples/ runs unchanged against a server the test starts. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../src/index.js';
import { startServer, testDialects } from './support/server.js';
import type { SdkTestServer } from './support/server.js';

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
      const { main } = await import('../../../examples/darwin-workflow.js');
      const out = await main();
      const client = new MlflowClient({ trackingUri: server.url, env: {} });
      const run = await client.runs.get(out.runId);
      expect(run.info.status).toBe('FINISHED');
      expect(await client.metrics.history(out.runId, 'train_rmse').toArray()).toHaveLength(10_000);
    const reports = await client.artifacts.walk(await client.resolveArtifactUri(`runs:/${out.runId}/reports`));
    expect(reports.map((f) => f.path)).toEqual(['metrics.csv', 'plots/residuals.svg']);
      expect(out.deployUri).toBe(`mlflow-artifacts:/${run.info.experiment_id}/${out.runId}/artifacts/model`);
      const champion = await client.registeredModels.getVersionByAlias('HousePricingRF', 'champion');
      expect(champion).toMatchObject({ version: out.version, current_stage: 'Production' });
      expect(JSON.parse(fs.readFileSync(path.join(out.downloaded, 'data', 'model.json'), 'utf8'))).toMatchObject({ n_estimators: 100 });
      await client.close();
    });
  });
}
