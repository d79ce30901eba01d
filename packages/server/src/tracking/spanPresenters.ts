/**
 * Wire JSON of a stored span in MLflow 3.x's `Trace.spans`: a span as MLflow keeps it
 * (`Span.to_dict`, the items of `traces.json` and the spans table's `content`) turned into the
 * OpenTelemetry Span proto the way MLflow answers it (`Span.from_dict`, then `to_otel_proto`,
 * then `message_to_json`): ids as base64 bytes, nanosecond times as JSON numbers, each
 * attribute's JSON text decoded into an AnyValue, the status code by name, fields in proto order.
 *
 * Input comes from `parseJsonPreservingFloats`, so `1.0` stays a double (`double_value`) and
 * `1` an integer (`int_value`), as Python's json.loads tells them apart.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { SPAN_STATUS_BY_NAME } from './spanEntities.js';
import type { SpanStatusCode } from './spanEntities.js';
import { FloatLiteral, parseJsonPreservingFloats, wireDouble } from '../http/json.js';

/** SpanAttributeKey.REQUEST_ID: Span.from_dict refuses a span without it. */
const REQUEST_ID_ATTRIBUTE = 'mlflow.traceRequestId';
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Dict = Record<string, unknown>;
type AnyValue = Dict;

function badSpan(): MlflowError {
  return MlflowError.invalidParameter('Failed to create a Span object from the given dictionary');
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FloatLiteral);
}

/** An id as the proto's bytes: big-endian, left-padded to its width (int.to_bytes). */
function idBytes(bytes: Buffer, width: number): string {
  const pad = Math.max(0, width - bytes.length);
  return Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
}

function hexId(hex: unknown, width: number): string {
  if (typeof hex !== 'string') throw badSpan();
  const digits = hex.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw badSpan();
  return idBytes(Buffer.from(digits.length % 2 === 1 ? `0${digits}` : digits, 'hex'), width);
}

function base64Id(value: unknown, width: number): string {
  if (typeof value !== 'string' || !BASE64.test(value)) throw badSpan();
  return idBytes(Buffer.from(value, 'base64'), width);
}

/** int(x) of a time: a JSON number, a bigint or digits. */
function nanos(v: unknown): number | bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) {
    const n = BigInt(v.trim());
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  throw badSpan();
}

/** _set_otel_proto_anyvalue; undefined is an unset value. */
function anyValue(v: unknown): AnyValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'number' || typeof v === 'bigint') return { int_value: v };
  if (v instanceof FloatLiteral) return { double_value: wireDouble(v.value) };
  if (Array.isArray(v)) return v.length > 0 ? { array_value: { values: v.map((item) => anyValue(item) ?? {}) } } : undefined;
  if (isDict(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return undefined;
    return { kvlist_value: { values: entries.map(([key, item]) => keyValue(key, item)) } };
  }
  return { string_value: String(v) };
}

function keyValue(key: string, v: unknown): Dict {
  const value = anyValue(v);
  return value === undefined ? { key } : { key, value };
}

/** _SpanAttributesRegistry.get: a value's JSON text decoded, or the value itself when it is not JSON. */
function attributeValue(serialized: unknown): unknown {
  if (!serialized) return undefined;
  if (typeof serialized !== 'string') return serialized;
  try {
    return parseJsonPreservingFloats(serialized);
  } catch {
    return serialized;
  }
}

interface Status {
  code: SpanStatusCode;
  message: string;
}

function statusOf(code: unknown, message: unknown): Status {
  const name = typeof code === 'string' ? SPAN_STATUS_BY_NAME[code] : undefined;
  if (name === undefined) throw badSpan();
  return { code: name, message: typeof message === 'string' ? message : '' };
}

/** OpenTelemetry keeps a status description only on errors. */
function presentStatus(s: Status): Dict {
  if (s.code === 'UNSET') return {};
  return { ...(s.code === 'ERROR' && s.message ? { message: s.message } : {}), code: `STATUS_CODE_${s.code}` };
}

interface Normalized {
  traceId: string;
  spanId: string;
  parentId: string | undefined;
  name: unknown;
  start: unknown;
  end: unknown;
  attributes: Dict;
  events: Array<{ name: unknown; time: unknown; attributes: unknown }>;
  status: Status;
}

/** The three shapes Span.from_dict reads: MLflow 2.x (`context`), 3.x (base64 ids), 3.5.0 (hex ids). */
function normalize(d: Dict): Normalized {
  const attributes = isDict(d.attributes) ? d.attributes : {};
  if (!attributes[REQUEST_ID_ATTRIBUTE]) throw badSpan();
  const eventsOf = (list: unknown, time: string) =>
    (Array.isArray(list) ? list : []).map((e) => {
      if (!isDict(e)) throw badSpan();
      return { name: e.name, time: e[time], attributes: e.attributes };
    });
  if ('context' in d) {
    const context = isDict(d.context) ? d.context : {};
    return {
      traceId: hexId(context.trace_id, TRACE_ID_BYTES),
      spanId: hexId(context.span_id, SPAN_ID_BYTES),
      parentId: d.parent_id ? hexId(d.parent_id, SPAN_ID_BYTES) : undefined,
      name: d.name,
      start: d.start_time,
      end: d.end_time,
      attributes,
      events: eventsOf(d.events, 'timestamp'),
      status: statusOf(d.status_code, d.status_message),
    };
  }
  const status = isDict(d.status) ? d.status : {};
  const base64 = typeof d.trace_id === 'string' && BASE64.test(d.trace_id);
  const traceHex = typeof d.trace_id === 'string' ? d.trace_id.replace(/^trace:\/[^/]+\//, '').replace(/^tr-/, '') : undefined;
  return {
    traceId: base64 ? base64Id(d.trace_id, TRACE_ID_BYTES) : hexId(traceHex, TRACE_ID_BYTES),
    spanId: base64 ? base64Id(d.span_id, SPAN_ID_BYTES) : hexId(d.span_id, SPAN_ID_BYTES),
    parentId: d.parent_span_id ? (base64 ? base64Id(d.parent_span_id, SPAN_ID_BYTES) : hexId(d.parent_span_id, SPAN_ID_BYTES)) : undefined,
    name: d.name,
    start: d.start_time_unix_nano,
    end: d.end_time_unix_nano,
    attributes,
    events: eventsOf(d.events, 'time_unix_nano'),
    status: statusOf(status.code, status.message),
  };
}

function presentEvent(e: Normalized['events'][number]): Dict {
  const time = nanos(e.time);
  const attributes = isDict(e.attributes) ? Object.entries(e.attributes).map(([k, v]) => keyValue(k, v)) : [];
  return {
    ...(time ? { time_unix_nano: time } : {}),
    ...(typeof e.name === 'string' && e.name ? { name: e.name } : {}),
    ...(attributes.length > 0 ? { attributes } : {}),
  };
}

/** One span of `traces.json` (or of the spans table) as `opentelemetry.proto.trace.v1.Span` JSON. */
export function presentOtelSpan(span: unknown): Dict {
  if (!isDict(span)) throw badSpan();
  const s = normalize(span);
  if (typeof s.name !== 'string') throw badSpan();
  const start = nanos(s.start);
  const end = s.end ? nanos(s.end) : 0;
  const attributes = Object.entries(s.attributes).map(([k, v]) => keyValue(k, attributeValue(v)));
  const events = s.events.map(presentEvent);
  return {
    trace_id: s.traceId,
    span_id: s.spanId,
    ...(s.parentId ? { parent_span_id: s.parentId } : {}),
    ...(s.name ? { name: s.name } : {}),
    ...(start ? { start_time_unix_nano: start } : {}),
    ...(end ? { end_time_unix_nano: end } : {}),
    ...(attributes.length > 0 ? { attributes } : {}),
    ...(events.length > 0 ? { events } : {}),
    status: presentStatus(s.status),
  };
}
