import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, json, postJson, startArtifactServer } from './support.js';
import type { ArtifactServer } from './support.js';
import { rawRequest } from './http.js';

const API = '/api/2.0/mlflow';
const ART = '/api/2.0/mlflow-artifacts/artifacts';

describe('run artifacts with the proxy (default mlflow-artifacts:/ root)', () => {
  let server: ArtifactServer;
  let dest: string;
  let run: any;

  beforeAll(async () => {
    server = await startArtifactServer(['--artifacts-destination', '{dir}/mlartifacts']);
    dest = path.join(server.dir, 'mlartifacts');
    run = await createRun(server.url, 'proxied');
    // what the Python client does for mlflow-artifacts: roots
    const root = `${ART}/${run.experiment_id}/${run.run_id}/artifacts`;
    await fetch(`${server.url}${root}/a.txt`, { method: 'PUT', body: '0' });
    await fetch(`${server.url}${root}/dir/b.txt`, { method: 'PUT', body: '1' });
    await fetch(`${server.url}${root}/model/MLmodel`, { method: 'PUT', body: 'flavors: {}\n' });
  });
  afterAll(async () => server?.close());

  it('derives MLflow locations for experiments and runs', async () => {
    expect(run.artifact_uri).toBe(`mlflow-artifacts:/${run.experiment_id}/${run.run_id}/artifacts`);
    const exp = await json(await fetch(`${server.url}${API}/experiments/get?experiment_id=${run.experiment_id}`));
    expect(exp.experiment.artifact_location).toBe(`mlflow-artifacts:/${run.experiment_id}`);
    expect(fs.readFileSync(path.join(dest, run.experiment_id, run.run_id, 'artifacts', 'dir', 'b.txt'), 'utf8')).toBe('1');
  });

  it('lists run-relative paths from the destination', async () => {
    const top = await json(await fetch(`${server.url}${API}/artifacts/list?run_id=${run.run_id}`));
    expect(top).toEqual({
      root_uri: run.artifact_uri,
      files: [
        { path: 'a.txt', is_dir: false, file_size: 1 },
        { path: 'dir', is_dir: true },
        { path: 'model', is_dir: true },
      ],
    });
    const nested = await json(await fetch(`${server.url}${API}/artifacts/list?run_uuid=${run.run_id}&path=dir`));
    expect(nested).toEqual({ root_uri: run.artifact_uri, files: [{ path: 'dir/b.txt', is_dir: false, file_size: 1 }] });
    const missing = await json(await fetch(`${server.url}${API}/artifacts/list?run_id=${run.run_id}&path=nope`));
    expect(missing).toEqual({ root_uri: run.artifact_uri });
    const unknownRun = await fetch(`${server.url}${API}/artifacts/list?run_id=${'0'.repeat(32)}`);
    expect(unknownRun.status).toBe(404);
  });

  it('serves get-artifact, and 404/400 instead of MLflow 500s', async () => {
    const res = await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=dir%2Fb.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="b.txt"');
    expect((await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=nope.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=dir`)).status).toBe(400);
    const noPath = await fetch(`${server.url}/get-artifact?run_id=${run.run_id}`);
    expect(noPath.status).toBe(400);
    expect((await json(noPath)).message).toContain("'path'");
  });

  it('resolves and downloads mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/model', async () => {
    const uri = `mlflow-artifacts:/${run.experiment_id}/${run.run_id}/artifacts/model`;
    // the client's translation of that URI
    const listing = await json(await fetch(`${server.url}${ART}?path=${encodeURIComponent(uri.slice('mlflow-artifacts:/'.length))}`));
    expect(listing).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: 12 }] });
    const file = await fetch(`${server.url}${ART}/${run.experiment_id}/${run.run_id}/artifacts/model/MLmodel`);
    expect(await file.text()).toBe('flavors: {}\n');
  });

  it('takes UI uploads (upload-artifact) with MLflow messages and its 10 MB cap', async () => {
    const up = `${server.url}/ajax-api/2.0/mlflow/upload-artifact`;
    const ok = await fetch(`${up}?run_uuid=${run.run_id}&path=ui%2Fnote.txt`, { method: 'POST', body: 'hello world' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ok.text()).toBe('');
    expect(fs.readFileSync(path.join(dest, run.experiment_id, run.run_id, 'artifacts', 'ui', 'note.txt'), 'utf8')).toBe('hello world');
    const message = async (query: string, body: string | Buffer = '') =>
      (await json(await fetch(`${up}${query}`, { method: 'POST', body }))).message;
    expect(await message('')).toBe('Request must specify run_uuid.');
    expect(await message(`?run_uuid=${run.run_id}`)).toBe('Request must specify path.');
    expect(await message(`?run_uuid=${run.run_id}&path=`)).toBe('Request must specify path.');
    expect(await message(`?run_uuid=${run.run_id}&path=..%2Ftest.txt`)).toBe('Invalid path');
    expect(await message(`?run_uuid=${run.run_id}&path=test.txt`)).toBe('Request must specify data.');
    expect(await message(`?run_uuid=${run.run_id}&path=big.bin`, Buffer.alloc(10 * 1024 * 1024 + 1))).toBe('Artifact size is too large. Max size is 10MB.');
    // a chunked body over the cap is cut off too
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 11; i++) controller.enqueue(new Uint8Array(1024 * 1024));
        controller.close();
      },
    });
    const res = await fetch(`${up}?run_uuid=${run.run_id}&path=big2.bin`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(fs.existsSync(path.join(dest, run.experiment_id, run.run_id, 'artifacts', 'big2.bin'))).toBe(false);
  });

  it('creates promptlab runs with their artifacts, FINISHED', async () => {
    const url = `${server.url}/ajax-api/2.0/mlflow/runs/create-promptlab-run`;
    const bad = await json(await postJson(url, { experiment_id: '123' }));
    expect(bad).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'CreatePromptlabRun request must specify prompt_template.' });
    const body = {
      experiment_id: run.experiment_id,
      run_name: 'my_run_name',
      prompt_template: 'Tell me about {{ topic }}',
      prompt_parameters: [{ key: 'topic', value: 'cats' }],
      model_route: 'my_route',
      model_parameters: [{ key: 'temperature', value: 0.1 }],
      model_input: 'Tell me about cats',
      model_output: 'Cats purr.',
      model_output_parameters: [{ key: 'latency', value: '100' }],
      mlflow_version: '2.12.2',
      user_id: 'username',
      start_time: 456,
    };
    const missingExperiment = await postJson(url, { ...body, experiment_id: '99999' });
    expect(missingExperiment.status).toBe(404);
    const res = await json(await postJson(url, body));
    const info = res.run.info;
    expect(info).toMatchObject({ run_name: 'my_run_name', user_id: 'username', status: 'FINISHED', start_time: 456 });
    expect(res.run.data.params).toEqual([
      { key: 'temperature', value: '0.1' },
      { key: 'model_route', value: 'my_route' },
      { key: 'prompt_template', value: 'Tell me about {{ topic }}' },
    ]);
    expect(res.run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'mlflow.loggedArtifacts', value: '[{"path": "eval_results_table.json", "type": "table"}]' },
        { key: 'mlflow.runSourceType', value: 'PROMPT_ENGINEERING' },
      ]),
    );
    const history = JSON.parse(res.run.data.tags.find((t: any) => t.key === 'mlflow.log-model.history').value);
    expect(history[0]).toMatchObject({ run_id: info.run_id, artifact_path: 'model', flavors: {}, mlflow_version: '2.12.2' });
    const listing = await json(await fetch(`${server.url}${API}/artifacts/list?run_id=${info.run_id}&path=model`));
    expect(listing.files.map((f: any) => f.path)).toEqual([
      'model/MLmodel',
      'model/conda.yaml',
      'model/input_example.json',
      'model/parameters.yaml',
      'model/python_env.yaml',
      'model/requirements.txt',
    ]);
    const table = await json(await fetch(`${server.url}/get-artifact?run_id=${info.run_id}&path=eval_results_table.json`));
    expect(table).toEqual({ columns: ['topic', 'prompt', 'output', 'latency'], data: [['cats', 'Tell me about cats', 'Cats purr.', '100']] });
    const parameters = await (await fetch(`${server.url}/get-artifact?run_id=${info.run_id}&path=model/parameters.yaml`)).text();
    expect(parameters).toBe(
      "model_parameters:\n  temperature: '0.1'\nmodel_route: my_route\nprompt_parameters:\n  topic: cats\nprompt_template: Tell me about {{ topic }}\n",
    );
    const mlmodel = await (await fetch(`${server.url}/get-artifact?run_id=${info.run_id}&path=model/MLmodel`)).text();
    expect(mlmodel).toContain('loader_module: mlflow.promptlab');
    expect(mlmodel).toContain(`run_id: ${info.run_id}`);
  });

  it('serves model-version artifacts from the version download location', async () => {
    await postJson(`${server.url}${API}/registered-models/create`, { name: 'mv-art' });
    const created = await postJson(`${server.url}${API}/model-versions/create`, {
      name: 'mv-art',
      source: `mlflow-artifacts:/${run.experiment_id}/${run.run_id}/artifacts/model`,
      run_id: run.run_id,
    });
    expect(created.status).toBe(200);
    const res = await fetch(`${server.url}/model-versions/get-artifact?name=mv-art&version=1&path=MLmodel`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('flavors: {}\n');
    expect((await fetch(`${server.url}/model-versions/get-artifact?name=mv-art&version=7&path=MLmodel`)).status).toBe(404);
  });
});

describe('run artifacts in a local default artifact root (file://)', () => {
  let server: ArtifactServer;
  let other: string;

  beforeAll(async () => {
    server = await startArtifactServer(['--default-artifact-root', 'file://{dir}/root']);
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-elsewhere-'));
    fs.writeFileSync(path.join(other, 'passwd'), 'secret');
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(other, { recursive: true, force: true });
  });

  it('reads and writes the run location directly', async () => {
    const run = await createRun(server.url, 'local');
    expect(run.artifact_uri).toBe(`file://${server.dir}/root/${run.experiment_id}/${run.run_id}/artifacts`);
    const up = await fetch(`${server.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run.run_id}&path=test.txt`, { method: 'POST', body: 'hello world' });
    expect(up.status).toBe(200);
    const runDir = path.join(server.dir, 'root', run.experiment_id, run.run_id, 'artifacts');
    expect(fs.readFileSync(path.join(runDir, 'test.txt'), 'utf8')).toBe('hello world');
    fs.mkdirSync(path.join(runDir, 'sub'));
    fs.writeFileSync(path.join(runDir, 'sub', 'x.json'), '{}');
    const got = await fetch(`${server.url}/get-artifact?run_uuid=${run.run_id}&path=test.txt`);
    expect(await got.text()).toBe('hello world');
    const listing = await json(await fetch(`${server.url}${API}/artifacts/list?run_id=${run.run_id}`));
    expect(listing.files).toEqual([
      { path: 'sub', is_dir: true },
      { path: 'test.txt', is_dir: false, file_size: 11 },
    ]);
  });

  it('refuses to read or write a location outside the configured roots', async () => {
    const exp = await json(await postJson(`${server.url}${API}/experiments/create`, { name: 'elsewhere', artifact_location: other }));
    const runRes = await json(await postJson(`${server.url}${API}/runs/create`, { experiment_id: exp.experiment_id }));
    const runId = runRes.run.info.run_id;
    const list = await fetch(`${server.url}${API}/artifacts/list?run_id=${runId}`);
    expect(list.status).toBe(501);
    const up = await fetch(`${server.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=x.txt`, { method: 'POST', body: 'x' });
    expect(up.status).toBe(501);
    expect(fs.readdirSync(other)).toEqual(['passwd']);
  });

  it('never fetches a remote location', async () => {
    const exp = await json(await postJson(`${server.url}${API}/experiments/create`, { name: 'remote', artifact_location: 'https://example.invalid/x' }));
    const runRes = await json(await postJson(`${server.url}${API}/runs/create`, { experiment_id: exp.experiment_id }));
    const res = await fetch(`${server.url}${API}/artifacts/list?run_id=${runRes.run.info.run_id}`);
    expect(res.status).toBe(501);
  });
});

describe('an http(s) default artifact root pointing at this server', () => {
  let server: ArtifactServer;

  beforeAll(async () => {
    server = await startArtifactServer([
      '--artifacts-destination',
      '{dir}/dest',
      '--default-artifact-root',
      'http://127.0.0.1:1/api/2.0/mlflow-artifacts/artifacts',
    ]);
  });
  afterAll(async () => server?.close());

  it('resolves against the destination without any request', async () => {
    const run = await createRun(server.url, 'http-root');
    expect(run.artifact_uri).toBe(`http://127.0.0.1:1/api/2.0/mlflow-artifacts/artifacts/${run.experiment_id}/${run.run_id}/artifacts`);
    await fetch(`${server.url}${ART}/${run.experiment_id}/${run.run_id}/artifacts/a.txt`, { method: 'PUT', body: 'abcdefg' });
    expect(await (await fetch(`${server.url}/get-artifact?run_id=${run.run_id}&path=a.txt`)).text()).toBe('abcdefg');
    const listing = await json(await fetch(`${server.url}${API}/artifacts/list?run_id=${run.run_id}`));
    expect(listing.files).toEqual([{ path: 'a.txt', is_dir: false, file_size: 7 }]);
  });
});

describe('serving modes', () => {
  it('answers 503 on the proxy with --no-serve-artifacts', async () => {
    const server = await startArtifactServer(['--no-serve-artifacts', '--default-artifact-root', '{dir}/root']);
    try {
      const res = await rawRequest(server.url, 'PUT', `${ART}/a.txt`, 'x');
      expect(res.status).toBe(503);
      expect(res.body.toString()).toBe(
        'Endpoint: /api/2.0/mlflow-artifacts/artifacts/<path:artifact_path> disabled due to the mlflow server running with `--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`',
      );
      expect((await rawRequest(server.url, 'GET', `/ajax-api/2.0/mlflow-artifacts/artifacts?path=x`)).status).toBe(503);
      expect((await rawRequest(server.url, 'POST', `/api/2.0/mlflow-artifacts/mpu/create/x`, '{}', { 'content-type': 'application/json' })).status).toBe(503);
      // run artifacts still work through the run's own location
      const run = await createRun(server.url, 'noserve');
      expect(run.artifact_uri.startsWith(`${server.dir}/root/`)).toBe(true);
      const up = await fetch(`${server.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run.run_id}&path=n.txt`, { method: 'POST', body: 'n' });
      expect(up.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('keeps the proxy and disables tracking with --artifacts-only', async () => {
    const server = await startArtifactServer(['--artifacts-only', '--artifacts-destination', '{dir}/dest']);
    try {
      expect((await rawRequest(server.url, 'PUT', `${ART}/only.txt`, 'o')).status).toBe(200);
      expect((await rawRequest(server.url, 'GET', `${ART}/only.txt`)).body.toString()).toBe('o');
      const list = await rawRequest(server.url, 'GET', `${API}/artifacts/list?run_id=x`);
      expect(list.status).toBe(503);
      const promptlab = await rawRequest(server.url, 'POST', `/ajax-api/2.0/mlflow/runs/create-promptlab-run`, '{}', { 'content-type': 'application/json' });
      expect(promptlab.status).toBe(503);
      expect(promptlab.body.toString()).toContain('`--artifacts-only`');
      expect((await rawRequest(server.url, 'GET', `/model-versions/get-artifact?name=a&version=1&path=x`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });
});
