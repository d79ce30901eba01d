/**
 * Experiment search filters (`SearchExperimentsUtils` and the SQL store's clause builder).
 * Quirks kept: the entity prefix must be exactly `attribute`, `tag` or `tags`; comparators are
 * case-sensitive (`LIKE` works, `like` does not), and a lower-case `like` on `name` is rejected
 * with MLflow's text, as a 400 instead of MLflow's 500.
 */
import type { Node } from './grouping.js';
import {
  invalid,
  isStringValue,
  parseComparisons,
  parseNumber,
  quotedValue,
  stripQuotes,
  trimBackticks,
  valueShape,
} from './filterCommon.js';
import { pySetRepr, pyTupleRepr } from './python.js';
import type { ExperimentClause } from './ast.js';
import { numericComparator, stringComparator } from './comparators.js';

export const REGISTRY_ENTITY_TYPES = ['attribute', 'tag', 'tags'];

const SEARCH_ATTRIBUTES = ['name', 'creation_time', 'last_update_time'];
const NUMERIC_ATTRIBUTES = ['creation_time', 'last_update_time'];
const STRING_ATTRIBUTE_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

/**
 * `[attribute|tag|tags.]<key>` (MLflow `SearchExperimentsUtils._get_identifier`, also used for
 * model-version order_by). The prefix is compared before backticks are trimmed.
 */
export function experimentIdentifier(
  identifier: string,
  validAttributes: readonly string[],
): { type: 'attribute' | 'tag'; key: string } {
  const dot = identifier.indexOf('.');
  let type: 'attribute' | 'tag' = 'attribute';
  if (dot >= 0) {
    const entity = identifier.slice(0, dot);
    if (!REGISTRY_ENTITY_TYPES.includes(entity)) {
      throw invalid(`Invalid entity type '${entity}'. Valid entity types are ${pyTupleRepr(REGISTRY_ENTITY_TYPES)}`);
    }
    type = entity === 'attribute' ? 'attribute' : 'tag';
  }
  const key = trimBackticks(stripQuotes(dot < 0 ? identifier : identifier.slice(dot + 1)));
  if (type === 'attribute' && !validAttributes.includes(key)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySetRepr(validAttributes)}'`);
  }
  return { type, key };
}

interface Draft {
  readonly type: 'attribute' | 'tag';
  readonly key: string;
  readonly comparator: string;
  readonly value: string;
}

export function parseExperimentFilter(filter: string | undefined | null): ExperimentClause[] {
  if (!filter) return [];
  const drafts: Draft[] = parseComparisons(filter, { quoteInvalidClauses: false }, (raw) => {
    const { type, key } = experimentIdentifier(raw.identifier, SEARCH_ATTRIBUTES);
    return { type, key, comparator: raw.comparator, value: experimentValue(type, key, raw.value) };
  });
  return drafts.map(checkClause);
}

function experimentValue(type: 'attribute' | 'tag', key: string, node: Node): string {
  if (type === 'tag') {
    if (isStringValue(node)) return quotedValue(node);
    throw invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${node.text}`);
  }
  if (NUMERIC_ATTRIBUTES.includes(key)) {
    if (valueShape(node) !== 'number') {
      throw invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${node.text}`);
    }
    return node.text;
  }
  if (isStringValue(node)) return quotedValue(node);
  if (valueShape(node) === 'list') {
    throw invalid("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
  }
  throw invalid(`Expected a quoted string value for attributes. Got value ${node.text}`);
}

/** The store's checks; the comparator is used exactly as written. */
function checkClause(draft: Draft): ExperimentClause {
  const c = draft.comparator;
  if (draft.type === 'tag') {
    const op = stringComparator(c);
    if (op === undefined) throw invalid(`Invalid comparator for tag: ${c}`);
    return { type: 'tag', key: draft.key, test: { kind: 'string', comparator: op, value: draft.value } };
  }
  if (draft.key === 'creation_time' || draft.key === 'last_update_time') {
    const op = numericComparator(c);
    // MLflow names the string comparators here, and leaves the quote open.
    if (op === undefined) throw invalid(`Invalid comparator '${c}' not one of '${pySetRepr(STRING_ATTRIBUTE_COMPARATORS)}`);
    return { type: 'attribute', key: draft.key, test: { kind: 'number', comparator: op, value: parseNumber(draft.value) } };
  }
  if (!STRING_ATTRIBUTE_COMPARATORS.includes(c)) {
    throw invalid(`Invalid comparator '${c}' not one of '${pySetRepr(STRING_ATTRIBUTE_COMPARATORS)}'`);
  }
  const op = stringComparator(c);
  if (op === undefined) throw invalid(`Invalid comparator for string attribute: ${c}`);
  return { type: 'attribute', key: 'name', test: { kind: 'string', comparator: op, value: draft.value } };
}
