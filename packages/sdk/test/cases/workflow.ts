/** What examples/darwin-workflow.ts must leave behind on any server it ran against. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { MlflowClient } from '../../src/index.js';
import type { main } from '../../../../examples/darwin-workflow.js';

export type WorkflowResult = Awaited<ReturnType<typeof main>>;

/** Runs the example unchanged against MLFLOW_TRACKING_URI as it stands. */
export async function runWorkflowExample(): Promise<WorkflowResult> {
  const example = await import('../../../../examples/darwin-workflow.js');
  return example.main();
}

/** A finished run with 10,000 points, the reports folder, a registered model at Production with alias champion, downloaded. */
export async function expectWorkflowDone(client: MlflowClient, out: WorkflowResult): Promise<void> {
  const run = await client.runs.get(out.runId);
  expect(run.info.status).toBe('FINISHED');
  expect(await client.metrics.history(out.runId, 'train_rmse').toArray()).toHaveLength(10_000);
  const reports = await client.artifacts.walk(await client.resolveArtifactUri(`runs:/${out.runId}/reports`));
  expect(reports.map((f) => f.path)).toEqual(['metrics.csv', 'plots/residuals.svg']);
  expect(out.deployUri).toBe(`mlflow-artifacts:/${run.info.experiment_id}/${out.runId}/artifacts/model`);
  const champion = await client.registeredModels.getVersionByAlias('HousePricingRF', 'champion');
  expect(champion).toMatchObject({ version: out.version, current_stage: 'Production' });
  expect(JSON.parse(fs.readFileSync(path.join(out.downloaded, 'data', 'model.json'), 'utf8'))).toMatchObject({ n_estimators: 100 });
}
