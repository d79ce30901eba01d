/** Wire JSON of MLflow 3.x's Trace, TraceInfoV3, Assessment and the 2.x TraceInfo (their `to_proto`, fields in proto order). */
import { msToDuration, msToTimestamp } from './protoTime.js';
import { presentOtelSpan } from './spanPresenters.js';
import type { AssessmentEntity, TraceInfoEntity, TraceWithSpans } from './traceEntities.js';

/** protobuf JSON leaves empty maps out. */
function map(values: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(values).length > 0 ? values : undefined;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** Expectation.to_proto: primitives as a Value, anything else as JSON text (`serialized_value`). */
function expectationJson(value: unknown) {
  if (isPrimitive(value)) return { value };
  return { serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(value) } };
}

export function presentAssessment(a: AssessmentEntity) {
  const value = parseJson(a.valueJson);
  const error = parseJson(a.errorJson);
  const metadata = parseJson(a.metadataJson);
  return {
    assessment_id: a.assessmentId,
    assessment_name: a.name,
    trace_id: a.traceId,
    span_id: a.spanId ?? undefined,
    source: { source_type: a.sourceType, source_id: a.sourceId ?? undefined },
    create_time: msToTimestamp(a.createdMs),
    last_update_time: msToTimestamp(a.lastUpdatedMs),
    feedback: a.type === 'feedback' ? { value, error: error ?? undefined } : undefined,
    expectation: a.type === 'expectation' ? expectationJson(value) : undefined,
    rationale: a.rationale ?? undefined,
    metadata:
      metadata && typeof metadata === 'object' && Object.keys(metadata).length > 0
        ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]))
        : undefined,
    overrides: a.overrides || undefined,
    valid: a.valid,
  };
}

export function presentTraceInfo(t: TraceInfoEntity) {
  return {
    trace_id: t.traceId,
    client_request_id: t.clientRequestId ?? undefined,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experimentId } },
    request_time: msToTimestamp(t.requestTimeMs),
    execution_duration: t.executionTimeMs === null ? undefined : msToDuration(t.executionTimeMs),
    state: t.state,
    trace_metadata: map(t.metadata),
    assessments: t.assessments.length > 0 ? t.assessments.map(presentAssessment) : undefined,
    tags: map(t.tags),
    request_preview: t.requestPreview ?? undefined,
    response_preview: t.responsePreview ?? undefined,
  };
}

/** Trace.to_proto: the info and the spans as OpenTelemetry Span JSON. */
export function presentTrace(t: TraceWithSpans) {
  return { trace_info: presentTraceInfo(t.info), spans: t.spans.length > 0 ? t.spans.map(presentOtelSpan) : undefined };
}

/** MAX_CHARS_IN_TRACE_INFO_METADATA, MAX_CHARS_IN_TRACE_INFO_TAGS_KEY, ..._VALUE */
const V2_METADATA_CHARS = 250;
const V2_TAG_KEY_CHARS = 250;
const V2_TAG_VALUE_CHARS = 4096;

/** Python's s[:n], counting code points. */
function truncate(s: string, n: number): string {
  if (s.length <= n) return s;
  return Array.from(s).slice(0, n).join('');
}

function keyValueList(values: Record<string, string>, keyChars: number, valueChars: number) {
  const entries = Object.entries(values);
  return entries.length > 0 ? entries.map(([key, value]) => ({ key: truncate(key, keyChars), value: truncate(value, valueChars) })) : undefined;
}

/** TraceInfoV2.from_v3(...).to_proto(): the deprecated 2.x trace info (proto2: every set field is written). */
export function presentTraceInfoV2(t: TraceInfoEntity) {
  return {
    request_id: t.traceId,
    experiment_id: t.experimentId,
    timestamp_ms: t.requestTimeMs,
    execution_time_ms: t.executionTimeMs ?? 0,
    status: t.state === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : t.state,
    request_metadata: keyValueList(t.metadata, V2_METADATA_CHARS, V2_METADATA_CHARS),
    tags: keyValueList(t.tags, V2_TAG_KEY_CHARS, V2_TAG_VALUE_CHARS),
  };
}
