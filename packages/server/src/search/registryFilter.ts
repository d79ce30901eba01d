/**
 * Registered-model and model-version search filters (`SearchModelUtils`,
 * `SearchModelVersionUtils` and the registry SQL store's clause builders). Comparators are
 * case-insensitive here. The attribute key is checked before quotes are stripped, so
 * `` `name` = 'x' `` is rejected, as in MLflow.
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
import { pySetRepr, pyTupleRepr } from './python.js';
import type { ModelVersionClause, RegisteredModelClause } from './ast.js';
import { listMisuse, numericComparator, stringComparator } from './comparators.js';
import { REGISTRY_ENTITY_TYPES } from './experimentsFilter.js';

const MODEL_ATTRIBUTES = ['name'];
const VERSION_ATTRIBUTES = ['name', 'version_number', 'run_id', 'source_path'];
const VERSION_NUMERIC_ATTRIBUTES = ['version_number', 'creation_timestamp', 'last_updated_timestamp'];

interface Draft {
  readonly type: 'attribute' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: string | number | string[];
  readonly valueText: string;
}

function registryIdentifier(identifier: string, validAttributes: readonly string[]): { type: 'attribute' | 'tag'; key: string } {
  const dot = identifier.indexOf('.');
  let type: 'attribute' | 'tag' = 'attribute';
  let key = identifier;
  if (dot >= 0) {
    const entity = identifier.slice(0, dot);
    if (!REGISTRY_ENTITY_TYPES.includes(entity)) {
      throw invalid(`Invalid entity type '${entity}'. Valid entity types are ${pyTupleRepr(REGISTRY_ENTITY_TYPES)}`);
    }
    type = entity === 'attribute' ? 'attribute' : 'tag';
    key = identifier.slice(dot + 1);
  }
  if (type === 'attribute' && !validAttributes.includes(key)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySetRepr(validAttributes)}'`);
  }
  return { type, key: trimBackticks(stripQuotes(key)) };
}

function drafts(filter: string, validAttributes: readonly string[], numericAllowed: boolean): Draft[] {
  return parseComparisons(filter, { quoteInvalidClauses: false }, (raw) => {
    const { type, key } = registryIdentifier(raw.identifier, validAttributes);
    const value = registryValue(type, key, raw.value, numericAllowed);
    return { type, key, comparator: raw.comparator.toUpperCase(), value, valueText: raw.value.text };
  });
}

function registryValue(type: 'attribute' | 'tag', key: string, node: Node, numericAllowed: boolean): string | number | string[] {
  if (type === 'tag') {
    if (isStringValue(node)) return quotedValue(node);
    throw invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${node.text}`);
  }
  if (isStringValue(node)) return quotedValue(node);
  if (valueShape(node) === 'list') {
    if (key !== 'run_id') {
      throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
    }
    return stringList(node);
  }
  if (numericAllowed && valueShape(node) === 'number') {
    if (!VERSION_NUMERIC_ATTRIBUTES.includes(key)) {
      throw invalid(`Only the '${pySetRepr(VERSION_NUMERIC_ATTRIBUTES)}' attributes support comparison with numeric values.`);
    }
    return parseNumber(node.text);
  }
  throw invalid(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${node.text}`);
}

function tagClause(draft: Draft) {
  const op = stringComparator(draft.comparator);
  if (op === undefined) throw invalid(`Invalid comparator for tag: ${draft.comparator}`);
  return { type: 'tag' as const, key: draft.key, test: { kind: 'string' as const, comparator: op, value: draft.value as string } };
}

export function parseRegisteredModelFilter(filter: string | undefined | null): RegisteredModelClause[] {
  if (!filter) return [];
  return drafts(filter, MODEL_ATTRIBUTES, false).map((draft): RegisteredModelClause => {
    if (draft.type === 'tag') return tagClause(draft);
    const op = stringComparator(draft.comparator);
    if (op === undefined) throw invalid(`Invalid comparator for attribute: ${draft.comparator}`);
    return { type: 'attribute', key: 'name', test: { kind: 'string', comparator: op, value: draft.value as string } };
  });
}

export function parseModelVersionFilter(filter: string | undefined | null): ModelVersionClause[] {
  if (!filter) return [];
  return drafts(filter, VERSION_ATTRIBUTES, true).map(versionClause);
}

function versionClause(draft: Draft): ModelVersionClause {
  if (draft.type === 'tag') return tagClause(draft);
  const c = draft.comparator;
  if (draft.key === 'version_number') {
    const op = numericComparator(c);
    if (op === undefined) throw invalid(`Invalid comparator for attribute ${draft.key}: ${c}`);
    return { type: 'attribute', key: 'version_number', test: { kind: 'number', comparator: op, value: versionNumber(draft) } };
  }
  // Model versions accept IN (for run_id only) but not NOT IN.
  const op = stringComparator(c);
  if ((op === undefined && c !== 'IN') || (c === 'IN' && draft.key !== 'run_id')) {
    throw invalid(`Invalid comparator for attribute: ${c}`);
  }
  if ((op === undefined) !== Array.isArray(draft.value)) throw listMisuse(c, draft.valueText);
  if (op === undefined) {
    return { type: 'attribute', key: 'run_id', test: { kind: 'list', comparator: 'IN', values: draft.value as string[] } };
  }
  const key = draft.key as 'name' | 'run_id' | 'source_path';
  return { type: 'attribute', key, test: { kind: 'string', comparator: op, value: draft.value as string } };
}

const NUMERIC_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * `version_number = 3` or `= '3'`. MLflow hands a quoted value to the database as text, which
 * SQLite and MySQL coerce and PostgreSQL rejects; a non-numeric text is a 400 here.
 */
function versionNumber(draft: Draft): number {
  if (typeof draft.value === 'number') return draft.value;
  if (typeof draft.value === 'string' && NUMERIC_TEXT.test(draft.value)) return Number(draft.value);
  throw invalid(`Invalid value ${draft.valueText} for attribute version_number: expected a number.`);
}
