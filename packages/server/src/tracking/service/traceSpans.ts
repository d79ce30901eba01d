/**
 * A trace's spans from where they are stored: the `spans` table for traces whose spans came over
 * OTLP (`mlflow.trace.spansLocation` = `TRACKING_STORE`, SqlAlchemyStore._get_spans_with_trace_info),
 * otherwise the `traces.json` a client uploaded to the trace's `mlflow.artifactLocation`
 * (ArtifactRepository.download_trace_data), read through the same artifact repositories the
 * proxy uses. The table also holds the spans of such uploads (service/traceDataIndex.ts), but
 * only for search: without the tag, reads go to traces.json as MLflow 3.x's do.
 * TraceService.loadTraceSpans is the one caller.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { ArtifactService } from '../../artifacts/service/artifacts.js';
import { JsonSyntaxError, parseJsonPreservingFloats } from '../../http/json.js';
import { ARTIFACT_LOCATION_TAG } from '../traceEntities.js';
import type { TraceInfoEntity } from '../traceEntities.js';
import { SIZE_STATS_METADATA, SPANS_IN_TRACKING_STORE, SPANS_LOCATION_TAG } from '../spanEntities.js';
import type { StoredSpan } from '../store/spans.js';

/** TRACE_DATA_FILE_NAME */
export const TRACE_DATA_FILE = 'traces.json';

/** The trace data document as stored (`{"spans": [...]}`), parsed keeping int64 and float literals. */
export interface TraceData {
  readonly document: unknown;
  /** Its `spans` (TraceData.from_dict reads `d.get("spans", [])`). */
  readonly spans: readonly unknown[];
}

/** Whether the trace's spans are in the `spans` table rather than in traces.json. */
export function spansInTable(info: TraceInfoEntity): boolean {
  return info.tags[SPANS_LOCATION_TAG] === SPANS_IN_TRACKING_STORE;
}

/**
 * The trace data of spans from the `spans` table (each `content` is Span.to_dict as log_spans
 * wrote it), as a `{"spans": [...]}` document; undefined when the table has none.
 */
export function spanTableData(rows: readonly StoredSpan[]): TraceData | undefined {
  if (rows.length === 0) return undefined;
  const spans = rows.map((r) => parseJsonPreservingFloats(r.content));
  return { document: { spans }, spans };
}

/** MlflowTraceDataNotFound */
export function traceDataNotFound(): MlflowError {
  return new MlflowError(`Trace data not found for path=${TRACE_DATA_FILE}`, 'NOT_FOUND');
}

/** MlflowTraceDataCorrupted */
function traceDataCorrupted(): MlflowError {
  return new MlflowError(`Trace data is corrupted for path=${TRACE_DATA_FILE}`, 'INVALID_STATE');
}

/** get_artifact_uri_for_trace */
function artifactLocation(info: TraceInfoEntity): string {
  const location = info.tags[ARTIFACT_LOCATION_TAG];
  if (location === undefined) throw new MlflowError('Unable to determine trace artifact location.', 'INTERNAL_ERROR');
  return location;
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A missing file (or a folder in its place) is "not exported yet"; a store outage stays an outage. */
function isMissing(err: unknown): boolean {
  return err instanceof MlflowError && (err.code === 'RESOURCE_DOES_NOT_EXIST' || err.code === 'INVALID_PARAMETER_VALUE');
}

/**
 * The trace's `traces.json`, or undefined when none is stored yet (no file, or an empty one).
 * A file that is not JSON is MLflow's "corrupted" error.
 */
export async function readTraceDataArtifact(artifacts: ArtifactService, info: TraceInfoEntity): Promise<TraceData | undefined> {
  let text: string;
  try {
    const download = await artifacts.openAtLocation(artifactLocation(info), TRACE_DATA_FILE);
    text = await readText(download.stream);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  if (text === '') return undefined;
  let document: unknown;
  try {
    document = parseJsonPreservingFloats(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw traceDataCorrupted();
    throw err;
  }
  const spans = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as { spans?: unknown }).spans : undefined;
  return { document, spans: Array.isArray(spans) ? spans : [] };
}

/** Whether all the spans the trace announces (`mlflow.trace.sizeStats`) are there (_get_spans_with_trace_info). */
export function isComplete(info: TraceInfoEntity, spanCount: number): boolean {
  const stats = info.metadata[SIZE_STATS_METADATA];
  if (!stats) return true;
  try {
    const expected = (JSON.parse(stats) as { num_spans?: unknown }).num_spans;
    return typeof expected !== 'number' || spanCount >= expected;
  } catch {
    return true;
  }
}
