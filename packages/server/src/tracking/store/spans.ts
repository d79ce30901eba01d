/**
 * MLflow 3.x's `spans` table, written as SqlAlchemyStore.log_spans writes it: the trace is
 * created when its first spans arrive (with the `mlflow.trace.spansLocation = TRACKING_STORE`
 * and `mlflow.artifactLocation` tags), each span is merged on (trace_id, span_id), and the trace's
 * time range, status, previews and token usage follow the spans in one atomic UPDATE. The spans
 * of an uploaded traces.json are written with the same rows, replacing the trace's (its trace row
 * and tags untouched): replaceTraceDataSpans.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { sql } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import { toInt, toInt64 } from '../../db/ints.js';
import { insertIgnore, upsert } from '../../db/upsert.js';
import { appendToUriPath } from '../../artifacts/uri.js';
import { ARTIFACT_LOCATION_TAG } from '../traceEntities.js';
import { SPANS_IN_TRACKING_STORE, SPANS_LOCATION_TAG, TOKEN_USAGE_METADATA } from '../spanEntities.js';
import type { SpanRecord } from '../spanEntities.js';
import { findExperimentRow, noSuchExperiment, parseExperimentId } from './experiments.js';

/** The spans of one trace in one export request, with what log_spans derives from them. */
export interface TraceSpans {
  traceId: string;
  spans: readonly SpanRecord[];
  /** min(start) // 1e6 */
  minStartMs: number;
  /** max(end) // 1e6 (0 when no span has ended) */
  maxEndMs: number;
  /** The trace state the root span gives (OK or ERROR), when the root span is here. */
  rootState: 'OK' | 'ERROR' | null;
  requestPreview: string | null;
  responsePreview: string | null;
  /** The new value of the trace's token usage metadata from the stored one, when spans report usage. */
  mergeTokenUsage: ((stored: string | null) => string) | null;
}

/** A stored span, in the order batch_get_traces returns them. */
export interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  startTimeNs: bigint;
  content: string;
}

const OPEN_STATES = ['IN_PROGRESS', 'STATE_UNSPECIFIED'];
/** Rows of one INSERT (10 columns each: well below every database's bound-parameter limit). */
const ROWS_PER_INSERT = 500;

/** The trace a traces.json upload may index, as trace_info and its tags say. */
export interface TraceDataTarget {
  experimentId: string;
  /** The `mlflow.artifactLocation` tag. */
  artifactLocation: string | null;
  /** Tagged `mlflow.trace.spansLocation` = TRACKING_STORE: the table is where its spans are read from. */
  spansInTable: boolean;
}

export class SpanStore {
  constructor(private readonly database: Database) {}

  /**
   * log_spans for every trace of a request, in one transaction (MLflow commits trace by trace; a
   * failing request here writes nothing). A trace that exists must be in `experimentId`.
   */
  async logSpans(experimentId: string, traces: readonly TraceSpans[]): Promise<void> {
    await this.database.write(async (tx) => {
      for (const trace of traces) {
        const experiment = await this.ensureTrace(tx, experimentId, trace);
        await upsert(tx, this.database.dialect, 'spans', trace.spans.map((s) => spanRow(s, experiment)), ['trace_id', 'span_id'], SPAN_UPDATE_COLUMNS);
        if (trace.mergeTokenUsage) await this.updateTokenUsage(tx, trace.traceId, trace.mergeTokenUsage);
        await this.updateTraceInfo(tx, trace);
      }
    });
  }

  /** What indexing a traces.json upload needs of a trace: its experiment and where its spans are. */
  async traceDataTarget(traceId: string): Promise<TraceDataTarget | undefined> {
    return this.database.read(async (db) => {
      const info = await db.selectFrom('trace_info').select('experiment_id').where('request_id', '=', traceId).executeTakeFirst();
      if (!info) return undefined;
      const tags = await db
        .selectFrom('trace_tags')
        .select(['key', 'value'])
        .where('request_id', '=', traceId)
        .where('key', 'in', [ARTIFACT_LOCATION_TAG, SPANS_LOCATION_TAG])
        .execute();
      const tag = (key: string) => tags.find((t) => t.key === key)?.value ?? null;
      return {
        experimentId: String(toInt(info.experiment_id)),
        artifactLocation: tag(ARTIFACT_LOCATION_TAG),
        spansInTable: tag(SPANS_LOCATION_TAG) === SPANS_IN_TRACKING_STORE,
      };
    });
  }

  /**
   * The trace's spans become those of its traces.json, in one transaction: rows are written as
   * log_spans writes them (its merge replaces a span of the same id), and spans the file no longer
   * has are removed, so the table holds exactly the file's spans. The trace's own row is left as
   * StartTraceV3 wrote it (its range, state, previews and token usage come from the client).
   * False when the trace is gone or its spans are the table's own (OTLP), in which case nothing is written.
   */
  async replaceTraceDataSpans(traceId: string, experimentId: string, spans: readonly SpanRecord[]): Promise<boolean> {
    const experiment = parseExperimentId(experimentId);
    if (experiment === undefined) return false;
    return this.database.write(async (tx) => {
      const info = await tx.selectFrom('trace_info').select('experiment_id').where('request_id', '=', traceId).executeTakeFirst();
      if (!info || toInt(info.experiment_id) !== experiment) return false;
      const location = await tx.selectFrom('trace_tags').select('value').where('request_id', '=', traceId).where('key', '=', SPANS_LOCATION_TAG).executeTakeFirst();
      if (location?.value === SPANS_IN_TRACKING_STORE) return false;
      await tx.deleteFrom('spans').where('trace_id', '=', traceId).execute();
      const rows = uniqueBySpanId(spans).map((s) => spanRow(s, experiment));
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await tx.insertInto('spans').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
      return true;
    });
  }

  /**
   * The spans of each trace that has some in the table, root spans first, then by start time
   * (`_get_spans_with_trace_info`). One query for all the traces.
   */
  async loadSpansFromTable(traceIds: readonly string[]): Promise<Map<string, StoredSpan[]>> {
    const out = new Map<string, StoredSpan[]>();
    if (traceIds.length === 0) return out;
    const rows = await this.database.read((db) =>
      db
        .selectFrom('spans')
        .select(['trace_id', 'span_id', 'parent_span_id', 'start_time_unix_nano', 'content'])
        .where('trace_id', 'in', [...new Set(traceIds)])
        .execute(),
    );
    for (const r of rows) {
      const list = out.get(r.trace_id) ?? [];
      list.push({ spanId: r.span_id, parentSpanId: r.parent_span_id, startTimeNs: BigInt(r.start_time_unix_nano), content: r.content });
      out.set(r.trace_id, list);
    }
    for (const list of out.values()) list.sort(rootFirstThenStart);
    return out;
  }

  /** The trace's experiment id; the trace row and its two tags are created when absent. */
  private async ensureTrace(tx: Db, experimentId: string, trace: TraceSpans): Promise<number> {
    const existing = await tx.selectFrom('trace_info').select('experiment_id').where('request_id', '=', trace.traceId).executeTakeFirst();
    if (existing) {
      const owner = toInt(existing.experiment_id);
      if (parseExperimentId(experimentId) !== owner) {
        throw MlflowError.invalidParameter(`Trace '${trace.traceId}' belongs to experiment ${owner}, not to experiment ${experimentId} named by the x-mlflow-experiment-id header.`);
      }
      await upsert(tx, this.database.dialect, 'trace_tags', [spansLocationTag(trace.traceId)], ['key', 'request_id'], ['value']);
      return owner;
    }
    const experiment = await findExperimentRow(tx, experimentId);
    if (!experiment) throw noSuchExperiment(experimentId);
    const id = toInt(experiment.experiment_id);
    // a concurrent request may have created it since: its row stands, as MLflow re-reads it
    await insertIgnore(
      tx,
      this.database.dialect,
      'trace_info',
      [
        {
          request_id: trace.traceId,
          experiment_id: id,
          timestamp_ms: trace.minStartMs,
          execution_time_ms: trace.maxEndMs ? trace.maxEndMs - trace.minStartMs : null,
          status: trace.rootState ?? 'IN_PROGRESS',
          client_request_id: null,
        },
      ],
      ['request_id'],
    );
    const location = appendToUriPath(experiment.artifact_location ?? '', 'traces', trace.traceId, 'artifacts');
    await upsert(tx, this.database.dialect, 'trace_tags', [spansLocationTag(trace.traceId)], ['key', 'request_id'], ['value']);
    await insertIgnore(tx, this.database.dialect, 'trace_tags', [{ key: ARTIFACT_LOCATION_TAG, value: location, request_id: trace.traceId }], ['key', 'request_id']);
    return id;
  }

  private async updateTokenUsage(tx: Db, traceId: string, merge: (stored: string | null) => string): Promise<void> {
    const row = await tx.selectFrom('trace_request_metadata').select('value').where('request_id', '=', traceId).where('key', '=', TOKEN_USAGE_METADATA).executeTakeFirst();
    const value = merge(row?.value ?? null);
    await upsert(tx, this.database.dialect, 'trace_request_metadata', [{ key: TOKEN_USAGE_METADATA, value, request_id: traceId }], ['key', 'request_id'], ['value']);
  }

  /**
   * The trace's range widens to the spans' (earliest start, latest end), an open trace takes the
   * root span's state, and previews are filled when empty: all computed by the database, so
   * concurrent requests for one trace cannot lose each other's updates. `execution_time_ms` is
   * set first: MySQL evaluates SET clauses in order with the values already assigned.
   */
  private async updateTraceInfo(tx: Db, t: TraceSpans): Promise<void> {
    const newStart = sql<number>`CASE WHEN timestamp_ms > ${t.minStartMs} THEN ${t.minStartMs} ELSE timestamp_ms END`;
    const end = sql<number>`CASE WHEN (timestamp_ms + execution_time_ms) > ${t.maxEndMs} THEN timestamp_ms + execution_time_ms ELSE ${t.maxEndMs} END`;
    const set: Record<string, unknown> = {
      execution_time_ms: sql<number>`${end} - (${newStart})`,
      timestamp_ms: newStart,
    };
    if (t.rootState) set.status = sql<string>`CASE WHEN status IN (${sql.join(OPEN_STATES)}) THEN ${t.rootState} ELSE status END`;
    if (t.requestPreview !== null) set.request_preview = sql<string>`COALESCE(request_preview, ${t.requestPreview})`;
    if (t.responsePreview !== null) set.response_preview = sql<string>`COALESCE(response_preview, ${t.responsePreview})`;
    await tx.updateTable('trace_info').set(set as never).where('request_id', '=', t.traceId).execute();
  }
}

const SPAN_UPDATE_COLUMNS = ['experiment_id', 'parent_span_id', 'name', 'type', 'status', 'start_time_unix_nano', 'end_time_unix_nano', 'content'];

function spanRow(s: SpanRecord, experimentId: number) {
  return {
    trace_id: s.traceId,
    experiment_id: experimentId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    name: s.name,
    type: s.type,
    status: s.status,
    start_time_unix_nano: toInt64(s.startTimeNs),
    end_time_unix_nano: toInt64(s.endTimeNs),
    content: s.content,
  };
}

/** A span id written twice in one file: the later one, as successive merges leave it. */
function uniqueBySpanId(spans: readonly SpanRecord[]): SpanRecord[] {
  return [...new Map(spans.map((s) => [s.spanId, s])).values()];
}

function spansLocationTag(traceId: string) {
  return { key: SPANS_LOCATION_TAG, value: SPANS_IN_TRACKING_STORE, request_id: traceId };
}

function rootFirstThenStart(a: StoredSpan, b: StoredSpan): number {
  const ra = a.parentSpanId === null ? 0 : 1;
  const rb = b.parentSpanId === null ? 0 : 1;
  if (ra !== rb) return ra - rb;
  return a.startTimeNs < b.startTimeNs ? -1 : a.startTimeNs > b.startTimeNs ? 1 : 0;
}
