/**
 * Spans of a `traces.json` uploaded through the artifact proxy go to the `spans` table too, so
 * that trace search's `span.*` filters find the traces of MLflow 3.x clients that take the
 * artifact path (StartTraceV3, then one PUT of traces.json to the trace's
 * `mlflow.artifactLocation`) as they find those sent over OTLP. The table is an index here:
 * the trace keeps no `mlflow.trace.spansLocation` tag, so getTrace and batchGet go on reading
 * traces.json (MLflow 3.x reads the table only for traces so tagged, _get_spans_with_trace_info).
 *
 * Only an upload named `<experiment id>/traces/<trace id>/artifacts/traces.json` is looked at,
 * and indexed only when that folder is the trace's artifact location and the trace is in that
 * experiment (the one whose permission the upload was checked against). Indexing never fails the
 * upload, which is stored and acknowledged either way: a file MLflow could not load is left out
 * of the index with a warning, a re-upload replaces the trace's indexed spans.
 */
import { validateArtifactPath } from '../../artifacts/paths.js';
import type { SpanStore } from '../store/spans.js';
import { TraceDataError, traceDataSpans } from '../traceDataSpans.js';
import { TRACE_DATA_FILE } from './traceSpans.js';

/** `<experiment id>/traces/<trace id>/artifacts/traces.json`, before any normalization. */
const TRACE_DATA_PATH = /^\/*(\d+)\/traces\/([^/]{1,50})\/artifacts\/traces\.json$/;
/** An mlflow-artifacts URI's path (`mlflow-artifacts:/x`, `mlflow-artifacts://host:port/x`). */
const PROXY_URI = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*?)\/*$/;

/** As much as `POST /v1/traces` takes (OTLP_BODY_LIMIT): a trace's spans, not a data set. */
const MAX_INDEXED_BYTES = 32 * 1024 * 1024;

/** `skipped`: not a trace's traces.json, or a trace whose spans the table already holds (OTLP). */
export type IndexOutcome = 'indexed' | 'skipped' | 'not loadable';

export interface IndexLog {
  warn(fields: object, message: string): void;
}

export class TraceDataIndexer {
  /** Bytes of a traces.json buffered for indexing; a larger file is stored but not indexed. */
  readonly maxBytes = MAX_INDEXED_BYTES;

  constructor(private readonly spans: SpanStore) {}

  /** Whether an upload to this proxy path may be a trace's traces.json (string tests only). */
  accepts(rawPath: string): boolean {
    return rawPath.endsWith(TRACE_DATA_FILE) && TRACE_DATA_PATH.test(rawPath);
  }

  /** The stored upload's bytes into the trace's spans; database errors are thrown. */
  async index(rawPath: string, body: Buffer, log: IndexLog): Promise<IndexOutcome> {
    const m = TRACE_DATA_PATH.exec(rawPath);
    if (!m) return 'skipped';
    const [, experimentId, traceId] = m as unknown as [string, string, string];
    const folder = validateArtifactPath(rawPath, 'entry').replace(/\/[^/]+$/, '');
    const target = await this.spans.traceDataTarget(traceId);
    if (!target || target.experimentId !== experimentId || PROXY_URI.exec(target.artifactLocation ?? '')?.[1] !== folder) return 'skipped';
    if (target.spansInTable) return 'skipped';
    let records;
    try {
      records = traceDataSpans(body.toString('utf8'), traceId);
    } catch (err) {
      if (!(err instanceof TraceDataError)) throw err;
      log.warn({ traceId, reason: err.message }, 'traces.json stored but its spans not indexed: MLflow could not load it');
      return 'not loadable';
    }
    return (await this.spans.replaceTraceDataSpans(traceId, experimentId, records)) ? 'indexed' : 'skipped';
  }
}
