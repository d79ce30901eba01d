import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { API, createModel, createVersion, fails, getModel, getVersion, ok, qs, withoutTimes } from './support.js';

describe.each(testDialects())('registered models over HTTP on $dialect', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'registry_models');
  });
  afterAll(async () => server?.close());

  it('creates a model with tags (last duplicate key wins) and hides an empty description', async () => {
    const model = await createModel(server.app, 'm-create', {
      tags: [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
        { key: 'b', value: '' },
      ],
    });
    expect(withoutTimes(model)).toEqual({
      name: 'm-create',
      tags: expect.arrayContaining([
        { key: 'a', value: '2' },
        { key: 'b', value: '' },
      ]),
    });
    expect(model.tags).toHaveLength(2);
    expect(model.creation_timestamp).toBe(model.last_updated_timestamp);
    const got = await getModel(server.app, 'm-create');
    expect(got.description).toBeUndefined();
    expect(got.latest_versions).toBeUndefined();
  });

  it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS (400) and bad input with 400', async () => {
    await createModel(server.app, 'm-dup');
    await fails(server.app, 'POST', '/registered-models/create', { name: 'm-dup' }, 400, 'RESOURCE_ALREADY_EXISTS', /^Registered Model \(name=m-dup\) already exists/);
    await fails(server.app, 'POST', '/registered-models/create', {}, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'name'/);
    await fails(server.app, 'POST', '/registered-models/create', { name: 'x', tags: [{ key: '../x', value: 'v' }] }, 400, 'INVALID_PARAMETER_VALUE', /Invalid tag name: '\.\.\/x'/);
    await fails(server.app, 'POST', '/registered-models/create', { name: 'x', tags: [{ key: 'k', value: 'v'.repeat(5001) }] }, 400, 'INVALID_PARAMETER_VALUE', /Registered model value .* had length 5001, which exceeded length limit of 5000/);
    // nothing was written by the failed calls
    await fails(server.app, 'GET', `/registered-models/get?${qs({ name: 'x' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=x not found');
  });

  it('updates the description (absent clears it) and touches last_updated_timestamp', async () => {
    const created = await createModel(server.app, 'm-update', { description: 'first' });
    expect(created.description).toBe('first');
    const updated = (await ok(server.app, 'PATCH', '/registered-models/update', { name: 'm-update', description: 'second' })).registered_model;
    expect(updated.description).toBe('second');
    expect(updated.last_updated_timestamp).toBeGreaterThanOrEqual(created.last_updated_timestamp);
    const cleared = (await ok(server.app, 'PATCH', '/registered-models/update', { name: 'm-update' })).registered_model;
    expect(cleared.description).toBeUndefined();
    await fails(server.app, 'PATCH', '/registered-models/update', { name: 'nope' }, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('renames: versions, their tags, model tags and aliases follow; the old name is gone', async () => {
    await createModel(server.app, 'm-old', { tags: [{ key: 't', value: 'v' }] });
    await createVersion(server.app, 'm-old', { tags: [{ key: 'vt', value: '1' }] });
    await createVersion(server.app, 'm-old');
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'm-old', alias: 'champion', version: '2' });
    const renamed = (await ok(server.app, 'POST', '/registered-models/rename', { name: 'm-old', new_name: 'm-new' })).registered_model;
    expect(renamed.name).toBe('m-new');
    expect(renamed.tags).toEqual([{ key: 't', value: 'v' }]);
    expect(renamed.aliases).toEqual([{ alias: 'champion', version: '2' }]);
    expect(renamed.latest_versions).toEqual([expect.objectContaining({ name: 'm-new', version: '2' })]);
    const v1 = await getVersion(server.app, 'm-new', '1');
    expect(v1.tags).toEqual([{ key: 'vt', value: '1' }]);
    expect(v1.last_updated_timestamp).toBe(renamed.last_updated_timestamp);
    const byAlias = (await ok(server.app, 'GET', `/registered-models/alias?${qs({ name: 'm-new', alias: 'champion' })}`)).model_version;
    expect(byAlias).toMatchObject({ name: 'm-new', version: '2', aliases: ['champion'] });
    await fails(server.app, 'GET', `/registered-models/get?${qs({ name: 'm-old' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(server.app, 'GET', `/model-versions/get?${qs({ name: 'm-old', version: '1' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    // the next version continues the numbering under the new name
    expect((await createVersion(server.app, 'm-new')).version).toBe('3');
  });

  it('refuses a rename onto an existing name and a rename of a missing model', async () => {
    await createModel(server.app, 'm-r1');
    await createModel(server.app, 'm-r2');
    await fails(server.app, 'POST', '/registered-models/rename', { name: 'm-r1', new_name: 'm-r2' }, 400, 'RESOURCE_ALREADY_EXISTS', /^Registered Model \(name=m-r2\) already exists/);
    await fails(server.app, 'POST', '/registered-models/rename', { name: 'm-missing', new_name: 'zz' }, 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=m-missing not found');
    await fails(server.app, 'POST', '/registered-models/rename', { name: 'm-r1' }, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'new_name'/);
    expect((await getModel(server.app, 'm-r1')).name).toBe('m-r1');
  });

  it('hard-deletes a model with its versions (deleted ones too), tags and aliases', async () => {
    await createModel(server.app, 'm-del', { tags: [{ key: 't', value: 'v' }] });
    await createVersion(server.app, 'm-del', { tags: [{ key: 'vt', value: 'x' }] });
    await createVersion(server.app, 'm-del');
    await ok(server.app, 'DELETE', '/model-versions/delete', { name: 'm-del', version: '2' });
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'm-del', alias: 'a', version: '1' });
    await ok(server.app, 'DELETE', '/registered-models/delete', { name: 'm-del' });
    await fails(server.app, 'GET', `/registered-models/get?${qs({ name: 'm-del' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(server.app, 'DELETE', '/registered-models/delete', { name: 'm-del' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    const db = server.app.ctx.registry.database.db;
    for (const table of ['model_versions', 'model_version_tags', 'registered_model_tags', 'registered_model_aliases'] as const) {
      const rows = await db.selectFrom(table).select('name').where('name', '=', 'm-del').execute();
      expect(rows, table).toEqual([]);
    }
    // the name is free again and numbering restarts
    await createModel(server.app, 'm-del');
    expect((await createVersion(server.app, 'm-del')).version).toBe('1');
  });

  it('sets and deletes model tags; deleting a missing tag is silent, a missing model is 404', async () => {
    await createModel(server.app, 'm-tags');
    await ok(server.app, 'POST', '/registered-models/set-tag', { name: 'm-tags', key: 'k', value: 'v1' });
    await ok(server.app, 'POST', '/registered-models/set-tag', { name: 'm-tags', key: 'k', value: 'v2' });
    await ok(server.app, 'POST', '/registered-models/set-tag', { name: 'm-tags', key: 'empty', value: '' });
    expect((await getModel(server.app, 'm-tags')).tags).toEqual(expect.arrayContaining([{ key: 'k', value: 'v2' }, { key: 'empty', value: '' }]));
    await ok(server.app, 'DELETE', '/registered-models/delete-tag', { name: 'm-tags', key: 'k' });
    await ok(server.app, 'DELETE', '/registered-models/delete-tag', { name: 'm-tags', key: 'never-set' });
    expect((await getModel(server.app, 'm-tags')).tags).toEqual([{ key: 'empty', value: '' }]);
    await fails(server.app, 'POST', '/registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(server.app, 'DELETE', '/registered-models/delete-tag', { name: 'nope', key: 'k' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(server.app, 'POST', '/registered-models/set-tag', { name: 'm-tags', key: 'a//b', value: 'v' }, 400, 'INVALID_PARAMETER_VALUE');
    await fails(server.app, 'POST', '/registered-models/set-tag', { name: 'm-tags', key: 'k'.repeat(251), value: 'v' }, 400, 'INVALID_PARAMETER_VALUE', /Registered model key/);
  });

  it('get-latest-versions: one per stage, highest live version, case-insensitive stages, GET and POST', async () => {
    await createModel(server.app, 'm-latest');
    for (let i = 0; i < 6; i++) await createVersion(server.app, 'm-latest');
    const stage = (version: string, s: string) =>
      ok(server.app, 'POST', '/model-versions/transition-stage', { name: 'm-latest', version, stage: s, archive_existing_versions: false });
    await stage('1', 'Archived');
    await stage('2', 'Production');
    await stage('3', 'production');
    await stage('4', 'Staging');
    await ok(server.app, 'DELETE', '/model-versions/delete', { name: 'm-latest', version: '6' });
    const all = (await ok(server.app, 'POST', '/registered-models/get-latest-versions', { name: 'm-latest' })).model_versions;
    const byStage = Object.fromEntries(all.map((v: any) => [v.current_stage, v.version]));
    expect(byStage).toEqual({ Archived: '1', Production: '3', Staging: '4', None: '5' });
    expect(all.every((v: any) => v.aliases === undefined)).toBe(true);
    const some = (await ok(server.app, 'GET', `/registered-models/get-latest-versions?${qs({ name: 'm-latest', stages: ['PRODUCTION', 'none'] })}`)).model_versions;
    expect(some.map((v: any) => v.version).sort()).toEqual(['3', '5']);
    await fails(server.app, 'POST', '/registered-models/get-latest-versions', { name: 'm-latest', stages: ['Bogus'] }, 400, 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, Archived.');
    await fails(server.app, 'POST', '/registered-models/get-latest-versions', { name: 'nope', stages: ['Bogus'] }, 404, 'RESOURCE_DOES_NOT_EXIST');
    const model = await getModel(server.app, 'm-latest');
    expect(model.latest_versions.map((v: any) => v.current_stage)).toEqual(['Archived', 'Production', 'Staging', 'None']);
  });

  it('answers under the ajax-api family and 405 for the wrong method', async () => {
    await createModel(server.app, 'm-ajax');
    const res = await call(server.app, 'GET', `/ajax-api/2.0/mlflow/registered-models/get?${qs({ name: 'm-ajax' })}`);
    expect(res.status).toBe(200);
    expect(res.body.registered_model.name).toBe('m-ajax');
    const wrong = await call(server.app, 'GET', `${API}/registered-models/create?name=x`);
    expect(wrong.status).toBe(405);
  });
});
