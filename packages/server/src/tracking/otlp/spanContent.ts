/**
 * An OTLP span as MLflow 3.x stores it: `Span.from_otel_proto` (attribute values JSON-encoded,
 * the `mlflow.traceRequestId` attribute first), then `translate_span_when_storing` (Span.to_dict
 * with `sanitize_attributes`) and `json.dumps` for the `content` column. Python's formatting is
 * kept (", " and ": " separators, float repr, dict order), so MLflow reading the row sees what
 * its own server would have written.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { FloatLiteral } from '../../http/json.js';
import { pyJsonDumps } from '../../http/pyjson.js';
import type { SpanRecord, SpanStatusCode } from '../spanEntities.js';
import type { AnyValue, KeyValue } from './generated/opentelemetry/proto/common/v1/common_pb.js';
import type { OtlpSpan } from './decode.js';

/** SpanAttributeKey of mlflow/tracing/constant.py */
export const REQUEST_ID_ATTRIBUTE = 'mlflow.traceRequestId';
export const SPAN_TYPE_ATTRIBUTE = 'mlflow.spanType';
export const SPAN_INPUTS_ATTRIBUTE = 'mlflow.spanInputs';
export const SPAN_OUTPUTS_ATTRIBUTE = 'mlflow.spanOutputs';
export const CHAT_USAGE_ATTRIBUTE = 'mlflow.chat.tokenUsage';

/** Column widths of `spans` and `trace_info` (VARCHAR(50), VARCHAR(500)). */
const MAX_TRACE_ID = 50;
const MAX_SPAN_TYPE = 500;
const MAX_INT64 = (1n << 63n) - 1n;

export interface ConvertedSpan {
  record: SpanRecord;
  /** The stored attributes (key -> JSON text), for what log_spans derives from them. */
  attributes: ReadonlyMap<string, string>;
}

const STATUS_BY_CODE: Record<number, SpanStatusCode> = { 1: 'OK', 2: 'ERROR' };
const OTEL_STATUS_NAME: Record<SpanStatusCode, string> = { UNSET: 'STATUS_CODE_UNSET', OK: 'STATUS_CODE_OK', ERROR: 'STATUS_CODE_ERROR' };

/** `dump_span_attribute_value`: json.dumps(value, ensure_ascii=False). */
const dumpAttribute = (value: unknown) => pyJsonDumps(value, { ensureAscii: false });

export function convertSpan(span: OtlpSpan, index: number): ConvertedSpan {
  const where = `span ${index} ('${span.name.slice(0, 100)}')`;
  const traceIdBytes = fixedId(span.traceId, 16, `${where}: trace_id`);
  const spanIdBytes = fixedId(span.spanId, 8, `${where}: span_id`);
  const parentBytes = span.parentSpanId.length > 0 ? fixedId(span.parentSpanId, 8, `${where}: parent_span_id`) : null;
  const startTimeNs = checkedNanos(span.startTimeUnixNano, `${where}: start_time_unix_nano`);
  const endTimeNs = checkedNanos(span.endTimeUnixNano, `${where}: end_time_unix_nano`);

  const raw = new Map<string, string>([[REQUEST_ID_ATTRIBUTE, dumpAttribute(`tr-${hex(traceIdBytes)}`)]]);
  for (const kv of span.attributes) raw.set(kv.key, dumpAttribute(decodeAnyValue(kv.value)));
  const traceId = attributeValue(raw, REQUEST_ID_ATTRIBUTE);
  if (typeof traceId !== 'string' || traceId === '' || traceId.length > MAX_TRACE_ID) {
    throw MlflowError.invalidParameter(`${where}: the ${REQUEST_ID_ATTRIBUTE} attribute must be a trace id of 1 to ${MAX_TRACE_ID} characters.`);
  }
  const type = attributeValue(raw, SPAN_TYPE_ATTRIBUTE) ?? null;
  if (type !== null && (typeof type !== 'string' || type.length > MAX_SPAN_TYPE)) {
    throw MlflowError.invalidParameter(`${where}: the ${SPAN_TYPE_ATTRIBUTE} attribute must be a string of at most ${MAX_SPAN_TYPE} characters.`);
  }
  const status = STATUS_BY_CODE[span.status?.code ?? 0] ?? 'UNSET';
  const attributes = sanitizeAttributes(raw);
  const dict = new Map<string, unknown>([
    ['trace_id', b64(traceIdBytes)],
    ['span_id', b64(spanIdBytes)],
    ['parent_span_id', parentBytes ? b64(parentBytes) : null],
    ['name', span.name],
    ['start_time_unix_nano', startTimeNs],
    ['end_time_unix_nano', endTimeNs],
    ['events', span.events.map((e) => new Map<string, unknown>([['name', e.name], ['time_unix_nano', e.timeUnixNano], ['attributes', keyValues(e.attributes)]]))],
    // OpenTelemetry keeps a status description only on errors
    ['status', new Map([['code', OTEL_STATUS_NAME[status]], ['message', status === 'ERROR' ? (span.status?.message ?? '') : '']])],
    ['attributes', attributes],
  ]);
  return {
    record: {
      traceId,
      spanId: hex(spanIdBytes),
      parentSpanId: parentBytes ? hex(parentBytes) : null,
      name: span.name,
      type,
      status,
      startTimeNs,
      endTimeNs,
      content: pyJsonDumps(dict),
    },
    attributes,
  };
}

/** `_decode_otel_proto_anyvalue`, with Python's types: doubles stay floats, bytes become their repr. */
export function decodeAnyValue(v: AnyValue | undefined): unknown {
  const value = v?.value;
  switch (value?.case) {
    case 'stringValue':
    case 'boolValue':
    case 'intValue':
      return value.value;
    case 'doubleValue':
      return new FloatLiteral(value.value);
    case 'arrayValue':
      return value.value.values.map(decodeAnyValue);
    case 'kvlistValue':
      return keyValues(value.value.values);
    case 'bytesValue':
      // TraceJSONEncoder falls back to str(obj) for bytes
      return pyBytesRepr(value.value);
    default:
      return null;
  }
}

function keyValues(list: readonly KeyValue[]): Map<string, unknown> {
  return new Map(list.map((kv) => [kv.key, decodeAnyValue(kv.value)]));
}

/** `_CachedSpanAttributesRegistry.get`: the JSON value, or the text itself when it is not JSON. */
export function attributeValue(attributes: ReadonlyMap<string, string>, key: string): unknown {
  const text = attributes.get(key);
  if (!text) return undefined;
  const value = parseLoose(text);
  return value === NOT_JSON ? text : value;
}

/**
 * `sanitize_attributes`: a value JSON-encoded twice (a string attribute that holds JSON of a
 * string or an object) is stored encoded once; values that are not strings stay as they are.
 */
export function sanitizeAttributes<V>(raw: ReadonlyMap<string, V>): Map<string, V | string> {
  const out = new Map<string, V | string>();
  for (const [key, value] of raw) {
    const once = typeof value === 'string' ? parseLoose(value) : NOT_JSON;
    if (typeof once === 'string') {
      const twice = parseLoose(once);
      if (typeof twice === 'string' || (twice !== null && typeof twice === 'object' && !Array.isArray(twice))) {
        out.set(key, once);
        continue;
      }
    }
    out.set(key, value);
  }
  return out;
}

const NOT_JSON = Symbol('not JSON');

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Python's int.from_bytes / to_bytes(n): shorter ids are zero-padded on the left, longer refused. */
function fixedId(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length > length) throw MlflowError.invalidParameter(`${what} must be at most ${length} bytes, got ${bytes.length}.`);
  if (bytes.length === length) return bytes;
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

function checkedNanos(v: bigint, what: string): bigint {
  if (v > MAX_INT64) throw MlflowError.invalidParameter(`${what} is beyond the range of a 64-bit signed integer: ${v}.`);
  return v;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** repr(bytes) */
function pyBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const c of bytes) {
    const ch = String.fromCharCode(c);
    if (ch === quote || c === 0x5c) out += `\\${ch}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
