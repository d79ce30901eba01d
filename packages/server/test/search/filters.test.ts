/**
 * Filter parsing of the four searches: the spec's examples (§5.1–§5.5) and every message.
 * (mlflowOracle.test.ts replays MLflow's own answers for many more strings.)
 */
import { describe, expect, it } from 'vitest';
import { MlflowError } from '@darwin-mlflow/contract';
import {
  checkRunClauses,
  parseExperimentFilter,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  parseRunFilter,
  parseRunSearch,
} from '../../src/search/index.js';

const runs = (filter: string) => checkRunClauses(parseRunFilter(filter));

function rejects(fn: () => unknown, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(MlflowError);
  expect((error as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
  expect((error as MlflowError).httpStatus).toBe(400);
  expect((error as MlflowError).message).toBe(message);
}

const RUN_KEYS =
  "'{'artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id', 'created', 'Created', 'run name', 'Run name', 'Run Name'}'";

describe('run filters: accepted language', () => {
  it('empty or absent filter is no clause', () => {
    expect(runs('')).toEqual([]);
    expect(parseRunFilter(undefined)).toEqual([]);
    expect(parseRunFilter(null)).toEqual([]);
  });

  it('entity prefixes and synonyms', () => {
    const cases: [string, string][] = [
      ['metrics.a > 1', 'metric'],
      ['metric.a > 1', 'metric'],
      ["params.a = 'x'", 'parameter'],
      ["param.a = 'x'", 'parameter'],
      ["parameter.a = 'x'", 'parameter'],
      ["parameters.a = 'x'", 'parameter'],
      ["tags.a = 'x'", 'tag'],
      ["tag.a = 'x'", 'tag'],
      ["attributes.status = 'x'", 'attribute'],
      ["attribute.status = 'x'", 'attribute'],
      ["attr.status = 'x'", 'attribute'],
      ["run.status = 'x'", 'attribute'],
      ["status = 'x'", 'attribute'],
      ["datasets.name = 'x'", 'dataset'],
      ["dataset.name = 'x'", 'dataset'],
      ["`params`.a = 'x'", 'parameter'],
    ];
    for (const [filter, type] of cases) expect(runs(filter)[0]?.type, filter).toBe(type);
  });

  it('splits at the first dot and strips key quotes', () => {
    expect(runs("tags.mlflow.runName = 'x'")[0]?.key).toBe('mlflow.runName');
    expect(runs('metrics."model class" > 1')[0]?.key).toBe('model class');
    expect(runs("tags.`user-name` = 'x'")[0]?.key).toBe('user-name');
    expect(runs('metrics."accuracy.2.0" > 5')[0]?.key).toBe('accuracy.2.0');
    expect(runs("tags.`a`.b = 'x'")[0]?.key).toBe('`a`.b');
    expect(runs('metrics.timestamp > 1')[0]?.key).toBe('timestamp');
  });

  it('values: strings are not unescaped, numbers in every form', () => {
    expect(runs("params.a = 'it''s'")[0]).toMatchObject({ test: { kind: 'string', value: "it''s" } });
    expect(runs('params.m = "L\'Hosp"')[0]).toMatchObject({ test: { value: "L'Hosp" } });
    const numbers = ['-5', '1.', '0.5', '-1.5e3', '.5', '1e-3'].map((n) => runs(`metrics.a > ${n}`)[0]);
    expect(numbers.map((c) => (c?.test as { value: number }).value)).toEqual([-5, 1, 0.5, -1500, 0.5, 0.001]);
  });

  it('comparators in any case, AND in any case, trailing AND, no AND between clauses', () => {
    expect(runs("params.a like 'x%' AnD tags.b ilike 'y' and").map((c) => c.test.comparator)).toEqual(['LIKE', 'ILIKE']);
    expect(runs("params.a = 'x' params.b = 'y'")).toHaveLength(2);
    expect(runs("and params.a = 'x' and and")).toHaveLength(1);
  });

  it('aliases: created is start_time, run name spellings are run_name', () => {
    expect(runs('created > 1')[0]).toMatchObject({ type: 'attribute', key: 'start_time' });
    expect(runs('Created > 1')[0]).toMatchObject({ type: 'attribute', key: 'start_time' });
    for (const spelling of ['`run name`', '`Run name`', '`Run Name`', '"run name"', 'run_name']) {
      expect(runs(`${spelling} = 'x'`)[0]).toMatchObject({ type: 'attribute', key: 'run_name' });
    }
  });

  it('IN and NOT IN lists for run_id and datasets, every item kept', () => {
    expect(runs("run_id IN ('a', 'B', '12')")[0]).toMatchObject({
      test: { kind: 'list', comparator: 'IN', values: ['a', 'B', '12'] },
    });
    expect(runs("run_id not in ('a')")[0]).toMatchObject({ test: { comparator: 'NOT IN', values: ['a'] } });
    expect(runs("datasets.context IN ('Train', 'test')")[0]).toMatchObject({ test: { values: ['Train', 'test'] } });
    // Python literal rules inside lists: escapes and adjacent strings
    expect(runs("run_id IN ('a\\x41', 'it''s', 'b' 'c')")[0]).toMatchObject({ test: { values: ['aA', 'its', 'bc'] } });
  });
});

describe('run filters: messages', () => {
  const cases: [string, string][] = [
    ['   ', "Invalid filter '   '. Could not be parsed."],
    ['metric.acc >= 0.94; metrics.rmse < 1', "Search filter contained multiple expression 'metric.acc >= 0.94; metrics.rmse < 1'. Provide AND-ed expression list."],
    ['metrics.A > 0.1 OR params.B = \'LR\'', "Invalid clause(s) in filter string: 'OR'"],
    ["metrics.A > 0.1 AND (params.B = 'LR')", "Invalid clause(s) in filter string: '(params.B = 'LR')'"],
    ["params.a = 'x';", "Invalid clause(s) in filter string: ';'"],
    ['end_time IS NULL', "Invalid clause(s) in filter string: 'end_time', 'IS', 'NULL'"],
    ["params.my-param = 'x'", "Invalid comparison clause. Expected 'Identifier' found 'params.my-param'"],
    ['1.0 > metrics.acc', "Invalid comparison clause. Expected 'Identifier' found '1.0'"],
    ['params.acc = LR', 'Parameter value is either not quoted or unidentified quote types used for string value LR. Use either single or double quotes.'],
    ["m.acc >= 0.94", "Invalid entity type 'm'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    ["lifecycle_stage = 'active'", `Invalid attribute key 'lifecycle_stage' specified. Valid keys are ${RUN_KEYS}`],
    ["experiment_id = '1'", `Invalid attribute key 'experiment_id' specified. Valid keys are ${RUN_KEYS}`],
    ["datasets.profile = 'x'", "Invalid dataset key 'profile' specified. Valid keys are '{'name', 'digest', 'context'}'"],
    ["metrics.a = '1'", "Expected numeric value type for metric. Found '1'"],
    ['params.a = 1', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"],
    ["tags.a IN ('x')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('x')"],
    ["start_time > '5'", "Expected numeric value type for numeric attribute: start_time. Found '5'"],
    ["status IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['status = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ['datasets.name = 1', 'Expected a quoted string value for dataset attributes. Got value 1'],
    ['run_id IN ()', 'While parsing a list in the query, expected a non-empty list of string values, but got empty list'],
    ["run_id IN ('a',)", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    ["run_id IN ('a', 1)", "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ('a', 1)"],
    ["run_id IN ('a', 'b' or 'c')", 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.'],
    ['metrics.a == 1', "Invalid comparator '==' not one of '{'>', '>=', '!=', '=', '<', '<='}"],
    ["params.a NOT LIKE 'x'", "Invalid comparator 'NOT LIKE' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'"],
    ["params.a IN 'x'", "Invalid comparator 'IN' not one of '{'!=', '=', 'LIKE', 'ILIKE'}'"],
    // MLflow answers these four with a 500 (no error code); we keep its text.
    ["tags.x > 'a'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE'}"],
    ["status > 'a'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"],
    ['start_time LIKE 1', "Invalid comparator 'LIKE' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"],
    ["datasets.name > 'a'", "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"],
    ["run_id NOT  IN ('a')", "Invalid comparator 'NOT  IN' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"],
    // MLflow passes these on to SQLAlchemy, which fails.
    ["run_id IN 'a'", "Comparator 'IN' expects a list of quoted string values, e.g. ('a', 'b'). Got value 'a'"],
    ["run_id = ('a')", "Comparator '=' cannot compare with a list of values. Got value ('a'); use IN or NOT IN."],
  ];
  it.each(cases)('%s', (filter, message) => rejects(() => runs(filter), message));
});

describe('run search: MLflow checks filter syntax, then order_by, then comparators, then the token', () => {
  it('a bad order_by wins over a bad comparator', () => {
    rejects(() => parseRunSearch({ filter: "tags.x > 'a'", orderBy: ['foo.bar'] }), "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
  });
  it('a bad filter wins over a bad order_by', () => {
    rejects(() => parseRunSearch({ filter: 'params.a = 1', orderBy: ['foo.bar'] }), "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1");
  });
  it('a bad comparator wins over a bad page token', () => {
    rejects(() => parseRunSearch({ filter: "tags.x > 'a'", pageToken: '!' }), "Invalid comparator '>' not one of '{'!=', '=', 'LIKE', 'ILIKE'}");
  });
  it('clauses are checked one after the other', () => {
    rejects(() => runs("run_name <= ('a', 'b') AND params.my-p = 'x'"), "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  });
});

describe('experiment filters', () => {
  it('accepts name, times and tags with upper-case comparators', () => {
    expect(parseExperimentFilter("name LIKE 'a%' AND attribute.creation_time > 5 AND tags.t ILIKE 'x' AND tag.u != 'y'")).toEqual([
      { type: 'attribute', key: 'name', test: { kind: 'string', comparator: 'LIKE', value: 'a%' } },
      { type: 'attribute', key: 'creation_time', test: { kind: 'number', comparator: '>', value: 5 } },
      { type: 'tag', key: 't', test: { kind: 'string', comparator: 'ILIKE', value: 'x' } },
      { type: 'tag', key: 'u', test: { kind: 'string', comparator: '!=', value: 'y' } },
    ]);
  });
  const keys = "'{'name', 'creation_time', 'last_update_time'}'";
  const cases: [string, string][] = [
    ["name = 'a' OR name = 'b'", 'Invalid clause(s) in filter string: OR'],
    ["attributes.name = 'a'", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["`tags`.x = 'a'", "Invalid entity type '`tags`'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ["experiment_id = '1'", `Invalid attribute key 'experiment_id' specified. Valid keys are ${keys}`],
    ['tags.x = 1', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1"],
    ["creation_time > '5'", "Expected numeric value type for numeric attribute: creation_time. Found '5'"],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ['name = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ["tags.x like 'a'", 'Invalid comparator for tag: like'],
    // 500 in MLflow: lower-case like on name, and a string comparator on a number
    ["name like 'a%'", "Invalid comparator 'like' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'"],
    ['creation_time LIKE 5', "Invalid comparator 'LIKE' not one of '{'!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}"],
    ["name IN 'a'", 'Invalid comparator for string attribute: IN'],
  ];
  it.each(cases)('%s', (filter, message) => rejects(() => parseExperimentFilter(filter), message));
});

describe('registered model filters', () => {
  it('accepts name and tags with comparators in any case', () => {
    expect(parseRegisteredModelFilter("name like 'a%' AND tags.t = 'x'").map((c) => c.test.comparator)).toEqual(['LIKE', '=']);
  });
  const cases: [string, string][] = [
    ["metrics.a = 'x'", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')"],
    ['creation_timestamp > 5', "Invalid attribute key 'creation_timestamp' specified. Valid keys are '{'name'}'"],
    ["`name` = 'x'", "Invalid attribute key '`name`' specified. Valid keys are '{'name'}'"],
    ['name = 1', 'Expected a quoted string value or a list of quoted string values for attributes. Got value 1'],
    ["name > 'a'", 'Invalid comparator for attribute: >'],
    ["tags.t > 'a'", 'Invalid comparator for tag: >'],
    ["name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
  ];
  it.each(cases)('%s', (filter, message) => rejects(() => parseRegisteredModelFilter(filter), message));
});

describe('model version filters', () => {
  it('accepts name, run_id (with IN), source_path, version_number (numeric or quoted) and tags', () => {
    expect(
      parseModelVersionFilter("name = 'm' AND run_id IN ('a', 'B') AND source_path LIKE 's3%' AND version_number >= '2' AND tags.t = 'x'"),
    ).toEqual([
      { type: 'attribute', key: 'name', test: { kind: 'string', comparator: '=', value: 'm' } },
      { type: 'attribute', key: 'run_id', test: { kind: 'list', comparator: 'IN', values: ['a', 'B'] } },
      { type: 'attribute', key: 'source_path', test: { kind: 'string', comparator: 'LIKE', value: 's3%' } },
      { type: 'attribute', key: 'version_number', test: { kind: 'number', comparator: '>=', value: 2 } },
      { type: 'tag', key: 't', test: { kind: 'string', comparator: '=', value: 'x' } },
    ]);
  });
  const keys = "'{'name', 'version_number', 'run_id', 'source_path'}'";
  const cases: [string, string][] = [
    ["current_stage = 'Production'", `Invalid attribute key 'current_stage' specified. Valid keys are ${keys}`],
    ['name = 1', "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values."],
    ["run_id NOT IN ('a')", 'Invalid comparator for attribute: NOT IN'],
    ["name IN 'a'", 'Invalid comparator for attribute: IN'],
    ['version_number LIKE 1', 'Invalid comparator for attribute version_number: LIKE'],
    ["version_number IN ('1')", "Only the 'run_id' attribute supports comparison with a list of quoted string values."],
    ["version_number = 'abc'", "Invalid value 'abc' for attribute version_number: expected a number."],
    ["run_id = ('a')", "Comparator '=' cannot compare with a list of values. Got value ('a'); use IN or NOT IN."],
    ["tags.t IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')"],
  ];
  it.each(cases)('%s', (filter, message) => rejects(() => parseModelVersionFilter(filter), message));
});

describe('bounded work on hostile input', () => {
  it('refuses deep nesting instead of recursing', () => {
    const deep = `${'('.repeat(150)}params.a = 'x'${')'.repeat(150)}`;
    rejects(() => runs(deep), `Invalid filter '${deep}'. Could not be parsed.`);
    const chain = `params.a = ${"'x' = ".repeat(500)}'y'`;
    rejects(() => runs(chain), `Invalid filter '${chain}'. Could not be parsed.`);
  });

  it('parses a 100 kB filter in linear time', () => {
    const ids = Array.from({ length: 8000 }, (_, i) => `'${i.toString(16).padStart(8, '0')}'`);
    const started = performance.now();
    const [clause] = runs(`run_id IN (${ids.join(', ')}) AND ${"params.p = 'v' AND ".repeat(500)}metrics.m > 0`);
    expect(clause).toMatchObject({ test: { kind: 'list' } });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
