/**
 * /graphql queries on every database: the scenarios of MLflow's three GraphQL tests
 * (test_rest_tracking.py) and the answers the real MLflow 2.12.2 server gives for the rest of
 * the schema (recorded against it; proto defaults for unset fields, int64 as strings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { gql, rest, seed } from './support.js';
import type { Seeded } from './support.js';

const RUN_FIELDS = `
  info { runId runUuid runName experimentId userId status startTime endTime artifactUri lifecycleStage }
  data { metrics { key value timestamp step } params { key value } tags { key value } }
  inputs { datasetInputs { tags { key value } dataset { name digest sourceType source schema profile } } }
  experiment { name }
  modelVersions { name version userId currentStage description source runId status statusMessage tags { key value } runLink aliases }`;

describe.each(testDialects())('graphql queries on $dialect', (dialect) => {
  let server: TestServer;
  let seeded: Seeded;
  const name = 'GraphqlTest';

  beforeAll(async () => {
    server = await startTestApp(dialect, 'graphql_queries');
    seeded = await seed(server.app, name);
  });
  afterAll(async () => server?.close());

  describe("MLflow's own scenarios", () => {
    it('test_graphql_handler: echoes through the test field', async () => {
      const res = await gql(server.app, 'query testQuery {test(inputString: "abc") { output }}', undefined, 'testQuery');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { test: { output: 'abc' } }, errors: null });
    });

    it('test_get_experiment_graphql: reads an experiment by id', async () => {
      const res = await gql(server.app, `query testQuery {mlflowGetExperiment(input: {experimentId: "${seeded.experimentId}"}) { experiment { name } }}`);
      expect(res.status).toBe(200);
      expect(res.body.data.mlflowGetExperiment.experiment.name).toBe(name);
    });

    it('test_get_run_and_experiment_graphql: a run with its experiment and model versions', async () => {
      const query = `query testQuery { mlflowGetRun(input: {runId: "${seeded.runId}"}) {
        run { info { status } experiment { name } modelVersions { name } } } }`;
      const res = await gql(server.app, query, undefined, 'testQuery');
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeNull();
      expect(res.body.data.mlflowGetRun.run.info.status).toBe('RUNNING');
      expect(res.body.data.mlflowGetRun.run.experiment.name).toBe(name);
      expect(res.body.data.mlflowGetRun.run.modelVersions[0].name).toBe(name);
    });
  });

  it('answers every run field as MLflow does, NaN metrics as a field error', async () => {
    const res = await gql(server.app, `{ mlflowGetRun(input: {runId: "${seeded.runId}"}) { run { ${RUN_FIELDS} } } }`);
    expect(res.status).toBe(200);
    // graphql-core's wording for a NaN Float; the rest of the answer is still there
    expect(res.body.errors).toEqual(['Float cannot represent non numeric value: nan']);
    const run = res.body.data.mlflowGetRun.run;
    expect(run.info).toMatchObject({
      runId: seeded.runId,
      runUuid: seeded.runId,
      runName: 'r1',
      experimentId: seeded.experimentId,
      status: 'RUNNING',
      endTime: '0', // unset int64 reads as 0 (proto2 default), as a LongString
      lifecycleStage: 'active',
    });
    expect(run.info.startTime).toBe('1700000000000');
    // the store gives no order (MySQL differs), as in MLflow
    expect([...run.data.metrics].sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key))).toEqual([
      { key: 'big', value: 1e300, timestamp: '9007199254740993', step: '9007199254740993' },
      { key: 'm', value: 1.5, timestamp: '1000', step: '2' },
      { key: 'n', value: null, timestamp: '1000', step: '0' },
    ]);
    expect(res.text).toContain('"step":"9007199254740993"');
    expect(run.data.params).toEqual([{ key: 'p', value: 'q' }]);
    expect(run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'a', value: 'b' },
        { key: 'mlflow.runName', value: 'r1' },
      ]),
    );
    expect(run.inputs.datasetInputs).toEqual([
      {
        tags: [{ key: 'context', value: 'train' }],
        // unset schema and profile read as ""
        dataset: { name: 'ds', digest: 'dig', sourceType: 'local', source: 'src', schema: '', profile: '' },
      },
    ]);
    expect(run.experiment).toEqual({ name });
    // newest first; search answers carry no aliases; unset strings read as ""
    expect(run.modelVersions).toEqual([
      { name, version: '2', userId: '', currentStage: 'None', description: '', source: 'runs:/graphql_test/model2', runId: seeded.runId, status: 'READY', statusMessage: '', tags: [], runLink: '', aliases: [] },
      { name, version: '1', userId: '', currentStage: 'None', description: 'desc', source: 'runs:/graphql_test/model', runId: seeded.runId, status: 'READY', statusMessage: '', tags: [{ key: 'k', value: 'v' }], runLink: '', aliases: [] },
    ]);
  });

  it('reads an empty run as empty lists, and by its old name run_uuid', async () => {
    const query = `{ mlflowGetRun(input: {runUuid: "${seeded.bareRunId}"}) {
      run { info { endTime } data { metrics { key } params { key } } inputs { datasetInputs { tags { key } } } modelVersions { name } } } }`;
    const res = await gql(server.app, query);
    expect(res.body).toEqual({
      data: { mlflowGetRun: { run: { info: { endTime: '0' }, data: { metrics: [], params: [] }, inputs: { datasetInputs: [] }, modelVersions: [] } } },
      errors: null,
    });
  });

  it('answers every experiment field, tags as a list', async () => {
    const query = `{ mlflowGetExperiment(input: {experimentId: "${seeded.experimentId}"}) {
      experiment { experimentId name artifactLocation lifecycleStage lastUpdateTime creationTime tags { key value } } } }`;
    const experiment = (await gql(server.app, query)).body.data.mlflowGetExperiment.experiment;
    expect(experiment).toMatchObject({ experimentId: seeded.experimentId, name, lifecycleStage: 'active', tags: [{ key: 't1', value: 'v1' }] });
    expect(experiment.artifactLocation).toBe(`${server.artifactRoot}/${seeded.experimentId}`);
    expect(experiment.creationTime).toMatch(/^\d{13}$/);
    const byDefault = await gql(server.app, '{ mlflowGetExperiment(input: {experimentId: "0"}) { experiment { name tags { key } } } }');
    expect(byDefault.body.data.mlflowGetExperiment.experiment).toEqual({ name: 'Default', tags: [] });
  });

  it('takes variables, whole input objects included', async () => {
    const byId = await gql(server.app, 'query Q($id: String) { mlflowGetExperiment(input: {experimentId: $id}) { experiment { name } } }', {
      id: seeded.experimentId,
    });
    expect(byId.body.data.mlflowGetExperiment.experiment.name).toBe(name);
    const byInput = await gql(server.app, 'query Q($in: MlflowGetRunInput) { mlflowGetRun(input: $in) { run { info { runName } } } }', {
      in: { runId: seeded.runId },
    });
    expect(byInput.body.data.mlflowGetRun.run.info.runName).toBe('r1');
  });

  it('reports service errors as messages with the field null, like the REST endpoints', async () => {
    const cases: [string, string][] = [
      ['mlflowGetExperiment(input: {experimentId: "abc"}) { experiment { name } }', 'No Experiment with id=abc exists'],
      ['mlflowGetExperiment(input: {experimentId: "12345"}) { experiment { name } }', 'No Experiment with id=12345 exists'],
      // MLflow's parse_dict turns the missing id into the string "None"
      ['mlflowGetExperiment(input: {}) { experiment { name } }', 'No Experiment with id=None exists'],
      ['mlflowGetRun(input: {runId: "deadbeef"}) { run { info { status } } }', 'Run with id=deadbeef not found'],
      ['mlflowGetRun(input: {}) { run { info { status } } }', 'Run with id= not found'],
    ];
    for (const [selection, message] of cases) {
      const res = await gql(server.app, `{ ${selection} }`);
      const field = selection.slice(0, selection.indexOf('('));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { [field]: null }, errors: [message] });
    }
  });

  it('fails a query field called without its input, keeping the other fields', async () => {
    const res = await gql(server.app, '{ mlflowGetRun { run { info { status } } } test(inputString: "x") { output } }');
    expect(res.body).toEqual({ data: { mlflowGetRun: null, test: { output: 'x' } }, errors: ["Field 'mlflowGetRun' needs the argument 'input'."] });
  });

  describe('mlflowSearchModelVersions', () => {
    const search = async (input: string, fields = 'modelVersions { version } nextPageToken') =>
      (await gql(server.app, `{ mlflowSearchModelVersions(input: ${input}) { ${fields} } }`)).body;

    it('filters, pages and orders as model-versions/search does', async () => {
      const first = await search(`{filter: "name='${name}'", maxResults: 1}`);
      expect(first.data.mlflowSearchModelVersions.modelVersions).toEqual([{ version: '2' }]);
      const token = first.data.mlflowSearchModelVersions.nextPageToken;
      expect(token).toBe(Buffer.from('{"offset": 1}').toString('base64'));
      const second = await search(`{filter: "name='${name}'", maxResults: 1, pageToken: "${token}"}`);
      // no next page: the unset token reads as ""
      expect(second.data.mlflowSearchModelVersions).toEqual({ modelVersions: [{ version: '1' }], nextPageToken: '' });
      const ascending = await search('{orderBy: "version_number ASC"}', 'modelVersions { version }');
      expect(ascending.data.mlflowSearchModelVersions.modelVersions).toEqual([{ version: '1' }, { version: '2' }]);
    });

    it('accepts maxResults as an integer literal, an integer variable or a digit string', async () => {
      const query = 'query Q($m: LongString) { mlflowSearchModelVersions(input: {maxResults: $m}) { modelVersions { version } } }';
      for (const m of [1, '1']) {
        expect((await gql(server.app, query, { m })).body.data.mlflowSearchModelVersions.modelVersions).toHaveLength(1);
      }
      expect((await search('{maxResults: "1"}')).data.mlflowSearchModelVersions.modelVersions).toHaveLength(1);
    });

    it('rejects non-integer maxResults with a validation error', async () => {
      expect(await search('{maxResults: 1.5}')).toEqual({ data: null, errors: ["Expected value of type 'LongString', found 1.5; 1.5 is not an integer."] });
      const query = 'query Q($m: LongString) { mlflowSearchModelVersions(input: {maxResults: $m}) { nextPageToken } }';
      expect((await gql(server.app, query, { m: 'abc' })).body).toEqual({
        data: null,
        errors: ["Variable '$m' got invalid value 'abc'; Expected type 'LongString'. 'abc' is not an integer."],
      });
    });

    it('reports the search errors of MLflow', async () => {
      const expectError = async (input: string, message: string) =>
        expect(await search(input)).toEqual({ data: { mlflowSearchModelVersions: null }, errors: [message] });
      await expectError('{filter: "foo bar"}', 'Invalid clause(s) in filter string: foo bar');
      await expectError('{maxResults: 0}', 'Invalid value for max_results. It must be a positive integer, but got 0');
      await expectError(
        '{maxResults: 100000000000}',
        'Invalid value for request parameter max_results. It must be at most 200000, but got value 100000000000',
      );
      await expectError('{pageToken: "garbage"}', 'Invalid page token, could not base64-decode');
      await expectError('{orderBy: [null]}', 'orderBy must not contain null.');
    });
  });

  it('lists only the model versions made from that run', async () => {
    const run = (await rest(server.app, 'POST', '/runs/create', { experiment_id: seeded.experimentId })).run;
    await rest(server.app, 'POST', '/registered-models/create', { name: 'GraphqlOther' });
    await rest(server.app, 'POST', '/model-versions/create', { name: 'GraphqlOther', source: 'runs:/x/m', run_id: run.info.run_id });
    const res = await gql(server.app, `{ mlflowGetRun(input: {runId: "${run.info.run_id}"}) { run { modelVersions { name version } } } }`);
    expect(res.body.data.mlflowGetRun.run.modelVersions).toEqual([{ name: 'GraphqlOther', version: '1' }]);
  });
});
