/**
 * order_by parsing of the four searches and page tokens (spec §5.2–§5.6), every message.
 */
import { describe, expect, it } from 'vitest';
import { MlflowError } from '@darwin-mlflow/contract';
import {
  createPageToken,
  parseExperimentOrderBy,
  parseModelVersionOrderBy,
  parsePageToken,
  parseRegisteredModelOrderBy,
  parseRunOrderBy,
} from '../../src/search/index.js';

function rejects(fn: () => unknown, message: string): void {
  expect(fn).toThrowError(MlflowError);
  try {
    fn();
  } catch (err) {
    expect((err as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((err as MlflowError).message).toBe(message);
  }
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('run order_by', () => {
  it('parses identifiers with an optional direction in any case', () => {
    expect(parseRunOrderBy(['metrics.m DESC', 'params.`p q` asc', 'tags."t.u"', 'start_time', 'attribute.run_id Desc'])).toEqual([
      { type: 'metric', key: 'm', ascending: false },
      { type: 'parameter', key: 'p q', ascending: true },
      { type: 'tag', key: 't.u', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'attribute', key: 'run_id', ascending: false },
    ]);
    expect(parseRunOrderBy(['created DESC', 'run_name'])).toEqual([
      { type: 'attribute', key: 'start_time', ascending: false },
      { type: 'attribute', key: 'run_name', ascending: true },
    ]);
    expect(parseRunOrderBy(undefined)).toEqual([]);
  });

  const runKeys = "'{'artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id', 'created', 'Created'}'";
  const cases: [string[], string][] = [
    [['metrics.a foo'], "Invalid ordering key in order_by clause 'metrics.a foo'."],
    [['metrics.a ASC DESC'], "Invalid order_by clause 'metrics.a ASC DESC'. Could not be parsed."],
    [['metrics.a, metrics.b'], "Invalid order_by clause 'metrics.a, metrics.b'. Could not be parsed."],
    [[' metrics.a'], "Invalid order_by clause ' metrics.a'. Could not be parsed."],
    [[''], "Invalid order_by clause ''. Could not be parsed."],
    [['metrics.`a"b` DESC'], 'Invalid order_by clause \'metrics.`a"b` DESC\'. Could not be parsed.'],
    [['`Run name`'], `Invalid attribute key 'Run name' specified. Valid keys are ${runKeys}`],
    [['lifecycle_stage'], `Invalid attribute key 'lifecycle_stage' specified. Valid keys are ${runKeys}`],
    [['datasets.name'], "Invalid identifier type 'dataset'"],
    [['datasets.foo'], "Invalid dataset key 'foo' specified. Valid keys are '{'name', 'digest', 'context'}'"],
    [['foo.bar'], "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']"],
    // 500 in MLflow
    [['metrics.a', 'metrics.a DESC'], "`order_by` contains duplicate fields: ['metrics.a', 'metrics.a DESC']"],
    [['created', 'start_time'], "`order_by` contains duplicate fields: ['created', 'start_time']"],
  ];
  it.each(cases)('%j', (orderBy, message) => rejects(() => parseRunOrderBy(orderBy), message));
});

describe('experiment order_by', () => {
  it('defaults to creation_time DESC, experiment_id ASC and appends experiment_id DESC', () => {
    expect(parseExperimentOrderBy(undefined)).toEqual([
      { column: 'creation_time', ascending: false },
      { column: 'experiment_id', ascending: true },
    ]);
    expect(parseExperimentOrderBy(['attribute.name', 'last_update_time DESC'])).toEqual([
      { column: 'name', ascending: true },
      { column: 'last_update_time', ascending: false },
      { column: 'experiment_id', ascending: false },
    ]);
  });
  it('rejects tags and other keys', () => {
    rejects(() => parseExperimentOrderBy(['tags.x']), 'Invalid order_by entity: tag');
    rejects(
      () => parseExperimentOrderBy(['start_time']),
      "Invalid attribute key 'start_time' specified. Valid keys are '{'name', 'experiment_id', 'creation_time', 'last_update_time'}'",
    );
    rejects(() => parseExperimentOrderBy(['attributes.name']), "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')");
  });
});

describe('registered model order_by', () => {
  it('accepts name, timestamp and last_updated_timestamp; name ASC breaks ties', () => {
    expect(parseRegisteredModelOrderBy(['timestamp DESC'])).toEqual([
      { column: 'last_updated_time', ascending: false },
      { column: 'name', ascending: true },
    ]);
    expect(parseRegisteredModelOrderBy(['TIMESTAMP', 'name DESC'])).toEqual([
      { column: 'last_updated_time', ascending: true },
      { column: 'name', ascending: false },
    ]);
    expect(parseRegisteredModelOrderBy(['last_updated_timestamp asc'])[0]).toEqual({ column: 'last_updated_time', ascending: true });
  });
  it('rejects other keys and duplicates', () => {
    rejects(
      () => parseRegisteredModelOrderBy(['creation_timestamp']),
      "Invalid order by key 'creation_timestamp' specified. Valid keys are '{'name', 'timestamp'}'",
    );
    rejects(() => parseRegisteredModelOrderBy(['attribute.name']), "Invalid order by key 'attribute.name' specified. Valid keys are '{'name', 'timestamp'}'");
    rejects(
      () => parseRegisteredModelOrderBy(['timestamp', 'last_updated_timestamp']),
      "`order_by` contains duplicate fields: ['timestamp', 'last_updated_timestamp']",
    );
  });
});

describe('model version order_by', () => {
  it('defaults to last_updated_timestamp DESC, name ASC, version_number DESC', () => {
    expect(parseModelVersionOrderBy([])).toEqual([
      { column: 'last_updated_time', ascending: false },
      { column: 'name', ascending: true },
      { column: 'version', ascending: false },
    ]);
    expect(parseModelVersionOrderBy(['attribute.creation_timestamp DESC'])).toEqual([
      { column: 'creation_time', ascending: false },
      { column: 'name', ascending: true },
      { column: 'version', ascending: false },
    ]);
  });
  it('rejects other keys and duplicates', () => {
    rejects(() => parseModelVersionOrderBy(['tags.x']), "Invalid order by key 'x' specified. Valid keys are {'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}");
    rejects(
      () => parseModelVersionOrderBy(['current_stage']),
      "Invalid attribute key 'current_stage' specified. Valid keys are '{'name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'}'",
    );
    rejects(() => parseModelVersionOrderBy(['name', 'name DESC']), "`order_by` contains duplicate fields: ['name', 'name DESC']");
  });
});

describe('page tokens', () => {
  it('are base64 of Python json.dumps({"offset": N})', () => {
    expect(createPageToken(1)).toBe('eyJvZmZzZXQiOiAxfQ==');
    expect(Buffer.from(createPageToken(1000), 'base64').toString()).toBe('{"offset": 1000}');
    for (const n of [1, 7, 100, 123456789]) expect(parsePageToken(createPageToken(n))).toBe(n);
  });

  it('decode as leniently as Python', () => {
    expect(parsePageToken(undefined)).toBe(0);
    expect(parsePageToken('')).toBe(0);
    expect(parsePageToken('ey Jv ZmZz ZXQi OiAx fQ==')).toBe(1);
    expect(parsePageToken('eyJvZmZzZXQiOiAxfQ==junk')).toBe(1);
    expect(parsePageToken(b64('{"offset": "5"}'))).toBe(5);
    expect(parsePageToken(b64('{"offset": " 1_000 "}'))).toBe(1000);
    expect(parsePageToken(b64('{"offset": true}'))).toBe(1);
    expect(parsePageToken(b64('{"offset": 2.7}'))).toBe(2);
    expect(parsePageToken(b64('\ufeff{"offset": 3}'))).toBe(3);
  });

  const cases: [string, string][] = [
    ['eyJvZmZzZXQiOiAxfQ', 'Invalid page token, could not base64-decode'],
    ['a', 'Invalid page token, could not base64-decode'],
    ['é', 'Invalid page token, could not base64-decode'],
    [b64('not json'), "Invalid page token, decoded value=b'not json'"],
    [b64('{"offset": "a\'b"'), `Invalid page token, decoded value=b'{"offset": "a\\'b"'`],
    ['/w==', "Invalid page token, decoded value=b'\\xff'"],
    [b64('{}'), 'Invalid page token, parsed value={}'],
    [b64('{"offset": 0}'), "Invalid page token, parsed value={'offset': 0}"],
    [b64('{"offset": null}'), "Invalid page token, parsed value={'offset': None}"],
    [b64('{"offset": "abc"}'), 'Invalid page token, not stringable abc'],
    [b64('{"offset": NaN}'), 'Invalid page token, not stringable nan'],
    // 500 in MLflow, or handed to the database
    [b64('[1]'), 'Invalid page token, parsed value=[1]'],
    [b64('{"offset": [1]}'), 'Invalid page token, not stringable [1]'],
    [b64('{"offset": -5}'), "Invalid page token, parsed value={'offset': -5}"],
    [b64('{"offset": 100000000000000000000}'), "Invalid page token, parsed value={'offset': 100000000000000000000}"],
  ];
  it.each(cases)('%s', (token, message) => rejects(() => parsePageToken(token), message));
});
