/**
 * Every tracking and registry method of MlflowClient, as cases any MLflow 2.x server must pass:
 * ours on each database (client.test.ts) and Python `mlflow server` (python-mlflow.test.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import { BadRequestError, MlflowError, NotFoundError } from '../../src/index.js';
import type { MlflowClient } from '../../src/index.js';

export function clientCases(clientOf: () => MlflowClient): void {
  let client: MlflowClient;
  beforeAll(() => {
    client = clientOf();
  });
  it('creates, reads, renames, tags, deletes and restores experiments', async () => {
    const id = await client.experiments.create('exp-a', { tags: { team: 'ml' } });
    expect((await client.experiments.get(id)).name).toBe('exp-a');
    expect((await client.experiments.getByName('exp-a')).experiment_id).toBe(id);
    await client.experiments.update(id, 'exp-b');
    await client.experiments.setTag(id, 'stage', 'dev');
    const exp = await client.experiments.get(id);
    expect(exp.name).toBe('exp-b');
    expect(exp.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'ml' }, { key: 'stage', value: 'dev' }]));
    await client.experiments.delete(id);
    expect((await client.experiments.get(id)).lifecycle_stage).toBe('deleted');
    await client.experiments.restore(id);
    expect((await client.experiments.get(id)).lifecycle_stage).toBe('active');
    expect(await client.setExperiment('exp-b')).toBe(id);
  });

  it('pages experiment searches lazily as an async iterator', async () => {
    for (let i = 0; i < 5; i++) await client.experiments.create(`paged-${i}`);
    const paged = client.experiments.search({ filter: "name LIKE 'paged-%'", maxResults: 2, orderBy: ['name'] });
    const pages = [];
    for await (const p of paged.pages()) pages.push(p.items.map((e) => e.name));
    expect(pages).toEqual([['paged-0', 'paged-1'], ['paged-2', 'paged-3'], ['paged-4']]);
    expect((await paged.toArray(3)).map((e) => e.name)).toEqual(['paged-0', 'paged-1', 'paged-2']);
  });

  it('rebuilds MLflow errors with their code and status', async () => {
    const missing = await client.experiments.get('999999').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    const bad = await client.runs.search(['0'], { filter: 'nonsense ~~' }).toArray().catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    const dup = await client.experiments.create('exp-b').catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS', status: 400 });
  });

  it('runs: create, log, read, search, update, delete, restore', async () => {
    const exp = await client.experiments.create('runs-exp');
    const run = await client.runs.create({ experiment_id: exp, run_name: 'r1', tags: [{ key: 'a', value: '1' }] });
    const id = run.info.run_id;
    await client.runs.logParam(id, 'lr', '0.1');
    await client.runs.logMetric(id, 'loss', 0.5, { step: 1, timestamp: 1000 });
    await client.runs.logMetric(id, 'loss', Number.NaN, { step: 2, timestamp: 2000 });
    await client.runs.setTag(id, 'b', '2');
    await client.runs.deleteTag(id, 'a');
    await client.runs.logBatch(id, { metrics: [{ key: 'acc', value: 0.9, step: 0 }], params: [{ key: 'depth', value: '3' }], tags: [{ key: 'c', value: '3' }] });
    await client.runs.logInputs(id, [{ dataset: { name: 'ds', digest: 'abc', source_type: 'local', source: '/tmp/ds' }, tags: [] }]);
    await client.runs.logModel(id, JSON.stringify({ artifact_path: 'model', flavors: {}, run_id: id, utc_time_created: '2024-01-01 00:00:00.000000' }));
    const got = await client.runs.get(id);
    expect(got.data?.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }]));
    const tagKeys = (got.data?.tags ?? []).map((t) => t.key);
    expect(tagKeys).toEqual(expect.arrayContaining(['b', 'c', 'mlflow.log-model.history']));
    expect(tagKeys).not.toContain('a');
    expect(got.inputs?.dataset_inputs?.[0]?.dataset.name).toBe('ds');
    const history = await client.metrics.history(id, 'loss').toArray();
    expect(history.map((m) => [m.step, m.value])).toEqual([[1, 0.5], [2, 'NaN']]);
    const bulk = await client.metrics.historyBulkInterval([id], 'loss');
    expect(bulk.map((m) => m.run_id)).toEqual([id, id]);
    expect((await client.metrics.historyBulk([id], 'acc')).map((m) => m.value)).toEqual([0.9]);
    const found = await client.runs.search([exp], { filter: "params.lr = '0.1'" }).toArray();
    expect(found.map((r) => r.info.run_id)).toEqual([id]);
    const info = await client.runs.update(id, { status: 'FINISHED', end_time: Date.now(), run_name: 'renamed' });
    expect(info).toMatchObject({ status: 'FINISHED', run_name: 'renamed' });
    await client.runs.delete(id);
    expect((await client.runs.get(id)).info.lifecycle_stage).toBe('deleted');
    await client.runs.restore(id);
    expect((await client.runs.get(id)).info.lifecycle_stage).toBe('active');
  });

  it('registry: models, versions, stages, aliases, tags, download URIs', async () => {
    const exp = await client.experiments.create('reg-exp');
    const run = await client.runs.create({ experiment_id: exp });
    const model = await client.registeredModels.create('Reg', { description: 'first', tags: { k: 'v' } });
    expect(model.name).toBe('Reg');
    const v1 = await client.modelVersions.create('Reg', `runs:/${run.info.run_id}/model`, { runId: run.info.run_id, tags: { t: '1' } });
    const v2 = await client.modelVersions.create('Reg', `runs:/${run.info.run_id}/model`, { runId: run.info.run_id });
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    await client.modelVersions.update('Reg', '1', 'described');
    expect((await client.modelVersions.get('Reg', '1')).description).toBe('described');
    expect((await client.modelVersions.transitionStage('Reg', '2', 'Production')).current_stage).toBe('Production');
    expect((await client.registeredModels.getLatestVersions('Reg', ['Production'])).map((v) => v.version)).toEqual(['2']);
    await client.registeredModels.setAlias('Reg', 'champion', '1');
    expect((await client.registeredModels.getVersionByAlias('Reg', 'champion')).version).toBe('1');
    expect((await client.getModelVersionByUri('models:/Reg@champion')).version).toBe('1');
    expect((await client.getModelVersionByUri('models:/Reg/Production')).version).toBe('2');
    expect((await client.getModelVersionByUri('models:/Reg/latest')).version).toBe('2');
    await client.registeredModels.deleteAlias('Reg', 'champion');
    await client.registeredModels.setTag('Reg', 'owner', 'me');
    await client.registeredModels.deleteTag('Reg', 'k');
    await client.modelVersions.setTag('Reg', '1', 'q', 'ok');
    await client.modelVersions.deleteTag('Reg', '1', 't');
    expect((await client.modelVersions.get('Reg', '1')).tags).toEqual([{ key: 'q', value: 'ok' }]);
    // MLflow 2.12.2 answers a runs:/ source as it was given; the client resolves it further.
    expect(await client.modelVersions.getDownloadUri('Reg', '1')).toBe(`runs:/${run.info.run_id}/model`);
    expect(await client.resolveArtifactUri('models:/Reg/1')).toEqual({ kind: 'proxy', path: `${exp}/${run.info.run_id}/artifacts/model` });
    expect((await client.modelVersions.search({ filter: "name = 'Reg'" }).toArray()).length).toBe(2);
    await client.registeredModels.update('Reg', 'second');
    const renamed = await client.registeredModels.rename('Reg', 'Reg2');
    expect(renamed).toMatchObject({ name: 'Reg2', description: 'second' });
    expect((await client.registeredModels.search({ filter: "name = 'Reg2'" }).toArray()).map((m) => m.tags)).toEqual([[{ key: 'owner', value: 'me' }]]);
    await client.modelVersions.delete('Reg2', '1');
    await client.registeredModels.delete('Reg2');
    await expect(client.registeredModels.get('Reg2')).rejects.toBeInstanceOf(NotFoundError);
  });
}
