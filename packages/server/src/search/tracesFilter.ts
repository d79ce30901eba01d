/**
 * The filter and order_by of MLflow 3.x's trace search (`SearchTraceUtils`): AND-ed comparisons
 * on trace attributes (`trace.`/`attribute.`/`attributes.` or no prefix), `tag.`/`tags.` and
 * `metadata.`/`request_metadata.`, with MLflow's key aliases (`timestamp` is `timestamp_ms`,
 * `name` is the `mlflow.traceName` tag, `run_id` the `mlflow.sourceRun` metadata or a run the
 * trace is linked to). Span and assessment filters need span storage, which this server leaves
 * to the artifact store, so they answer a clear 400; so does RLIKE.
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
import { parseOrderByString } from './orderBy.js';
import { pySetRepr } from './python.js';
import type { NumberTest, StringOrListTest, StringTest } from './ast.js';
import { listComparator, numericComparator, stringComparator } from './comparators.js';

export type TraceNumericAttribute = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms';
export type TraceStringAttribute = 'status' | 'request_id' | 'client_request_id';

export type TraceClause =
  | { readonly type: 'attribute'; readonly key: TraceNumericAttribute; readonly test: NumberTest }
  | { readonly type: 'attribute'; readonly key: TraceStringAttribute; readonly test: StringOrListTest }
  | { readonly type: 'tag' | 'metadata'; readonly key: string; readonly test: StringTest }
  /** `run_id = '<id>'`: the trace's source run or a run it was linked to. */
  | { readonly type: 'run'; readonly runId: string };

export type TraceOrderKey =
  | { readonly type: 'attribute'; readonly key: TraceNumericAttribute | TraceStringAttribute | 'experiment_id'; readonly ascending: boolean }
  | { readonly type: 'tag' | 'metadata'; readonly key: string; readonly ascending: boolean };

const SEARCH_ATTRIBUTES = [
  'request_id',
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'end_time',
  'end_time_ms',
  'status',
  'client_request_id',
  'name',
  'run_id',
  'text',
];
const ORDER_ATTRIBUTES = [
  'experiment_id',
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'end_time',
  'end_time_ms',
  'status',
  'request_id',
  'name',
  'run_id',
];
const NUMERIC: readonly string[] = ['timestamp_ms', 'execution_time_ms', 'end_time_ms'];
const ATTRIBUTE_ALIASES: Record<string, string> = { timestamp: 'timestamp_ms', execution_time: 'execution_time_ms', end_time: 'end_time_ms' };
const IDENTIFIERS: Record<string, 'attribute' | 'tag' | 'metadata' | 'span' | 'feedback' | 'expectation'> = {
  attribute: 'attribute',
  attributes: 'attribute',
  trace: 'attribute',
  tag: 'tag',
  tags: 'tag',
  request_metadata: 'metadata',
  metadata: 'metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
};
const TAG_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'RLIKE'];
export const TRACE_NAME_TAG = 'mlflow.traceName';
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';

type Identifier = { type: 'attribute' | 'tag' | 'metadata'; key: string };

/** `SearchTraceUtils._get_identifier` plus `_replace_key_to_tag_or_metadata`. */
function traceIdentifier(text: string, validAttributes: readonly string[]): Identifier {
  const dot = text.indexOf('.');
  let type: Identifier['type'] = 'attribute';
  let key = text;
  if (dot >= 0) {
    const entity = trimBackticks(text.slice(0, dot));
    const resolved = Object.hasOwn(IDENTIFIERS, entity) ? IDENTIFIERS[entity] : undefined;
    if (!resolved) {
      throw invalid(`Invalid entity type '${entity}'. Valid values are ${pySetRepr(Object.keys(IDENTIFIERS))}`);
    }
    if (resolved === 'span' || resolved === 'feedback' || resolved === 'expectation') {
      throw invalid(`Filtering traces on '${entity}' fields is not supported by this server: trace spans and their search are kept in the artifact store.`);
    }
    type = resolved;
    key = text.slice(dot + 1);
  }
  key = trimBackticks(stripQuotes(key));
  if (type === 'attribute') {
    if (!validAttributes.includes(key)) {
      throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySetRepr(validAttributes)}'`);
    }
    const lower = key.toLowerCase();
    if (lower === 'name') return { type: 'tag', key: TRACE_NAME_TAG };
    if (lower === 'run_id') return { type: 'metadata', key: SOURCE_RUN_METADATA };
    if (lower === 'text') throw invalid("Filtering traces on 'text' (span contents) is not supported by this server.");
    key = ATTRIBUTE_ALIASES[key] ?? key;
  }
  return { type, key };
}

export function parseTraceFilter(filter: string | undefined | null): TraceClause[] {
  if (!filter) return [];
  return parseComparisons(filter, { quoteInvalidClauses: false }, (raw) =>
    clause(traceIdentifier(raw.identifier, SEARCH_ATTRIBUTES), raw.comparator.toUpperCase().replace(/\s+/g, ' '), raw.value),
  );
}

function clause(id: Identifier, comparator: string, value: Node): TraceClause {
  if (comparator === 'RLIKE') throw invalid("The 'RLIKE' comparator is not supported by this server's trace search.");
  if (id.type !== 'attribute') {
    if (!TAG_COMPARATORS.includes(comparator)) throw invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(TAG_COMPARATORS)}'`);
    if (!isStringValue(value)) {
      throw invalid(`Expected a quoted string value for ${id.type === 'tag' ? 'tag' : 'request_metadata'} (e.g. 'my-value'). Got value ${value.text}`);
    }
    const text = quotedValue(value);
    if (id.type === 'metadata' && id.key === SOURCE_RUN_METADATA && comparator === '=') return { type: 'run', runId: text };
    return { type: id.type, key: id.key, test: { kind: 'string', comparator: stringComparator(comparator) as StringTest['comparator'], value: text } };
  }
  if (NUMERIC.includes(id.key)) {
    const op = numericComparator(comparator);
    if (!op) throw invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(['=', '!=', '<', '<=', '>', '>='])}'`);
    if (valueShape(value) !== 'number') {
      throw invalid(`Expected numeric value type for numeric attribute: ${id.key}. Found ${value.text}`);
    }
    return { type: 'attribute', key: id.key as TraceNumericAttribute, test: { kind: 'number', comparator: op, value: parseNumber(value.text) } };
  }
  const key = id.key as TraceStringAttribute;
  const list = listComparator(comparator);
  if (list) {
    if (valueShape(value) !== 'list') throw invalid(`Comparator '${comparator}' expects a list of quoted string values, e.g. ('a', 'b'). Got value ${value.text}`);
    return { type: 'attribute', key, test: { kind: 'list', comparator: list, values: stringList(value) } };
  }
  const op = stringComparator(comparator);
  if (!op) throw invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'])}'`);
  if (!isStringValue(value)) throw invalid(`Expected a quoted string value for attributes. Got value ${value.text}`);
  return { type: 'attribute', key, test: { kind: 'string', comparator: op, value: quotedValue(value) } };
}

/** order_by elements; duplicates are refused as MLflow does. */
export function parseTraceOrderBy(orderBy: readonly string[]): TraceOrderKey[] {
  const seen = new Set<string>();
  return orderBy.map((element) => {
    const { identifier, ascending } = parseOrderByString(element);
    const id = traceIdentifier(identifier.trim(), ORDER_ATTRIBUTES);
    const mark = `${id.type}\u0000${id.key}`;
    if (seen.has(mark)) throw invalid(`\`order_by\` contains duplicate fields: ${pySetRepr(orderBy)}`);
    seen.add(mark);
    return id.type === 'attribute'
      ? { type: 'attribute', key: id.key as TraceNumericAttribute | TraceStringAttribute | 'experiment_id', ascending }
      : { type: id.type, key: id.key, ascending };
  });
}
