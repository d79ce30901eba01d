/** Registered-model and model-version search over HTTP (spec §4.7, §5.4–§5.6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { createModel, createVersion, fails, ok, qs } from './support.js';

const token = (offset: number) => Buffer.from(`{"offset": ${offset}}`).toString('base64');

describe.each(testDialects())('registry search on $dialect', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'registry_search');
    // no names differing only in case: MySQL's default collation makes them one name (as in MLflow)
    for (const name of ['Alpha', 'alphabet', 'beta', 'gamma', 'delta1', 'delta2']) {
      await createModel(server.app, name, { tags: [{ key: 'team', value: `${name}-team` }, { key: 'env', value: 'prod' }] });
    }
    await createVersion(server.app, 'Alpha', { run_id: 'abc', source: 's3://b/alpha/1' });
    await createVersion(server.app, 'Alpha', { run_id: 'def', source: 's3://b/alpha/2', tags: [{ key: 'k', value: 'V' }] });
    await createVersion(server.app, 'beta', { run_id: 'abc', source: 'runs:/abc/model' });
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'Alpha', alias: 'champion', version: '2' });
  });
  afterAll(async () => server?.close());

  const models = async (params: Record<string, string | number | string[]>) =>
    (await ok(server.app, 'GET', `/registered-models/search?${qs(params)}`)) as { registered_models?: any[]; next_page_token?: string };
  const versions = async (params: Record<string, string | number | string[]>) =>
    (await ok(server.app, 'GET', `/model-versions/search?${qs(params)}`)) as { model_versions?: any[]; next_page_token?: string };
  const names = (res: { registered_models?: any[] }) => (res.registered_models ?? []).map((m) => m.name);
  const ids = (res: { model_versions?: any[] }) => (res.model_versions ?? []).map((v) => `${v.name}/${v.version}`);

  it('lists models by name ascending with latest versions, tags and aliases', async () => {
    const res = await models({});
    expect(names(res)).toEqual(['Alpha', 'alphabet', 'beta', 'delta1', 'delta2', 'gamma']);
    expect(res.next_page_token).toBeUndefined();
    const alpha = res.registered_models?.[0];
    expect(alpha.latest_versions).toEqual([expect.objectContaining({ version: '2', current_stage: 'None' })]);
    expect(alpha.latest_versions[0].aliases).toBeUndefined();
    expect(alpha.aliases).toEqual([{ alias: 'champion', version: '2' }]);
    expect(alpha.tags).toHaveLength(2);
  });

  it('filters names and tags case-sensitively, except ILIKE', async () => {
    expect(names(await models({ filter: "name = 'Alpha'" }))).toEqual(['Alpha']);
    expect(names(await models({ filter: "name = 'alpha'" }))).toEqual([]);
    expect(names(await models({ filter: "name != 'Alpha'" }))).toEqual(['alphabet', 'beta', 'delta1', 'delta2', 'gamma']);
    expect(names(await models({ filter: "name LIKE 'a%'" }))).toEqual(['alphabet']);
    expect(names(await models({ filter: "name LIKE 'ALPHA%'" }))).toEqual([]);
    expect(names(await models({ filter: "name ilike 'A%'" }))).toEqual(['Alpha', 'alphabet']);
    expect(names(await models({ filter: "name LIKE 'delta_'" }))).toEqual(['delta1', 'delta2']);
    expect(names(await models({ filter: "tags.team = 'beta-team'" }))).toEqual(['beta']);
    expect(names(await models({ filter: "tag.team LIKE '%a-team' AND tags.env = 'prod'" }))).toEqual(['Alpha', 'beta', 'gamma']);
    expect(names(await models({ filter: "tags.team ILIKE 'ALPHA%' AND name != 'alphabet'" }))).toEqual(['Alpha']);
    expect(names(await models({ filter: "tags.team = 'alpha-team'" }))).toEqual([]);
    expect(names(await models({ filter: "tags.env = 'prod' AND tags.env = 'dev'" }))).toEqual([]);
    expect(names(await models({ filter: "tags.missing != 'x'" }))).toEqual([]);
    expect(names(await models({ filter: "attribute.name = 'beta'" }))).toEqual(['beta']);
  });

  it('rejects bad model filters and order_by with MLflow messages (duplicates are 400, not 500)', async () => {
    await fails(server.app, 'GET', `/registered-models/search?${qs({ filter: 'creation_timestamp > 1' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid attribute key 'creation_timestamp' specified/);
    await fails(server.app, 'GET', `/registered-models/search?${qs({ filter: "name IN ('a')" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    await fails(server.app, 'GET', `/registered-models/search?${qs({ filter: "name = 'a' OR name = 'b'" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid clause\(s\) in filter string/);
    await fails(server.app, 'GET', `/registered-models/search?${qs({ order_by: 'creation_timestamp' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid order by key 'creation_timestamp' specified/);
    await fails(server.app, 'GET', `/registered-models/search?${qs({ order_by: ['timestamp', 'last_updated_timestamp DESC'] })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /`order_by` contains duplicate fields/);
  });

  it('orders models by name or last update, with name ASC as tiebreak', async () => {
    expect(names(await models({ order_by: 'name DESC' }))).toEqual(['gamma', 'delta2', 'delta1', 'beta', 'alphabet', 'Alpha']);
    const byTime = names(await models({ order_by: 'timestamp DESC' }));
    // versions were created last for Alpha and beta; beta's version came last
    expect(byTime.slice(0, 2)).toEqual(['beta', 'Alpha']);
    expect(names(await models({ order_by: 'last_updated_timestamp ASC' })).slice(-2)).toEqual(['Alpha', 'beta']);
  });

  it('pages models with a token only when more rows exist', async () => {
    const first = await models({ max_results: 4 });
    expect(names(first)).toEqual(['Alpha', 'alphabet', 'beta', 'delta1']);
    expect(first.next_page_token).toBe(token(4));
    const second = await models({ max_results: 4, page_token: first.next_page_token as string });
    expect(names(second)).toEqual(['delta2', 'gamma']);
    expect(second.next_page_token).toBeUndefined();
    const exact = await models({ max_results: 6 });
    expect(exact.next_page_token).toBeUndefined();
    expect(names(await models({ max_results: 2, page_token: token(5) }))).toEqual(['gamma']);
  });

  it('enforces max_results limits and page-token rules', async () => {
    expect(names(await models({ max_results: 1000 }))).toHaveLength(6);
    await fails(server.app, 'GET', `/registered-models/search?${qs({ max_results: 1001 })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid value 1001 for parameter 'max_results' supplied/);
    await fails(server.app, 'GET', `/registered-models/search?${qs({ max_results: 0 })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /must be a positive integer/);
    await fails(server.app, 'GET', `/model-versions/search?${qs({ max_results: 200001 })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid value 200001 for parameter 'max_results' supplied/);
    await fails(server.app, 'GET', `/model-versions/search?${qs({ max_results: 0 })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid value for max_results. It must be a positive integer, but got 0');
    await fails(server.app, 'GET', `/registered-models/search?${qs({ page_token: 'not a token' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid page token/);
    await fails(server.app, 'GET', `/model-versions/search?${qs({ page_token: token(0) })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid page token/);
  });

  it('searches versions: default order, filters, IN on run_id, tags, versions numbers', async () => {
    expect(ids(await versions({}))).toEqual(['beta/1', 'Alpha/2', 'Alpha/1']);
    expect(ids(await versions({ filter: "name = 'Alpha'" }))).toEqual(['Alpha/2', 'Alpha/1']);
    expect(ids(await versions({ filter: "run_id = 'abc'", order_by: 'name' }))).toEqual(['Alpha/1', 'beta/1']);
    expect(ids(await versions({ filter: "run_id IN ('abc', 'def')", order_by: ['name', 'version_number'] }))).toEqual(['Alpha/1', 'Alpha/2', 'beta/1']);
    expect(ids(await versions({ filter: "source_path LIKE 's3://b/alpha/%'", order_by: 'version_number ASC' }))).toEqual(['Alpha/1', 'Alpha/2']);
    expect(ids(await versions({ filter: 'version_number > 1' }))).toEqual(['Alpha/2']);
    expect(ids(await versions({ filter: "version_number = '1'", order_by: 'name DESC' }))).toEqual(['beta/1', 'Alpha/1']);
    expect(ids(await versions({ filter: 'version_number <= 1.5', order_by: 'name' }))).toEqual(['Alpha/1', 'beta/1']);
    expect(ids(await versions({ filter: "tags.k = 'V'" }))).toEqual(['Alpha/2']);
    expect(ids(await versions({ filter: "tags.k = 'v'" }))).toEqual([]);
    expect(ids(await versions({ filter: "tags.k ILIKE 'v'" }))).toEqual(['Alpha/2']);
    const alpha2 = (await versions({ filter: "name = 'Alpha' AND version_number = 2" })).model_versions?.[0];
    expect(alpha2.tags).toEqual([{ key: 'k', value: 'V' }]);
    expect(alpha2.aliases).toBeUndefined();
    await fails(server.app, 'GET', `/model-versions/search?${qs({ filter: "current_stage = 'None'" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid attribute key 'current_stage' specified/);
    await fails(server.app, 'GET', `/model-versions/search?${qs({ filter: "run_id NOT IN ('abc')" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Invalid comparator for attribute: NOT IN');
    await fails(server.app, 'GET', `/model-versions/search?${qs({ order_by: 'run_id' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /Invalid/);
    await fails(server.app, 'GET', `/model-versions/search?${qs({ order_by: ['name', 'name DESC'] })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /`order_by` contains duplicate fields/);
  });

  it('pages versions', async () => {
    const first = await versions({ max_results: 2 });
    expect(ids(first)).toEqual(['beta/1', 'Alpha/2']);
    expect(first.next_page_token).toBe(token(2));
    const second = await versions({ max_results: 2, page_token: first.next_page_token as string });
    expect(ids(second)).toEqual(['Alpha/1']);
    expect(second.next_page_token).toBeUndefined();
  });

  it('answers the ajax-api family too', async () => {
    const res = await server.app.inject({ method: 'GET', url: `/ajax-api/2.0/mlflow/model-versions/search?${qs({ filter: "name = 'beta'" })}` });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).model_versions).toHaveLength(1);
  });
});
