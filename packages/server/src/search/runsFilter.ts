/**
 * Run search filters (`SearchUtils` in MLflow 2.12.2): entity prefixes and their synonyms,
 * attribute keys and aliases, value types, comparators per key type.
 *
 * MLflow checks in two steps, and so do we: the filter is parsed first (syntax, identifiers,
 * values), and comparators are checked only later, after order_by has been parsed. The order
 * decides which message a request with several mistakes gets.
 */
import type { Node } from './grouping.js';
import {
  invalid,
  isStringValue,
  parseComparisons,
  parseNumber,
  quotedValue,
  stringList,
  stripQuotes,
  trimBackticks,
  valueShape,
} from './filterCommon.js';
import { pyListRepr, pySetRepr } from './python.js';
import type {
  DatasetKey,
  ListComparator,
  RunClause,
  RunNumericAttribute,
  RunStringAttribute,
  StringComparator,
} from './ast.js';
import { listMisuse, numericComparator, stringComparator } from './comparators.js';

export type RunEntity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITIES: Record<string, RunEntity> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attr: 'attribute',
  attributes: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const ENTITY_NAMES = ['metric', 'parameter', 'tag', 'attribute', 'dataset'];

const RUN_ATTRIBUTES = ['artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id'];
export const RUN_SEARCH_ATTRIBUTES = [...RUN_ATTRIBUTES, 'created', 'Created', 'run name', 'Run name', 'Run Name'];
export const RUN_ORDER_ATTRIBUTES = [...RUN_ATTRIBUTES, 'created', 'Created'];
const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time', 'created', 'Created']);
const DATASET_KEYS = ['name', 'digest', 'context'];

const METRIC_COMPARATORS = ['>', '>=', '!=', '=', '<', '<='];
const PARAM_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE'];
const STRING_ATTRIBUTE_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

/** `created`/`Created` mean start_time; the spaced spellings of run name mean run_name. */
export function translateKeyAlias(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key;
}

/** `[<entity>.]<key>`, split at the first dot (MLflow `_get_identifier`). */
export function runIdentifier(identifier: string, validAttributes: readonly string[]): { type: RunEntity; key: string } {
  const dot = identifier.indexOf('.');
  const entityText = dot < 0 ? 'attribute' : trimBackticks(identifier.slice(0, dot));
  const type = ENTITIES[entityText];
  if (type === undefined) {
    throw invalid(`Invalid entity type '${entityText}'. Valid values are ${pyListRepr(ENTITY_NAMES)}`);
  }
  const key = trimBackticks(stripQuotes(dot < 0 ? identifier : identifier.slice(dot + 1)));
  if (type === 'attribute' && !validAttributes.includes(key)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySetRepr(validAttributes)}'`);
  }
  if (type === 'dataset' && !DATASET_KEYS.includes(key)) {
    throw invalid(`Invalid dataset key '${key}' specified. Valid keys are '${pySetRepr(DATASET_KEYS)}'`);
  }
  return { type, key };
}

/** A parsed clause whose comparator has not been checked yet. */
export interface RunClauseDraft {
  readonly type: RunEntity;
  readonly key: string;
  readonly comparator: string;
  readonly value: string | string[];
  /** The value as written, for messages. */
  readonly valueText: string;
}

/** Step one: syntax, identifiers and value types. An empty filter means no clause. */
export function parseRunFilter(filter: string | undefined | null): RunClauseDraft[] {
  if (!filter) return [];
  return parseComparisons(filter, { quoteInvalidClauses: true }, (raw) => {
    const { type, key } = runIdentifier(raw.identifier, RUN_SEARCH_ATTRIBUTES);
    return { type, key, comparator: raw.comparator, value: runValue(type, key, raw.value), valueText: raw.value.text };
  });
}

function runValue(type: RunEntity, key: string, node: Node): string | string[] {
  const shape = valueShape(node);
  switch (type) {
    case 'metric':
      if (shape !== 'number') throw invalid(`Expected numeric value type for metric. Found ${node.text}`);
      return node.text;
    case 'parameter':
    case 'tag':
      if (isStringValue(node)) return quotedValue(node);
      throw invalid(`Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${node.text}`);
    case 'attribute':
      if (NUMERIC_ATTRIBUTES.has(key)) {
        if (shape !== 'number') {
          throw invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${node.text}`);
        }
        return node.text;
      }
      if (isStringValue(node)) return quotedValue(node);
      if (shape === 'list') {
        if (key !== 'run_id') {
          throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
        }
        return stringList(node);
      }
      throw invalid(`Expected a quoted string value for attributes. Got value ${node.text}`);
    case 'dataset':
      if (isStringValue(node)) return quotedValue(node);
      if (shape === 'list') return stringList(node);
      throw invalid(`Expected a quoted string value for dataset attributes. Got value ${node.text}`);
  }
}

/**
 * Step two: comparators. MLflow answers 500 for a bad comparator on tags, attributes and
 * datasets (no error code attached); we answer 400 with the same text, typos included.
 */
export function checkRunClauses(drafts: readonly RunClauseDraft[]): RunClause[] {
  return drafts.map(checkRunClause);
}

function checkRunClause(draft: RunClauseDraft): RunClause {
  const comparator = draft.comparator.toUpperCase();
  const key = translateKeyAlias(draft.key);
  const notOneOf = (valid: readonly string[], closingQuote: boolean) =>
    invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(valid)}${closingQuote ? "'" : ''}`);
  switch (draft.type) {
    case 'metric': {
      const op = numericComparator(comparator);
      if (op === undefined) throw notOneOf(METRIC_COMPARATORS, false);
      return { type: 'metric', key, test: { kind: 'number', comparator: op, value: parseNumber(draft.value as string) } };
    }
    case 'parameter':
    case 'tag': {
      const op = stringComparator(comparator);
      if (op === undefined) throw notOneOf(PARAM_COMPARATORS, draft.type === 'parameter');
      return { type: draft.type, key, test: { kind: 'string', comparator: op, value: draft.value as string } };
    }
    case 'attribute':
      if (NUMERIC_ATTRIBUTES.has(key)) {
        const op = numericComparator(comparator);
        if (op === undefined) throw notOneOf(STRING_ATTRIBUTE_COMPARATORS, false);
        const value = parseNumber(draft.value as string);
        return { type: 'attribute', key: key as RunNumericAttribute, test: { kind: 'number', comparator: op, value } };
      }
      if (!STRING_ATTRIBUTE_COMPARATORS.includes(comparator)) throw notOneOf(STRING_ATTRIBUTE_COMPARATORS, true);
      return { type: 'attribute', key: key as RunStringAttribute, test: stringOrList(comparator, draft) };
    case 'dataset':
      if (!STRING_ATTRIBUTE_COMPARATORS.includes(comparator)) throw notOneOf(STRING_ATTRIBUTE_COMPARATORS, false);
      return { type: 'dataset', key: key as DatasetKey, test: stringOrList(comparator, draft) };
  }
}

/** IN needs a list and a list needs IN; MLflow lets both through to SQLAlchemy, which fails. */
function stringOrList(comparator: string, draft: RunClauseDraft) {
  const isList = comparator === 'IN' || comparator === 'NOT IN';
  if (isList !== Array.isArray(draft.value)) throw listMisuse(comparator, draft.valueText);
  return Array.isArray(draft.value)
    ? { kind: 'list' as const, comparator: comparator as ListComparator, values: draft.value }
    : { kind: 'string' as const, comparator: comparator as StringComparator, value: draft.value };
}
