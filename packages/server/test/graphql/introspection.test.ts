/**
 * Schema parity: our introspection answer for MLflow's types equals the real MLflow 2.12.2
 * server's (recorded in fixtures/, same query, same key order since both are jsonify'd):
 * type names and order, fields, arguments, enums, descriptions, LongString.
 *
 * Left out on purpose, because they come from the GraphQL engine and differ between
 * graphql-core 3.2.3 and graphql-js 16.15: the meta-types (graphql-js adds `__Type.isOneOf`,
 * `__Directive.isDeprecated`/`deprecationReason`, `includeDeprecated` on
 * `__Schema.directives`) and the built-in directive details (spelling "behavior", the
 * DIRECTIVE_DEFINITION location of @deprecated). The directive *names* must match.
 */
import fs from 'node:fs';
import { getIntrospectionQuery, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlSchema } from '../../src/graphql/schema.js';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { gql } from './support.js';

const mlflow = JSON.parse(fs.readFileSync(new URL('./fixtures/mlflow-2.12.2-introspection.json', import.meta.url), 'utf8'));

const QUERY = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});

describe('graphql schema parity with MLflow 2.12.2', () => {
  const [sqlite] = testDialects();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(sqlite!, 'graphql_introspection');
  });
  afterAll(async () => server?.close());

  it('introspects to the same types as MLflow', async () => {
    const res = await gql(server.app, QUERY);
    expect(res.body.errors).toBeNull();
    const schema = res.body.data.__schema;
    expect({
      description: schema.description,
      queryType: schema.queryType,
      mutationType: schema.mutationType,
      subscriptionType: schema.subscriptionType,
    }).toEqual({
      description: mlflow.description,
      queryType: mlflow.queryType,
      mutationType: mlflow.mutationType,
      subscriptionType: mlflow.subscriptionType,
    });
    const ours = schema.types.filter((t: { name: string }) => !t.name.startsWith('__'));
    expect(ours.map((t: { name: string }) => t.name)).toEqual(mlflow.types.map((t: { name: string }) => t.name));
    expect(ours).toEqual(mlflow.types);
    expect(schema.directives.map((d: { name: string }) => d.name)).toEqual(mlflow.directiveNames);
  });

  it('prints the SDL of MLflow (readable summary of the surface)', () => {
    const sdl = printSchema(graphqlSchema);
    expect(sdl).toContain('mlflowGetRun(input: MlflowGetRunInput): MlflowGetRunResponse');
    expect(sdl).toContain('modelVersions: [MlflowModelVersion!]');
    expect(sdl).toContain('maxResults: LongString');
    expect(sdl).toContain('testMutation(inputString: String): TestMutation');
  });
});
