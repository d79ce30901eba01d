/**
 * The filter and order_by of MLflow 3.x's trace search (`SearchTraceUtils` with
 * `_get_filter_clauses_for_search_traces`): AND-ed comparisons on trace attributes
 * (`trace.`/`attribute.`/`attributes.` or no prefix), `tag.`/`tags.`, `metadata.`/
 * `request_metadata.`, spans and assessments, with MLflow's key aliases (`timestamp` is
 * `timestamp_ms`, `name` is the `mlflow.traceName` tag, `run_id` the `mlflow.sourceRun` metadata
 * or a run the trace is linked to, `text` the spans' content).
 *
 * Spans: `span.name`, `span.type`, `span.status` (=, !=, IN, NOT IN, LIKE, ILIKE, RLIKE),
 * `span.content` and `trace.text` (LIKE, ILIKE on the span's JSON), and
 * `span.attributes.<key>`, which MLflow matches inside that JSON: LIKE/ILIKE as
 * `%"<key>"<value>%`, RLIKE with the pattern moved inside the attribute's JSON-encoded value.
 * MLflow also accepts =, !=, IN and NOT IN there but then compares the whole JSON with that
 * pattern text (= never holds, != always does); here they answer a 400 naming the comparators
 * that work. A trace matches when one of its spans does, per clause. Spans in the `spans` table
 * match: those sent over OTLP and those of a `traces.json` uploaded through the artifact proxy
 * (tracking/service/traceDataIndex.ts).
 *
 * Assessments: `feedback.<name>` / `expectation.<name>` compare the JSON text of the value
 * (`feedback.score = '1'`, `feedback.verdict = '"yes"'`) of an assessment of that kind and name.
 * RLIKE works on string attributes, tags and metadata too.
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
import type { ListTest, NumberTest, RegexTest, StringTest } from './ast.js';
import { listComparator, listMisuse, numericComparator, stringComparator } from './comparators.js';

export type TraceNumericAttribute = 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms';
export type TraceStringAttribute = 'status' | 'request_id' | 'client_request_id';

/** A test on a text column: the usual comparators, or RLIKE. */
export type TextTest = StringTest | RegexTest;
export type SpanColumn = 'name' | 'type' | 'status' | 'content';
export type AssessmentType = 'feedback' | 'expectation';

export type TraceClause =
  | { readonly type: 'attribute'; readonly key: TraceNumericAttribute; readonly test: NumberTest }
  | { readonly type: 'attribute'; readonly key: TraceStringAttribute; readonly test: TextTest | ListTest }
  | { readonly type: 'tag' | 'metadata'; readonly key: string; readonly test: TextTest }
  /** Some span of the trace passes the test on that column of `spans`. */
  | { readonly type: 'span'; readonly column: SpanColumn; readonly test: TextTest | ListTest }
  /** Some assessment of the trace of that type and name has a value (JSON text) passing the test. */
  | { readonly type: 'assessment'; readonly assessmentType: AssessmentType; readonly name: string; readonly test: TextTest }
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
const STRING_COMPARATORS = ['!=', '=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];
const SPAN_COLUMNS: readonly string[] = ['name', 'type', 'status'];
const SPAN_CONTENT_COMPARATORS = ['LIKE', 'ILIKE'];
const SPAN_ATTRIBUTE_PREFIX = 'attributes.';
export const TRACE_NAME_TAG = 'mlflow.traceName';
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';

type KeyValueIdentifier = { type: 'attribute' | 'tag' | 'metadata'; key: string };
type Identifier = KeyValueIdentifier | { type: 'span' | AssessmentType; key: string };

function isKeyValue(id: Identifier): id is KeyValueIdentifier {
  return id.type === 'attribute' || id.type === 'tag' || id.type === 'metadata';
}

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
    if (lower === 'text') return { type: 'span', key: 'content' };
    key = ATTRIBUTE_ALIASES[key] ?? key;
  }
  return { type, key };
}

export function parseTraceFilter(filter: string | undefined | null): TraceClause[] {
  if (!filter) return [];
  return parseComparisons(filter, { quoteInvalidClauses: false }, (raw) => {
    const written = raw.comparator.replace(/\s+/g, ' ');
    const comparator = written.toUpperCase();
    const id = traceIdentifier(raw.identifier, SEARCH_ATTRIBUTES);
    if (id.type === 'span') {
      // `span.` comparators are checked as written (MLflow checks them before upper-casing), `trace.text` upper-cased
      const explicit = raw.identifier.includes('.') && trimBackticks(raw.identifier.slice(0, raw.identifier.indexOf('.'))) === 'span';
      return spanClause(id.key, explicit ? written : comparator, raw.value);
    }
    if (!isKeyValue(id)) return assessmentClause(id.type, id.key, comparator, raw.value);
    return clause(id, comparator, raw.value);
  });
}

/** A quoted string, or MLflow's message for the entity (`span`, `feedback`, `expectation`). */
function entityString(entity: string, value: Node): string {
  if (!isStringValue(value)) throw invalid(`Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${value.text}`);
  return quotedValue(value);
}

/** A comparator and string value as a test on a text column (RLIKE included). */
function textTest(comparator: string, value: string): TextTest {
  if (comparator === 'RLIKE') return { kind: 'regex', value };
  return { kind: 'string', comparator: stringComparator(comparator) as StringTest['comparator'], value };
}

/** `SearchTraceUtils.is_span` and the span branch of `_get_filter_clauses_for_search_traces`. */
function spanClause(key: string, comparator: string, value: Node): TraceClause {
  const isList = valueShape(value) === 'list';
  // a quoted string or a list, as MLflow's _get_value takes for spans
  if (!isList) entityString('span', value);
  if (key.startsWith(SPAN_ATTRIBUTE_PREFIX)) {
    // backticks allowed around a name with dots (`span.attributes.\`mlflow.spanType\``)
    const name = trimBackticks(key.slice(SPAN_ATTRIBUTE_PREFIX.length));
    if (name === '') throw invalid("Span attribute name cannot be empty after 'attributes.'");
    if (!STRING_COMPARATORS.includes(comparator)) throw invalid(`span.${key} comparator '${comparator}' not one of '${pySetRepr(STRING_COMPARATORS)}'`);
    if (!['LIKE', 'ILIKE', 'RLIKE'].includes(comparator)) {
      throw invalid(`span.${key} comparator '${comparator}' is not supported: span attributes are matched inside the span's JSON, use LIKE, ILIKE or RLIKE.`);
    }
    if (isList) throw listMisuse(comparator, value.text);
    const text = quotedValue(value);
    if (comparator !== 'RLIKE') return { type: 'span', column: 'content', test: { kind: 'string', comparator: comparator as 'LIKE' | 'ILIKE', value: `%"${name}"${text}%` } };
    return { type: 'span', column: 'content', test: { kind: 'regex', value: spanAttributePattern(name, text) } };
  }
  if (SPAN_COLUMNS.includes(key)) {
    if (!STRING_COMPARATORS.includes(comparator)) throw invalid(`span.${key} comparator '${comparator}' not one of '${pySetRepr(STRING_COMPARATORS)}'`);
    const column = key as SpanColumn;
    const list = listComparator(comparator);
    if (list) {
      if (!isList) throw listMisuse(comparator, value.text);
      return { type: 'span', column, test: { kind: 'list', comparator: list, values: stringList(value) } };
    }
    if (isList) throw listMisuse(comparator, value.text);
    return { type: 'span', column, test: textTest(comparator, quotedValue(value)) };
  }
  if (key === 'content') {
    if (!SPAN_CONTENT_COMPARATORS.includes(comparator)) throw invalid(`span.${key} comparator '${comparator}' not one of '${pySetRepr(SPAN_CONTENT_COMPARATORS)}'`);
    if (isList) throw listMisuse(comparator, value.text);
    return { type: 'span', column: 'content', test: textTest(comparator, quotedValue(value)) };
  }
  throw invalid(`Invalid span attribute '${key}'. Supported attributes: ${[...SPAN_COLUMNS].sort().join(', ')}, attributes.<attribute_name>.`);
}

/**
 * MLflow's RLIKE on `span.attributes.<name>`: the span's JSON holds `"<name>": "\"<value>\""`
 * (the attribute JSON-encoded, then quoted again), so `^` and `$` are moved to the inner quotes.
 */
function spanAttributePattern(name: string, pattern: string): string {
  let inner = pattern;
  let prefix = '"\\\\".*';
  let suffix = '';
  if (inner.startsWith('^')) {
    inner = inner.slice(1);
    prefix = '"\\\\"';
  }
  if (inner.endsWith('$')) {
    inner = inner.slice(0, -1);
    suffix = '\\\\"';
  }
  return `"${name}": ${prefix}${inner}${suffix}`;
}

/** `SearchTraceUtils.is_assessment` and the assessment branch of `_get_filter_clauses_for_search_traces`. */
function assessmentClause(type: AssessmentType, name: string, comparator: string, value: Node): TraceClause {
  const text = entityString(type, value);
  if (name === '') throw invalid('Assessment field name cannot be empty');
  if (!STRING_COMPARATORS.includes(comparator)) throw invalid(`assessment.${name} comparator '${comparator}' not one of '${pySetRepr(STRING_COMPARATORS)}'`);
  // IN / NOT IN with a string: MLflow hands the string to SQLAlchemy's in_() and fails there
  if (listComparator(comparator)) throw listMisuse(comparator, value.text);
  return { type: 'assessment', assessmentType: type, name, test: textTest(comparator, text) };
}

function clause(id: KeyValueIdentifier, comparator: string, value: Node): TraceClause {
  if (id.type !== 'attribute') {
    if (!TAG_COMPARATORS.includes(comparator)) throw invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(TAG_COMPARATORS)}'`);
    if (!isStringValue(value)) {
      throw invalid(`Expected a quoted string value for ${id.type === 'tag' ? 'tag' : 'request_metadata'} (e.g. 'my-value'). Got value ${value.text}`);
    }
    const text = quotedValue(value);
    if (id.type === 'metadata' && id.key === SOURCE_RUN_METADATA && comparator === '=') return { type: 'run', runId: text };
    return { type: id.type, key: id.key, test: textTest(comparator, text) };
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
  if (!stringComparator(comparator) && comparator !== 'RLIKE') throw invalid(`Invalid comparator '${comparator}' not one of '${pySetRepr(STRING_COMPARATORS)}'`);
  if (!isStringValue(value)) throw invalid(`Expected a quoted string value for attributes. Got value ${value.text}`);
  return { type: 'attribute', key, test: textTest(comparator, quotedValue(value)) };
}

/** order_by elements; duplicates are refused as MLflow does. */
export function parseTraceOrderBy(orderBy: readonly string[]): TraceOrderKey[] {
  const seen = new Set<string>();
  return orderBy.map((element) => {
    const { identifier, ascending } = parseOrderByString(element);
    const id = traceIdentifier(identifier.trim(), ORDER_ATTRIBUTES);
    if (!isKeyValue(id)) throw invalid(`Invalid identifier type '${id.type}'`);
    const mark = `${id.type}\u0000${id.key}`;
    if (seen.has(mark)) throw invalid(`\`order_by\` contains duplicate fields: ${pySetRepr(orderBy)}`);
    seen.add(mark);
    return id.type === 'attribute'
      ? { type: 'attribute', key: id.key as TraceNumericAttribute | TraceStringAttribute | 'experiment_id', ascending }
      : { type: id.type, key: id.key, ascending };
  });
}
