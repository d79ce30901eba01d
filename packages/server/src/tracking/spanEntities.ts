/** MLflow 3.x spans as the `spans` table keeps them (SqlSpan of mlflow/store/tracking/dbmodels). */

/** A span's status as the `status` column holds it (SpanStatusCode). */
export type SpanStatusCode = 'UNSET' | 'OK' | 'ERROR';

/** SpanStatusCode.from_otel_proto_status_code_name, and the SpanStatusCode values 3.5.0 wrote. */
export const SPAN_STATUS_BY_NAME: Readonly<Record<string, SpanStatusCode>> = {
  STATUS_CODE_UNSET: 'UNSET',
  STATUS_CODE_OK: 'OK',
  STATUS_CODE_ERROR: 'ERROR',
  UNSET: 'UNSET',
  OK: 'OK',
  ERROR: 'ERROR',
};

export interface SpanRecord {
  /** The MLflow trace id (`tr-<32 hex>` for spans of MLflow clients). */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** The `mlflow.spanType` attribute, when there is one. */
  type: string | null;
  status: SpanStatusCode;
  startTimeNs: bigint;
  /** 0 for a span sent before it ended, as MLflow stores it. */
  endTimeNs: bigint;
  /** Span.to_dict() as MLflow's log_spans writes it: `json.dumps`, attributes JSON-encoded. */
  content: string;
}

/** `mlflow.trace.spansLocation`: where a trace's spans are; TRACKING_STORE means the `spans` table. */
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
export const SPANS_IN_TRACKING_STORE = 'TRACKING_STORE';
/** Trace metadata MLflow keeps span-derived facts in. */
export const TOKEN_USAGE_METADATA = 'mlflow.trace.tokenUsage';
export const SIZE_STATS_METADATA = 'mlflow.trace.sizeStats';
