/** Narrowing of comparator text (already upper-cased where the search ignores case). */
import type { MlflowError } from '@darwin-mlflow/contract';
import type { ListComparator, NumericComparator, StringComparator } from './ast.js';
import { invalid } from './filterCommon.js';

const NUMERIC: readonly string[] = ['=', '!=', '<', '<=', '>', '>='] satisfies NumericComparator[];
const STRING: readonly string[] = ['=', '!=', 'LIKE', 'ILIKE'] satisfies StringComparator[];
const LIST: readonly string[] = ['IN', 'NOT IN'] satisfies ListComparator[];

export function numericComparator(text: string): NumericComparator | undefined {
  return NUMERIC.includes(text) ? (text as NumericComparator) : undefined;
}

export function stringComparator(text: string): StringComparator | undefined {
  return STRING.includes(text) ? (text as StringComparator) : undefined;
}

export function listComparator(text: string): ListComparator | undefined {
  return LIST.includes(text) ? (text as ListComparator) : undefined;
}

/**
 * `run_id IN 'a'` or `run_id = ('a')`: MLflow parses these and then fails inside SQLAlchemy
 * (500 or a driver error); we reject them up front.
 */
export function listMisuse(comparator: string, valueText: string): MlflowError {
  return listComparator(comparator) !== undefined
    ? invalid(`Comparator '${comparator}' expects a list of quoted string values, e.g. ('a', 'b'). Got value ${valueText}`)
    : invalid(`Comparator '${comparator}' cannot compare with a list of values. Got value ${valueText}; use IN or NOT IN.`);
}
