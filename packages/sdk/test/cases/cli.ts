/**
 * The `darwin-mlflow` client commands as a user runs them (the server package's bin in a child
 * process), as cases for our server (cli.test.ts) and Python `mlflow server` (python-mlflow.test.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MlflowClient } from '../../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const bin = path.join(repo, 'packages/server/bin/darwin-mlflow.js');
export const built = fs.existsSync(path.join(repo, 'packages/sdk/dist/cli/index.js')) && fs.existsSync(path.join(repo, 'packages/server/dist/cli.js'));

export function cli(args: string[], env: Record<string, string>, cwd = os.tmpdir()): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

/** Seeds a run with a model and a registered model, then runs the cases with `envOf()`'s server. */
export function cliCases(envOf: () => Record<string, string>): void {
  let env: Record<string, string>;
  let runId: string;
  let dest: string;

  beforeAll(async () => {
    env = envOf();
    dest = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-cli-'));
    const client = new MlflowClient({ env, endRunsOnExit: false });
    const run = await client.startRun({ experimentName: 'house_pricing', runName: 'rf_1' });
    runId = run.runId;
    await run.logParam('n_estimators', 100);
    await run.logMetric('rmse', 0.25);
    await run.logText('artifact_path: model\n', 'model/MLmodel');
    await run.logText('weights', 'model/data/model.pkl');
    await run.endRun();
    await client.registeredModels.create('HousePricingRF');
    await client.modelVersions.create('HousePricingRF', `runs:/${runId}/model`, { runId });
    await client.close();
  });
  afterAll(() => {
    fs.rmSync(dest, { recursive: true, force: true });
  });

  it('lists the runs of an experiment by name, as lines in a pipe and as JSON', async () => {
    const res = await cli(['runs', 'list', '--experiment', 'house_pricing'], env);
    expect(res.code).toBe(0);
    const [header, line] = res.out.trim().split('\n');
    expect(header).toBe('RUN ID\tNAME\tSTATUS\tSTARTED\tUSER\tMETRICS');
    expect(line).toContain(`${runId}\trf_1\tFINISHED`);
    expect(line).toContain('rmse=0.25');
    const json = await cli(['--json', 'runs', 'list', '-e', 'house_pricing'], env);
    expect(JSON.parse(json.out).map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
  });

  it('downloads runs:/<id>/model into --dest', async () => {
    const res = await cli(['artifacts', 'download', `runs:/${runId}/model`, '--dest', dest], env);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toContain(`Downloaded runs:/${runId}/model to ${path.join(dest, 'model')} (2 files).`);
    expect(fs.readFileSync(path.join(dest, 'model', 'data', 'model.pkl'), 'utf8')).toBe('weights');
  });

  it('promotes a model, sets an alias and downloads it by the alias', async () => {
    expect((await cli(['models', 'transition', 'HousePricingRF', '1', 'production'], env)).out).toContain('version 1 is now in Production');
    expect((await cli(['models', 'alias', 'HousePricingRF', 'champion', '1'], env)).code).toBe(0);
    const got = await cli(['--json', 'models', 'get', 'models:/HousePricingRF@champion'], env);
    expect(JSON.parse(got.out)).toMatchObject({ version: '1', current_stage: 'Production', aliases: ['champion'] });
    const down = await cli(['models', 'download', 'models:/HousePricingRF@champion', '-d', path.join(dest, 'by-alias')], env);
    expect(down.code).toBe(0);
    expect(down.out).toContain(`Downloaded models:/HousePricingRF@champion to ${path.join(dest, 'by-alias', 'model')} (2 files).`);
    expect(fs.existsSync(path.join(dest, 'by-alias', 'model', 'MLmodel'))).toBe(true);
    const list = await cli(['models', 'list'], env);
    expect(list.out).toContain('HousePricingRF\tv1 (Production)\tchampion=v1');
  });

  it('lists artifacts and experiments', async () => {
    const arts = await cli(['artifacts', 'list', `runs:/${runId}/model`, '--recursive'], env);
    expect(arts.out.trim().split('\n')).toEqual(['PATH\tSIZE', 'MLmodel\t21', 'data/model.pkl\t7']);
    const exps = await cli(['--json', 'experiments', 'get', 'house_pricing'], env);
    expect(JSON.parse(exps.out).name).toBe('house_pricing');
  });

  it('exits with codes that mean something, and says what to do', async () => {
    const missing = await cli(['runs', 'list', '--experiment', 'nope'], env);
    expect(missing.code).toBe(4);
    expect(missing.err).toContain("No experiment with id or name 'nope'. List them with 'darwin-mlflow experiments list'.");
    const usage = await cli(['runs', 'list'], env);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("required option '-e, --experiment <id-or-name>' not specified");
    const badStage = await cli(['models', 'transition', 'HousePricingRF', '1', 'Prod'], env);
    expect(badStage.code).toBe(2);
    expect(badStage.err).toContain('stage must be one of None, Staging, Production, Archived');
    const down = await cli(['runs', 'get', 'x'], { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' });
    expect(down.code).toBe(5);
    expect(down.err).toContain('Check MLFLOW_TRACKING_URI');
    const badUri = await cli(['runs', 'get', 'x'], { MLFLOW_TRACKING_URI: 'sqlite:///x.db' });
    expect(badUri.code).toBe(2);
    expect(badUri.err).toContain('is not an HTTP server');
  });

  it('stops quietly when the reader of its output has left (| head, | true)', async () => {
    const child = spawn('/bin/sh', ['-c', `"${process.execPath}" "${bin}" runs --help | true`], { env: { PATH: process.env.PATH ?? '' } });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(err).toBe('');
  });

  it('explains itself with --help and prints shell completion', async () => {
    const help = await cli(['artifacts', 'download', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.out).toContain('darwin-mlflow artifacts download runs:/<run_id>/model');
    expect(help.out).toContain('models:/<name>@<alias>');
    const top = await cli(['--help'], env);
    expect(top.out).toContain('Client commands');
    const completion = await cli(['completion', 'bash'], env);
    expect(completion.out).toContain('complete -o default -F _darwin_mlflow_complete darwin-mlflow');
    expect(completion.out).toContain('runs) words="list get delete restore');
  });
}
