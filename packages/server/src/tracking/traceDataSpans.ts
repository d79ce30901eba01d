/**
 * The spans of a `traces.json` (MLflow's trace data, `{"spans": [Span.to_dict(), ...]}`) as
 * MLflow 3.x's SqlAlchemyStore.log_spans would store them: `Span.from_dict` (the v3 span schema;
 * ids in base64 or, as 3.5.0 wrote them, in hex), then `translate_span_when_storing` (Span.to_dict
 * with `sanitize_attributes`) and `json.dumps` for the `content` column. A document MLflow could
 * not load is refused as a whole (TraceDataError), as log_spans refuses a batch it cannot log.
 */
import { FloatLiteral, parseJsonPreservingFloats } from '../http/json.js';
import { pyJsonDumps } from '../http/pyjson.js';
import { attributeValue, REQUEST_ID_ATTRIBUTE, sanitizeAttributes, SPAN_TYPE_ATTRIBUTE } from './otlp/spanContent.js';
import { SPAN_STATUS_BY_NAME } from './spanEntities.js';
import type { SpanRecord, SpanStatusCode } from './spanEntities.js';

export class TraceDataError extends Error {
  override name = 'TraceDataError';
}

const OTEL_STATUS_NAME: Record<SpanStatusCode, string> = { UNSET: 'STATUS_CODE_UNSET', OK: 'STATUS_CODE_OK', ERROR: 'STATUS_CODE_ERROR' };
const MAX_INT64 = (1n << 63n) - 1n;

/** The spans of a traces.json document, in file order; all of them belong to `traceId`. */
export function traceDataSpans(text: string, traceId: string): SpanRecord[] {
  let document: unknown;
  try {
    document = parseJsonPreservingFloats(text);
  } catch {
    throw new TraceDataError('not a JSON document');
  }
  if (!isObject(document)) throw new TraceDataError('not a JSON object');
  // TraceData.from_dict: d.get("spans", [])
  const spans = document.spans ?? [];
  if (!Array.isArray(spans)) throw new TraceDataError('"spans" is not a list');
  return spans.map((span, i) => spanRecord(span, i, traceId));
}

function spanRecord(data: unknown, index: number, traceId: string): SpanRecord {
  const fail = (why: string) => new TraceDataError(`span ${index}: ${why}`);
  if (!isObject(data)) throw fail('not an object');
  if ('context' in data) throw fail('MLflow 2.x span schema, not indexed');
  const attributes = data.attributes;
  if (!isObject(attributes)) throw fail('"attributes" is not an object');
  const raw = new Map<string, unknown>(Object.entries(attributes));
  const stored = sanitizeAttributes(raw);
  const textual = new Map([...stored].flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as const] : [])));
  // Span.trace_id is the request id attribute; log_spans takes a batch of one trace only
  const requestId = attributeValue(textual, REQUEST_ID_ATTRIBUTE);
  if (!requestId) throw fail(`the ${REQUEST_ID_ATTRIBUTE} attribute is empty or missing`);
  if (requestId !== traceId) throw fail(`belongs to trace '${String(requestId).slice(0, 60)}', not to '${traceId}'`);
  const type = attributeValue(textual, SPAN_TYPE_ATTRIBUTE) ?? null;
  if (type !== null && typeof type !== 'string') throw fail(`the ${SPAN_TYPE_ATTRIBUTE} attribute is not a string`);

  const otelTraceId = idBytes(data.trace_id, 16, true);
  const spanId = idBytes(data.span_id, 8, false);
  const parentId = data.parent_span_id ? idBytes(data.parent_span_id, 8, false) : null;
  if (!otelTraceId || !spanId || parentId === undefined) throw fail('trace_id, span_id or parent_span_id is not an id');
  if (typeof data.name !== 'string') throw fail('"name" is not a string');
  const start = nanos(data.start_time_unix_nano);
  // int(end) if end else None
  const end = data.end_time_unix_nano ? nanos(data.end_time_unix_nano) : null;
  if (start === undefined || end === undefined) throw fail('a time is not a 64-bit integer of nanoseconds');
  const statusData = data.status;
  const status = isObject(statusData) && typeof statusData.code === 'string' ? SPAN_STATUS_BY_NAME[statusData.code] : undefined;
  if (!status || !isObject(statusData)) throw fail('"status" has no known code');
  // OpenTelemetry keeps a description only on errors; SpanStatus reads a missing one as ""
  const message = status === 'ERROR' && typeof statusData.message === 'string' ? statusData.message : '';
  const events = data.events ?? [];
  if (!Array.isArray(events)) throw fail('"events" is not a list');

  const dict = new Map<string, unknown>([
    ['trace_id', b64(otelTraceId)],
    ['span_id', b64(spanId)],
    ['parent_span_id', parentId ? b64(parentId) : null],
    ['name', data.name],
    ['start_time_unix_nano', start],
    ['end_time_unix_nano', end],
    ['events', events.map((e, j) => eventDict(e, () => fail(`event ${j} is not an event`)))],
    ['status', new Map([['code', OTEL_STATUS_NAME[status]], ['message', message]])],
    ['attributes', stored],
  ]);
  return {
    traceId,
    spanId: hex(spanId),
    parentSpanId: parentId ? hex(parentId) : null,
    name: data.name,
    type,
    status,
    startTimeNs: start,
    endTimeNs: end ?? 0n,
    content: pyJsonDumps(dict),
  };
}

function eventDict(e: unknown, fail: () => TraceDataError): Map<string, unknown> {
  if (!isObject(e) || typeof e.name !== 'string') throw fail();
  const time = nanos(e.time_unix_nano);
  const attributes = e.attributes ?? {};
  if (time === undefined || !isObject(attributes)) throw fail();
  return new Map<string, unknown>([
    ['name', e.name],
    ['time_unix_nano', time],
    ['attributes', attributes],
  ]);
}

/**
 * An id as Span.from_dict decodes it: base64 of its bytes, or (3.5.0's to_dict) hex, a trace id
 * then prefixed `tr-`. Undefined when it is neither.
 */
function idBytes(value: unknown, length: number, traceId: boolean): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const hexText = traceId ? value.replace(/^tr-/, '') : value;
  if (hexText.length === length * 2 && /^[0-9a-f]+$/i.test(hexText)) return Buffer.from(hexText, 'hex');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length > length) return undefined;
  const out = Buffer.alloc(length);
  bytes.copy(out, length - bytes.length);
  return out;
}

/** int(value) of an integer or its digits, within int64 (the columns' type). */
function nanos(value: unknown): bigint | undefined {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) n = BigInt(value.trim());
  else return undefined;
  return n >= 0n && n <= MAX_INT64 ? n : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FloatLiteral);
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64');
}
