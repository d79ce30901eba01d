/**
 * The Darwin end-to-end workflow with darwin-mlflow-sdk: train, log params and metrics, log a
 * model directory, register it, promote it, set alias `champion`, get its deploy URI and
 * download it by `models:/<name>@champion`.
 *
 *   MLFLOW_TRACKING_URI=http://localhost:5000 npx tsx examples/darwin-workflow.ts
 *   (or compile it with tsc, or `node --experimental-strip-types` on Node 22.6+; it uses only the
 *   SDK's public API, and runs unchanged against Python `mlflow server` 2.12.2)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MlflowClient, NotFoundError } from 'darwin-mlflow-sdk';

const MODEL_NAME = process.env.MODEL_NAME ?? 'HousePricingRF';
const POINTS = Number(process.env.POINTS ?? 10_000);

/** A stand-in for training: a model directory as `mlflow.<flavor>.save_model` would write it. */
function saveModel(dir: string, params: Record<string, number>): void {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'MLmodel'), 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n');
  fs.writeFileSync(path.join(dir, 'data', 'model.json'), JSON.stringify({ kind: 'random-forest', ...params }));
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'scikit-learn\n');
}

/** Evaluation reports, logged as a directory of artifacts beside the model. */
function writeReports(dir: string, rmse: number[]): void {
  fs.mkdirSync(path.join(dir, 'plots'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'metrics.csv'), `step,rmse\n${rmse.map((v, i) => `${i},${v}`).join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'plots', 'residuals.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n');
}

export async function main(): Promise<{ runId: string; deployUri: string; downloaded: string; version: string }> {
  const client = new MlflowClient();
  const params = { n_estimators: 100, max_depth: 8 };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-example-'));

  const result = await client.withRun({ experimentName: 'house_pricing', runName: `rf_${Date.now()}` }, async (run) => {
    await run.logParams(params);
    for (let step = 0; step < POINTS; step++) await run.logMetric('train_rmse', 1 / (1 + step / 100), { step });
    await run.logMetrics({ rmse: 0.31, mae: 0.22, r2: 0.87 });
    writeReports(path.join(work, 'reports'), [0.5, 0.4, 0.31]);
    await run.logArtifacts(path.join(work, 'reports'), 'reports');
    saveModel(path.join(work, 'model'), params);
    await run.logArtifacts(path.join(work, 'model'), 'model');
    await run.logDict({ features: ['rooms', 'area'] }, 'input_example.json');
    return { runId: run.runId, deployUri: run.deployUri() };
  });

  try {
    await client.registeredModels.get(MODEL_NAME);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await client.registeredModels.create(MODEL_NAME);
  }
  const version = await client.modelVersions.create(MODEL_NAME, `runs:/${result.runId}/model`, { runId: result.runId });
  await client.modelVersions.transitionStage(MODEL_NAME, version.version, 'Production', true);
  await client.registeredModels.setAlias(MODEL_NAME, 'champion', version.version);

  const downloaded = await client.downloadArtifacts(`models:/${MODEL_NAME}@champion`, path.join(work, 'download'));
  console.log(JSON.stringify({ model_uri: result.deployUri, serve_name: MODEL_NAME.toLowerCase(), env: 'local', version: version.version, downloaded }));
  await client.close();
  return { ...result, downloaded, version: version.version };
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
