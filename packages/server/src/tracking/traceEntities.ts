/** MLflow 3.x traces as the store returns them (TraceInfo and Assessment of mlflow/entities). */

export type TraceState = 'STATE_UNSPECIFIED' | 'OK' | 'ERROR' | 'IN_PROGRESS';

export interface AssessmentEntity {
  assessmentId: string;
  traceId: string;
  name: string;
  /** `feedback` or `expectation` */
  type: string;
  /** The JSON text of the value (MLflow's `json.dumps`). */
  valueJson: string;
  errorJson: string | null;
  createdMs: number;
  lastUpdatedMs: number;
  sourceType: string;
  sourceId: string | null;
  runId: string | null;
  spanId: string | null;
  rationale: string | null;
  overrides: string | null;
  valid: boolean;
  metadataJson: string | null;
}

export interface TraceInfoEntity {
  traceId: string;
  experimentId: string;
  requestTimeMs: number;
  executionTimeMs: number | null;
  state: string;
  clientRequestId: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  assessments: AssessmentEntity[];
}

/** A trace with the spans stored for it: items of `traces.json` (MLflow's Span.to_dict), parsed. */
export interface TraceWithSpans {
  info: TraceInfoEntity;
  spans: readonly unknown[];
}

/** Where a trace's spans are kept: the trace's artifact location (a `traces.json` file). */
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
