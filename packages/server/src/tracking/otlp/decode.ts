/**
 * OTLP/HTTP trace export bodies (https://opentelemetry.io/docs/specs/otlp/#otlphttp): binary
 * protobuf `ExportTraceServiceRequest` (what MLflow 3.x clients send) or its JSON mapping, decoded
 * with @bufbuild/protobuf and the generated OTLP definitions in ./generated. A body that does not
 * decode, or holds no spans, is a 400 naming why.
 */
import { fromBinary, fromJson, toBinary, create } from '@bufbuild/protobuf';
import type { JsonValue } from '@bufbuild/protobuf';
import { MlflowError } from '@darwin-mlflow/contract';
import { JsonSyntaxError, parseJson } from '../../http/json.js';
import { ExportTraceServiceRequestSchema, ExportTraceServiceResponseSchema } from './generated/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import type { Span } from './generated/opentelemetry/proto/trace/v1/trace_pb.js';

export type OtlpSpan = Span;
export type OtlpEncoding = 'protobuf' | 'json';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** The encoding a Content-Type names, or a 400 naming the two accepted. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding {
  const media = contentType?.split(';')[0]?.trim().toLowerCase();
  if (media === PROTOBUF) return 'protobuf';
  if (media === JSON_TYPE) return 'json';
  throw MlflowError.invalidParameter(`Invalid Content-Type: ${contentType ?? 'None'}. Expected: ${PROTOBUF} or ${JSON_TYPE}`);
}

/** The spans of an export request, in the order sent (resource, then scope, then span). */
export function decodeExportRequest(body: Buffer | string, encoding: OtlpEncoding): OtlpSpan[] {
  const request = encoding === 'protobuf' ? decodeBinary(body) : decodeJson(body);
  const spans = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  if (spans.length === 0) throw MlflowError.invalidParameter('Invalid OpenTelemetry request: no spans found.');
  return spans;
}

/** The (empty) ExportTraceServiceResponse in the request's encoding, as OTLP/HTTP answers. */
export function exportResponse(encoding: OtlpEncoding): { contentType: string; body: Buffer | string } {
  if (encoding === 'json') return { contentType: JSON_TYPE, body: '{}' };
  return { contentType: PROTOBUF, body: Buffer.from(toBinary(ExportTraceServiceResponseSchema, create(ExportTraceServiceResponseSchema))) };
}

function decodeBinary(body: Buffer | string) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  try {
    return fromBinary(ExportTraceServiceRequestSchema, bytes, { readUnknownFields: false });
  } catch (err) {
    throw MlflowError.invalidParameter(`Invalid OpenTelemetry protobuf format: ${(err as Error).message}`);
  }
}

function decodeJson(body: Buffer | string) {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    const why = err instanceof JsonSyntaxError || err instanceof SyntaxError ? err.message : String(err);
    throw MlflowError.invalidParameter(`Invalid OpenTelemetry JSON format: ${why}`);
  }
  try {
    return fromJson(ExportTraceServiceRequestSchema, toProtoJson(value, ''), { ignoreUnknownFields: true });
  } catch (err) {
    throw MlflowError.invalidParameter(`Invalid OpenTelemetry JSON format: ${(err as Error).message}`);
  }
}

/** Fields that OTLP/JSON writes as hex, where protobuf's JSON mapping expects base64. */
const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId', 'trace_id', 'span_id', 'parent_span_id']);

/**
 * OTLP/JSON into protobuf's JSON mapping: trace and span ids from hex to base64 (OTLP's one
 * deviation), integers beyond 2^53 (kept exact by our parser as bigint) as decimal strings.
 */
function toProtoJson(value: unknown, key: string): JsonValue {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && HEX_ID_FIELDS.has(key)) return hexToBase64(value, key);
  if (Array.isArray(value)) return value.map((v) => toProtoJson(v, ''));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toProtoJson(v, k);
    return out;
  }
  return value as JsonValue;
}

function hexToBase64(hex: string, key: string): string {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw MlflowError.invalidParameter(`Invalid OpenTelemetry JSON format: ${key} must be a hex string, got '${hex.slice(0, 64)}'.`);
  }
  return Buffer.from(hex, 'hex').toString('base64');
}
