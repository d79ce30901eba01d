/**
 * Wire JSON of a stored span, as MLflow 3.x's batch_get_traces answers it: `Span.from_dict` of the
 * `content` column, then `to_otel_proto` rendered by message_to_json (OTLP Span fields in field
 * order, snake_case, bytes as base64, fixed64/int64 as JSON numbers, attribute values decoded
 * from their JSON text into AnyValue).
 */
import { FloatLiteral, parseJsonPreservingFloats, wireDouble } from '../http/json.js';
import type { TraceWithSpans } from './service/traces.js';
import { presentTraceInfo } from './tracePresenters.js';

type Dict = Record<string, unknown>;

const STATUS_NAMES: Record<string, string> = {
  STATUS_CODE_UNSET: 'STATUS_CODE_UNSET',
  STATUS_CODE_OK: 'STATUS_CODE_OK',
  STATUS_CODE_ERROR: 'STATUS_CODE_ERROR',
  // MLflow 3.5.0 wrote SpanStatusCode values
  UNSET: 'STATUS_CODE_UNSET',
  OK: 'STATUS_CODE_OK',
  ERROR: 'STATUS_CODE_ERROR',
};

/** A `Trace` message: its info and its spans. */
export function presentTraceWithSpans(t: TraceWithSpans) {
  return { trace_info: presentTraceInfo(t.info), spans: t.spans.map((s) => presentSpan(s.content)) };
}

/** The OTLP JSON of one `spans.content` value. */
export function presentSpan(content: string): Dict {
  const d = parseJsonPreservingFloats(content) as Dict;
  // Span.from_dict: base64 ids (Span.to_dict) when the trace id is base64, else hex (MLflow 3.5.0)
  const base64 = isBase64(String(d.trace_id ?? ''));
  const id = (value: unknown, digits: number) => Buffer.from(idHex(value, digits, base64), 'hex').toString('base64');
  const code = STATUS_NAMES[String((d.status as Dict | undefined)?.code ?? '')] ?? 'STATUS_CODE_UNSET';
  const message = String((d.status as Dict | undefined)?.message ?? '');
  const end = d.end_time_unix_nano;
  return {
    trace_id: id(d.trace_id, 32),
    span_id: id(d.span_id, 16),
    parent_span_id: d.parent_span_id ? id(d.parent_span_id, 16) : undefined,
    name: d.name ? String(d.name) : undefined,
    start_time_unix_nano: d.start_time_unix_nano,
    end_time_unix_nano: end ? end : undefined,
    attributes: keyValues(Object.entries((d.attributes as Dict | undefined) ?? {}).map(([k, v]) => [k, attributeValue(v)])),
    events: nonEmpty(((d.events as Dict[] | undefined) ?? []).map(presentEvent)),
    // OpenTelemetry keeps a status description only on errors; code 0 (UNSET) is left out
    status: { message: code === 'STATUS_CODE_ERROR' && message ? message : undefined, code: code === 'STATUS_CODE_UNSET' ? undefined : code },
  };
}

function presentEvent(e: Dict): Dict {
  return {
    time_unix_nano: e.time_unix_nano || undefined,
    name: e.name ? String(e.name) : undefined,
    attributes: keyValues(Object.entries((e.attributes as Dict | undefined) ?? {})),
  };
}

/** A span or trace id as `digits` hex digits, from base64 or from hex (`tr-<hex>` for a trace). */
function idHex(value: unknown, digits: number, base64: boolean): string {
  const text = String(value ?? '');
  const hex = base64 ? Buffer.from(text, 'base64').toString('hex') : text.replace(/^tr-/, '');
  return hex.padStart(digits, '0').slice(-digits);
}

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** `_CachedSpanAttributesRegistry.get`: an attribute's JSON text decoded; text that is not JSON as it is. */
function attributeValue(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return typeof v === 'string' ? null : v;
  try {
    return parseJsonPreservingFloats(v);
  } catch {
    return v;
  }
}

function keyValues(entries: Array<[string, unknown]>): Dict[] | undefined {
  return nonEmpty(entries.map(([key, value]) => ({ key, value: anyValue(value) })));
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** `_set_otel_proto_anyvalue`: None and empty lists or dicts leave the value unset. */
function anyValue(v: unknown): Dict {
  if (v === null || v === undefined) return {};
  if (v instanceof FloatLiteral) return { double_value: wireDouble(v.value) };
  switch (typeof v) {
    case 'boolean':
      return { bool_value: v };
    case 'string':
      return { string_value: v };
    case 'bigint':
      return { int_value: v };
    case 'number':
      return Number.isInteger(v) ? { int_value: v } : { double_value: wireDouble(v) };
    default:
      break;
  }
  if (Array.isArray(v)) return v.length > 0 ? { array_value: { values: v.map(anyValue) } } : {};
  const entries = Object.entries(v as Dict);
  return entries.length > 0 ? { kvlist_value: { values: entries.map(([key, value]) => ({ key, value: anyValue(value) })) } } : {};
}
