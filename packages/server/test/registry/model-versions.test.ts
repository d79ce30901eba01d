import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { createModel, createVersion, fails, getModel, getVersion, ok, qs, withoutTimes } from './support.js';

describe.each(testDialects())('model versions over HTTP on $dialect', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'registry_versions');
  });
  afterAll(async () => server?.close());

  it('creates versions 1, 2, ... with MLflow defaults and echoes run_id, run_link and description', async () => {
    await createModel(server.app, 'v-create');
    const first = await createVersion(server.app, 'v-create', { source: 'runs:/abc/model', run_id: 'abc' });
    expect(withoutTimes(first)).toEqual({
      name: 'v-create',
      version: '1',
      current_stage: 'None',
      description: '',
      source: 'runs:/abc/model',
      run_id: 'abc',
      status: 'READY',
      run_link: '',
    });
    const second = await createVersion(server.app, 'v-create', {
      description: 'desc',
      run_link: 'http://link',
      tags: [
        { key: 'k', value: 'a' },
        { key: 'k', value: 'b' },
        { key: 'empty' },
      ],
    });
    expect(second).toMatchObject({ version: '2', description: 'desc', run_link: 'http://link', run_id: '' });
    expect(second.tags).toEqual(expect.arrayContaining([{ key: 'k', value: 'b' }, { key: 'empty', value: '' }]));
    expect(second.tags).toHaveLength(2);
    const model = await getModel(server.app, 'v-create');
    expect(model.last_updated_timestamp).toBe(second.creation_timestamp);
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-missing', source: 's3://b/m' }, 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=v-missing not found');
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-create' }, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'source'/);
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-create', source: 's3://b/m', tags: [{ key: 'a/../b', value: 'v' }] }, 400, 'INVALID_PARAMETER_VALUE');
    expect((await createVersion(server.app, 'v-create')).version).toBe('3');
  });

  it('gets a version; a non-integer version is 400, an unknown one 404', async () => {
    await createModel(server.app, 'v-get');
    await createVersion(server.app, 'v-get');
    expect((await getVersion(server.app, 'v-get', '1')).version).toBe('1');
    expect((await getVersion(server.app, 'v-get', ' +1 ')).version).toBe('1');
    await fails(server.app, 'GET', `/model-versions/get?${qs({ name: 'v-get', version: 'something not correct' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'something not correct'.");
    await fails(server.app, 'GET', `/model-versions/get?${qs({ name: 'v-get', version: '2' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=v-get, version=2) not found');
    await fails(server.app, 'GET', `/model-versions/get?${qs({ name: 'v-get', version: '99999999999' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=v-get, version=99999999999) not found');
  });

  it('updates the description: present sets it, absent clears it', async () => {
    await createModel(server.app, 'v-update');
    const created = await createVersion(server.app, 'v-update', { description: 'old' });
    const updated = (await ok(server.app, 'PATCH', '/model-versions/update', { name: 'v-update', version: '1', description: 'new' })).model_version;
    expect(updated.description).toBe('new');
    expect(updated.last_updated_timestamp).toBeGreaterThanOrEqual(created.last_updated_timestamp);
    const cleared = (await ok(server.app, 'PATCH', '/model-versions/update', { name: 'v-update', version: '1' })).model_version;
    expect(cleared.description).toBeUndefined();
    await fails(server.app, 'PATCH', '/model-versions/update', { name: 'v-update', version: '7', description: 'x' }, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('transitions stages, archiving the others in the target stage on request', async () => {
    await createModel(server.app, 'v-stage');
    for (let i = 0; i < 3; i++) await createVersion(server.app, 'v-stage');
    const transition = async (version: string, stage: string, archive: boolean) =>
      (await ok(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-stage', version, stage, archive_existing_versions: archive })).model_version;
    expect((await transition('1', 'production', false)).current_stage).toBe('Production');
    expect((await transition('2', 'Production', false)).current_stage).toBe('Production');
    const third = await transition('3', 'PRODUCTION', true);
    expect(third.current_stage).toBe('Production');
    expect((await getVersion(server.app, 'v-stage', '1')).current_stage).toBe('Archived');
    expect((await getVersion(server.app, 'v-stage', '2')).current_stage).toBe('Archived');
    expect((await getModel(server.app, 'v-stage')).last_updated_timestamp).toBe(third.last_updated_timestamp);
    await fails(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-stage', version: '1', stage: 'Nowhere' }, 400, 'INVALID_PARAMETER_VALUE', 'Invalid Model Version stage: Nowhere. Value must be one of None, Staging, Production, Archived.');
    // MLflow 2.12.2 answers 500 here; archiving only makes sense for Staging/Production
    for (const stage of ['None', 'Archived']) {
      await fails(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-stage', version: '1', stage, archive_existing_versions: true }, 400, 'INVALID_PARAMETER_VALUE', /is not an Active stage/);
    }
    expect((await getVersion(server.app, 'v-stage', '3')).current_stage).toBe('Production');
    await fails(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-stage', version: '1', stage: 'Staging', archive_existing_versions: 'yes' }, 400, 'INVALID_PARAMETER_VALUE', /archive_existing_versions/);
    await fails(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-stage', version: '9', stage: 'Staging' }, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('soft-deletes with redaction, never reuses the number, and removes aliases of the version', async () => {
    await createModel(server.app, 'v-delete');
    await createVersion(server.app, 'v-delete', { run_id: 'r1', run_link: 'l', description: 'd', tags: [{ key: 't', value: 'v' }] });
    await createVersion(server.app, 'v-delete');
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'v-delete', alias: 'gone', version: '2' });
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'v-delete', alias: 'kept', version: '1' });
    await ok(server.app, 'DELETE', '/model-versions/delete', { name: 'v-delete', version: '2' });
    await ok(server.app, 'DELETE', '/model-versions/delete', { name: 'v-delete', version: '1' });
    const row = await server.app.ctx.registry.database.db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', 'v-delete')
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      current_stage: 'Deleted_Internal',
      source: 'REDACTED-SOURCE-PATH',
      run_id: 'REDACTED-RUN-ID',
      run_link: 'REDACTED-RUN-LINK',
      description: null,
      user_id: null,
      status_message: null,
    });
    for (const v of ['1', '2']) {
      await fails(server.app, 'GET', `/model-versions/get?${qs({ name: 'v-delete', version: v })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
      await fails(server.app, 'DELETE', '/model-versions/delete', { name: 'v-delete', version: v }, 404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=v-delete, version=${v}) not found`);
      await fails(server.app, 'PATCH', '/model-versions/update', { name: 'v-delete', version: v, description: 'x' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await fails(server.app, 'POST', '/model-versions/transition-stage', { name: 'v-delete', version: v, stage: 'Staging' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await fails(server.app, 'POST', '/model-versions/set-tag', { name: 'v-delete', version: v, key: 'k', value: 'v' }, 404, 'RESOURCE_DOES_NOT_EXIST');
      await fails(server.app, 'GET', `/model-versions/get-download-uri?${qs({ name: 'v-delete', version: v })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    }
    const model = await getModel(server.app, 'v-delete');
    expect(model.latest_versions).toBeUndefined();
    expect(model.aliases).toBeUndefined();
    await fails(server.app, 'GET', `/registered-models/alias?${qs({ name: 'v-delete', alias: 'gone' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Registered model alias gone not found.');
    expect((await createVersion(server.app, 'v-delete')).version).toBe('3');
    const search = (await ok(server.app, 'GET', `/model-versions/search?${qs({ filter: "name = 'v-delete'" })}`)).model_versions;
    expect(search.map((v: any) => v.version)).toEqual(['3']);
  });

  it('sets and deletes version tags; a missing tag deletes silently', async () => {
    await createModel(server.app, 'v-tags');
    await createVersion(server.app, 'v-tags');
    await ok(server.app, 'POST', '/model-versions/set-tag', { name: 'v-tags', version: '1', key: 'k', value: 'v' });
    await ok(server.app, 'POST', '/model-versions/set-tag', { name: 'v-tags', version: '1', key: 'k', value: 'w' });
    await ok(server.app, 'POST', '/model-versions/set-tag', { name: 'v-tags', version: '1', key: 'e', value: '' });
    expect((await getVersion(server.app, 'v-tags', '1')).tags).toEqual(expect.arrayContaining([{ key: 'k', value: 'w' }, { key: 'e', value: '' }]));
    await ok(server.app, 'DELETE', '/model-versions/delete-tag', { name: 'v-tags', version: '1', key: 'k' });
    await ok(server.app, 'DELETE', '/model-versions/delete-tag', { name: 'v-tags', version: '1', key: 'missing' });
    expect((await getVersion(server.app, 'v-tags', '1')).tags).toEqual([{ key: 'e', value: '' }]);
    await fails(server.app, 'POST', '/model-versions/set-tag', { name: 'v-tags', version: 'x', key: 'k', value: 'v' }, 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'x'.");
    await fails(server.app, 'DELETE', '/model-versions/delete-tag', { name: 'v-tags', version: '1', key: '/abs' }, 400, 'INVALID_PARAMETER_VALUE');
    await fails(server.app, 'POST', '/model-versions/set-tag', { name: 'v-tags', version: '1', key: 'k', value: 'v'.repeat(5001) }, 400, 'INVALID_PARAMETER_VALUE', /Model version value/);
  });

  it('returns the download URI; models:/ sources store the location of the version they name', async () => {
    await createModel(server.app, 'v-src');
    await createVersion(server.app, 'v-src', { source: 's3://bucket/original' });
    const copy = await createVersion(server.app, 'v-src', { source: 'models:/v-src/1' });
    expect(copy.source).toBe('models:/v-src/1');
    const uri = (await ok(server.app, 'GET', `/model-versions/get-download-uri?${qs({ name: 'v-src', version: '2' })}`)).artifact_uri;
    expect(uri).toBe('s3://bucket/original');
    // a copy of a copy still points at the original location
    await createVersion(server.app, 'v-src', { source: 'models:/v-src/2' });
    expect(await server.app.ctx.registry.modelVersions.getModelVersionDownloadUri('v-src', '3')).toBe('s3://bucket/original');
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-src', source: 'models:/v-src/9' }, 400, 'INVALID_PARAMETER_VALUE', /Unable to fetch model from model URI source artifact location 'models:\/v-src\/9'/);
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-src', source: 'models:/v-src/Production' }, 400, 'INVALID_PARAMETER_VALUE');
    await fails(server.app, 'POST', '/model-versions/create', { name: 'v-src', source: 'models:/v-src@champ' }, 400, 'INVALID_PARAMETER_VALUE');
    await fails(server.app, 'GET', '/model-versions/get-download-uri', undefined, 400, 'INVALID_PARAMETER_VALUE', 'Registered model name cannot be empty.');
    // nothing was created by the failures
    expect((await createVersion(server.app, 'v-src')).version).toBe('4');
  });

  it('aliases: set (and move), get by alias with aliases filled, delete silently, MLflow name rules', async () => {
    await createModel(server.app, 'v-alias');
    await createVersion(server.app, 'v-alias');
    await createVersion(server.app, 'v-alias');
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias: 'champion', version: '1' });
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias: 'champion', version: '2' });
    await ok(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias: 'other-one_2', version: '2' });
    const byAlias = (await ok(server.app, 'GET', `/registered-models/alias?${qs({ name: 'v-alias', alias: 'champion' })}`)).model_version;
    expect(byAlias.version).toBe('2');
    expect(byAlias.aliases.sort()).toEqual(['champion', 'other-one_2']);
    expect((await getVersion(server.app, 'v-alias', '1')).aliases).toBeUndefined();
    const model = await getModel(server.app, 'v-alias');
    expect(model.aliases).toEqual(expect.arrayContaining([{ alias: 'champion', version: '2' }, { alias: 'other-one_2', version: '2' }]));
    // latest_versions never carry aliases
    expect(model.latest_versions[0].aliases).toBeUndefined();
    const search = (await ok(server.app, 'GET', `/model-versions/search?${qs({ filter: "name = 'v-alias'" })}`)).model_versions;
    expect(search.every((v: any) => v.aliases === undefined)).toBe(true);
    await ok(server.app, 'DELETE', '/registered-models/alias', { name: 'v-alias', alias: 'champion' });
    await ok(server.app, 'DELETE', '/registered-models/alias', { name: 'v-alias', alias: 'champion' });
    await fails(server.app, 'GET', `/registered-models/alias?${qs({ name: 'v-alias', alias: 'champion' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', 'Registered model alias champion not found.');
    await fails(server.app, 'DELETE', '/registered-models/alias', { name: 'nope', alias: 'a' }, 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found');
    await fails(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias: 'a', version: '5' }, 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=v-alias, version=5) not found');
    const bad: [string, string][] = [
      ['latest', "'latest' alias name (case insensitive) is reserved."],
      ['LaTeSt', "'latest' alias name (case insensitive) is reserved."],
      ['v12', "Version alias name 'v12' is reserved."],
      ['V3', "Version alias name 'V3' is reserved."],
      ['a b', "Invalid alias name: 'a b'. Names may only contain alphanumerics, underscores (_), and dashes (-)."],
      ['a'.repeat(256), /Registered model alias name '.*' had length 256, which exceeded length limit of 255/],
    ] as never;
    for (const [alias, message] of bad) {
      await fails(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias, version: '1' }, 400, 'INVALID_PARAMETER_VALUE', message);
    }
    await fails(server.app, 'POST', '/registered-models/alias', { name: 'v-alias', alias: 'x', version: 'one' }, 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'one'.");
  });
});
