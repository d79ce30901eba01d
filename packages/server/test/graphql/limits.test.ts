/**
 * GraphQL cost limits (security checklist item 8): size, tokens, depth, fields and top-level
 * aliases, checked before validation; refused queries get MLflow's answer shape
 * (200, data null, one message per limit) and never hurt the process.
 */
import { getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCostLimits, GRAPHQL_LIMITS } from '../../src/graphql/limits.js';
import { pythonQuotes } from '../../src/graphql/execute.js';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';
import { gql } from './support.js';

const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});

/** `{ a { a { ... } } }` with `depth` nested fields. */
function nested(depth: number): string {
  return '{ a '.repeat(depth).trimEnd() + ' }'.repeat(depth);
}

/** Fragments F0..Fn, each spreading the next one twice: 2^n fields once expanded, at depth 2. */
function fragmentBomb(n: number): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on Test { ...F${i + 1} ...F${i + 1} }`);
  return `query { test(inputString: "a") { ...F0 } } ${fragments.join(' ')} fragment F${n} on Test { output }`;
}

describe('checkCostLimits', () => {
  it("accepts graphql-js's full introspection query and a deep MLflow query", () => {
    expect(checkCostLimits(parse(FULL_INTROSPECTION))).toEqual([]);
    const deepest = '{ mlflowGetRun(input: {runId: "x"}) { run { inputs { datasetInputs { dataset { name } } } } } }';
    expect(checkCostLimits(parse(deepest))).toEqual([]);
  });

  it('counts depth through fragments and inline fragments', () => {
    const { maxDepth } = GRAPHQL_LIMITS;
    expect(checkCostLimits(parse(nested(maxDepth)))).toEqual([]);
    expect(checkCostLimits(parse(nested(maxDepth + 1)))).toEqual([`Query is too deep: ${maxDepth + 1} levels of nested fields, the limit is ${maxDepth}.`]);
    const viaFragments = `query { ... on Query { ...A } } fragment A on Query ${nested(maxDepth)}`;
    expect(checkCostLimits(parse(viaFragments))).toEqual([]);
    expect(checkCostLimits(parse(`query { b { ...A } } fragment A on Query ${nested(maxDepth)}`))).toHaveLength(1);
  });

  it('counts aliases at the top level, fragments expanded', () => {
    const { maxRootFields } = GRAPHQL_LIMITS;
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    expect(checkCostLimits(parse(`{ ${aliases(maxRootFields)} }`))).toEqual([]);
    expect(checkCostLimits(parse(`{ ...F } fragment F on Query { ${aliases(maxRootFields + 1)} }`))).toEqual([
      `Query has too many top-level fields: ${maxRootFields + 1} (aliases count), the limit is ${maxRootFields}.`,
    ]);
  });

  it('measures exponential fragment fan-out without expanding it', () => {
    const started = Date.now();
    expect(checkCostLimits(parse(fragmentBomb(60)))).toEqual(['Query selects too many fields: more than 1000000000, the limit is 1000.']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves cyclic and unknown fragments to validation, and counts unused ones', () => {
    expect(checkCostLimits(parse('{ ...A ...Missing } fragment A on Query { ...B } fragment B on Query { ...A }'))).toEqual([]);
    const many = Array.from({ length: GRAPHQL_LIMITS.maxFields + 1 }, (_, i) => `f${i}: __typename`).join(' ');
    expect(checkCostLimits(parse(`{ __typename } fragment Unused on Query { ${many} }`))).toHaveLength(1);
  });
});

describe('pythonQuotes', () => {
  it("quotes names as graphql-core does, leaving quoted text with quotes inside alone", () => {
    expect(pythonQuotes('Cannot query field "foo" on type "Query".')).toBe("Cannot query field 'foo' on type 'Query'.");
    expect(pythonQuotes('Variable "$m" got invalid value "it\'s"')).toBe('Variable \'$m\' got invalid value "it\'s"');
  });
});

describe.each(testDialects())('graphql limits over HTTP on $dialect', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(dialect, 'graphql_limits');
  });
  afterAll(async () => server?.close());

  const refused = async (query: string, message: string | RegExp) => {
    const res = await gql(server.app, query);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    if (typeof message === 'string') expect(res.body.errors[0]).toBe(message);
    else expect(res.body.errors[0]).toMatch(message);
  };

  it('serves full introspection, as MLflow does', async () => {
    const res = await gql(server.app, FULL_INTROSPECTION);
    expect(res.body.errors).toBeNull();
    expect(res.body.data.__schema.queryType).toEqual({ kind: 'OBJECT', name: 'Query' });
  });

  it('refuses oversized, over-long, too deep and too wide queries', async () => {
    const { maxQueryChars, maxTokens, maxDepth, maxRootFields } = GRAPHQL_LIMITS;
    await refused(`{ __typename }${' '.repeat(maxQueryChars)}`, `Query is too large: ${maxQueryChars + 14} characters, the limit is ${maxQueryChars}.`);
    await refused(`{ ${'a '.repeat(maxTokens)}}`, `Syntax Error: Document contains more that ${maxTokens} tokens. Parsing aborted.`);
    await refused(nested(maxDepth + 1), /^Query is too deep: /);
    const aliases = Array.from({ length: maxRootFields + 1 }, (_, i) => `r${i}: mlflowGetRun(input: {runId: "x"}) { run { experiment { name } } }`);
    await refused(`{ ${aliases.join(' ')} }`, /^Query has too many top-level fields: 31 /);
    await refused(fragmentBomb(40), /^Query selects too many fields: /);
  });

  it("refuses recursive introspection with graphql-js's introspection depth rule", async () => {
    await refused('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }', 'Maximum introspection depth exceeded');
  });

  it('keeps serving after refusals', async () => {
    expect((await gql(server.app, '{ test(inputString: "ok") { output } }')).body).toEqual({ data: { test: { output: 'ok' } }, errors: null });
  });
});
