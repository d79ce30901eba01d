/**
 * Replays MLflow 2.12.2's own answers for ~1350 filter, order_by and page-token strings.
 *
 * fixtures/mlflow-2.12.2-parser.json was produced by running MLflow 2.12.2's search_utils.py
 * (with sqlparse 0.4.2, the version the spec was verified with) plus the checks of its SQL
 * stores, over the inputs listed in the file. Each case records what MLflow did:
 *   { ok }               parsed; the clauses / order keys / offset, normalised
 *   { status, message }  MlflowException: 400, or 500 where MLflow attached no error code
 *   { fails }            parsed, but MLflow then fails in SQL or with an uncaught exception
 * The fixture keeps IN-list items that MLflow would drop (our deliberate difference, tested
 * in filters.test.ts). Python sets are printed in hash order, so messages are compared with
 * every `{'a', 'b'}` sorted.
 * DARWIN_SEARCH_ORACLE=<file> replays another fixture of the same format (e.g. a fuzz corpus).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '@darwin-mlflow/contract';
import {
  checkRunClauses,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parsePageToken,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
  parseRunFilter,
  parseRunOrderBy,
} from '../../src/search/index.js';
import type { NumberTest, StringOrListTest } from '../../src/search/index.js';

interface OracleCase {
  search: 'runs' | 'experiments' | 'registered_models' | 'model_versions' | 'any';
  kind: 'filter' | 'order_by' | 'page_token';
  input: string | string[];
  mlflow: { ok: unknown } | { status: 400 | 500; message: string } | { fails: string };
}

const fixturePath = process.env.DARWIN_SEARCH_ORACLE ?? new URL('./fixtures/mlflow-2.12.2-parser.json', import.meta.url);
const cases = JSON.parse(fs.readFileSync(fixturePath, 'utf8')) as OracleCase[];

function value(test: StringOrListTest | NumberTest): unknown {
  return test.kind === 'list' ? test.values : test.value;
}

type Clause = { type: string; key: string; test: StringOrListTest | NumberTest };
const clauses = (list: readonly Clause[]) => list.map((c) => [c.type, c.key, c.test.comparator, value(c.test)]);
const columns = (list: readonly { column: string; ascending: boolean }[]) => list.map((c) => [c.column, c.ascending]);

/** Our answer, in the fixture's normalised shape. */
function ours(c: OracleCase): unknown {
  const input = c.input;
  const text = input as string;
  const list = input as string[];
  switch (`${c.search}/${c.kind}`) {
    case 'runs/filter':
      return clauses(checkRunClauses(parseRunFilter(text)));
    case 'experiments/filter':
      return clauses(parseExperimentFilter(text));
    case 'registered_models/filter':
      return clauses(parseRegisteredModelFilter(text));
    case 'model_versions/filter':
      return clauses(parseModelVersionFilter(text));
    case 'runs/order_by':
      return parseRunOrderBy(list).map((k) => [k.type, k.key, k.ascending]);
    case 'experiments/order_by':
      return columns(parseExperimentOrderBy(list));
    case 'registered_models/order_by':
      return columns(parseRegisteredModelOrderBy(list));
    case 'model_versions/order_by':
      return columns(parseModelVersionOrderBy(list));
    case 'any/page_token':
      return parsePageToken(text);
    default:
      throw new Error(`unknown case ${c.search}/${c.kind}`);
  }
}

const sortSets = (message: string) =>
  message.replace(/\{('[^']*'(?:, '[^']*')*)\}/g, (_, items: string) => `{${items.split(', ').sort().join(', ')}}`);

function outcome(c: OracleCase): { ok: unknown } | { error: MlflowError } {
  try {
    return { ok: ours(c) };
  } catch (err) {
    if (err instanceof MlflowError) return { error: err };
    throw err;
  }
}

describe('filter, order_by and page-token parsing agree with MLflow 2.12.2', () => {
  it.each(cases.map((c) => [`${c.search} ${c.kind} ${JSON.stringify(c.input)}`, c] as const))('%s', (_, c) => {
    const got = outcome(c);
    if ('ok' in c.mlflow) {
      expect(got).toEqual({ ok: c.mlflow.ok });
      return;
    }
    // Every rejection is a 400 INVALID_PARAMETER_VALUE here, also where MLflow gives a 500.
    expect('error' in got, `expected a rejection, got ${JSON.stringify(got)}`).toBe(true);
    const error = (got as { error: MlflowError }).error;
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    if ('message' in c.mlflow) expect(sortSets(error.message)).toBe(sortSets(c.mlflow.message));
  });
});
