/** Wire JSON of MLflow 3.x's TraceInfoV3 and Assessment (their `to_proto`, fields in proto order). */
import { msToDuration, msToTimestamp } from './protoTime.js';
import type { AssessmentEntity, TraceInfoEntity } from './traceEntities.js';

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
