/**
 * Trace use cases: MLflow 3.x's handler and store rules (start, get, search, tags, delete, link
 * to run, assessments) over the trace store. Wire values that protobuf keeps as well-known types
 * (timestamps, durations, maps, assessment values) are checked here.
 */
import { randomUUID } from 'node:crypto';
import { MlflowError, traces } from '@darwin-mlflow/contract';
import type { DecodedMessage } from '@darwin-mlflow/contract';
import { parseTraceFilter, parseTraceOrderBy } from '../../search/tracesFilter.js';
import { createPageToken, parsePageToken } from '../../search/pageToken.js';
import { isVisible } from '../../search/visibility.js';
import type { Visibility } from '../../search/visibility.js';
import type { ArtifactService } from '../../artifacts/service/artifacts.js';
import { pyJsonDumps } from '../../http/pyjson.js';
import { durationToMs, timestampToMs } from '../protoTime.js';
import type { AssessmentEntity, TraceInfoEntity, TraceWithSpans } from '../traceEntities.js';
import { validateKeyName, validateLengthLimit } from '../validation.js';
import { parseExperimentId } from '../store/experiments.js';
import type { AssessmentChange, TraceStore } from '../store/traces.js';
import type { SpanStore } from '../store/spans.js';
import { isComplete, readTraceDataArtifact, spanTableData, spansInTable, traceDataNotFound } from './traceSpans.js';
import type { TraceData } from './traceSpans.js';
import { npmiFromCounts } from './traceCorrelation.js';
import type { CorrelationCounts, Npmi } from './traceCorrelation.js';

type StartRequest = DecodedMessage<typeof traces.startTraceV3.request>;
type AssessmentWire = DecodedMessage<typeof traces.AssessmentMsg>;
type TraceInfoWire = DecodedMessage<typeof traces.TraceInfoV3Msg>;
type StartV2Request = DecodedMessage<typeof traces.startTrace.request>;
type EndV2Request = DecodedMessage<typeof traces.endTrace.request>;
type CorrelationRequest = DecodedMessage<typeof traces.calculateTraceFilterCorrelation.request>;

/** Artifact reads of one batchGet run this many at a time. */
const SPAN_READS_AT_ONCE = 8;

/** SEARCH_TRACES_DEFAULT_MAX_RESULTS */
const DEFAULT_MAX_RESULTS = 100;
/** SEARCH_MAX_RESULTS_THRESHOLD */
const MAX_RESULTS_THRESHOLD = 50_000;
const MAX_TRACES_PER_LINK = 100;
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 8000;
/** trace_info.request_id and assessments.assessment_id are VARCHAR(50). */
const MAX_ID = 50;

export interface SearchTracesInput {
  experimentIds: readonly string[];
  filter?: string;
  maxResults?: number;
  orderBy: readonly string[];
  pageToken?: string;
  visible?: Visibility;
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw MlflowError.invalidParameter(`Invalid value for parameter '${path}' supplied: expected a map of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw MlflowError.invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${path}.${k}' supplied: expected a string.`);
    out[k] = v;
  }
  return out;
}

/** Repeated TraceRequestMetadata / TraceTag entries as a map (a later key wins, as in MLflow's dict). */
function keyValues(entries: readonly { key?: string; value?: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) out[e.key ?? ''] = e.value ?? '';
  return out;
}

/**
 * TraceStatus → the state stored. MLflow stores `TRACE_STATUS_UNSPECIFIED` as it is, which its own
 * reads then fail to load as a TraceState; the state it means is stored instead.
 */
function stateOfStatus(status: string | undefined): string {
  return status === undefined || status === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : status;
}

function checkId(id: string | undefined, what: string): string {
  if (!id) throw MlflowError.invalidParameter(`Missing value for required parameter '${what}'.`);
  if (id.length > MAX_ID) throw MlflowError.invalidParameter(`Invalid value '${id.slice(0, 250)}' for parameter '${what}': at most ${MAX_ID} characters.`);
  return id;
}

export class TraceService {
  constructor(
    private readonly store: TraceStore,
    private readonly artifacts: ArtifactService,
    private readonly spans: SpanStore,
  ) {}

  /**
   * The one place spans are read: a trace whose spans came over OTLP (tag
   * `mlflow.trace.spansLocation` = `TRACKING_STORE`) has them in the `spans` table; every other
   * trace keeps them as `traces.json` at its artifact location (the rows indexed from that file
   * serve search, not reads). Undefined: none stored yet.
   */
  async loadTraceSpans(info: TraceInfoEntity): Promise<TraceData | undefined> {
    return (await this.loadManyTraceSpans([info]))[0];
  }

  /** loadTraceSpans of several traces, in their order: the span table's in one query, artifacts a few at a time. */
  private async loadManyTraceSpans(infos: readonly TraceInfoEntity[]): Promise<Array<TraceData | undefined>> {
    const inTable = infos.filter(spansInTable);
    const rows = inTable.length > 0 ? await this.spans.loadSpansFromTable(inTable.map((t) => t.traceId)) : new Map<string, never[]>();
    const out: Array<TraceData | undefined> = infos.map((info) => (spansInTable(info) ? spanTableData(rows.get(info.traceId) ?? []) : undefined));
    const fromArtifacts = infos.flatMap((info, i) => (spansInTable(info) ? [] : [i]));
    for (let i = 0; i < fromArtifacts.length; i += SPAN_READS_AT_ONCE) {
      const chunk = fromArtifacts.slice(i, i + SPAN_READS_AT_ONCE);
      const loaded = await Promise.all(chunk.map((k) => readTraceDataArtifact(this.artifacts, infos[k] as TraceInfoEntity)));
      chunk.forEach((k, j) => (out[k] = loaded[j]));
    }
    return out;
  }

  /** get_trace: the trace with its spans; without allow_partial, a trace whose spans are not all stored is 404. */
  async getTrace(traceId: string, allowPartial: boolean): Promise<TraceWithSpans> {
    const [info] = await this.store.getMany([traceId]);
    if (!info) throw new MlflowError(`Trace with ID ${traceId} is not found.`, 'RESOURCE_DOES_NOT_EXIST');
    const spans = (await this.loadTraceSpans(info))?.spans ?? [];
    if (!allowPartial && (spans.length === 0 || !isComplete(info, spans.length))) {
      throw new MlflowError(`Trace with ID ${traceId} is not fully exported yet, please try again later.`, 'RESOURCE_DOES_NOT_EXIST');
    }
    return { info, spans };
  }

  /**
   * batch_get_traces: complete traces only, in the order asked for; unknown and unreadable ones
   * left out. Spans from the `spans` table or from traces.json, as loadTraceSpans says.
   */
  async batchGet(traceIds: readonly string[], visible?: Visibility): Promise<TraceWithSpans[]> {
    const infos = (await this.store.getMany(traceIds)).filter((t) => isVisible(visible, t.experimentId));
    const loaded = await this.loadManyTraceSpans(infos);
    return infos.flatMap((info, i) => {
      const spans = loaded[i]?.spans ?? [];
      return spans.length > 0 && isComplete(info, spans.length) ? [{ info, spans }] : [];
    });
  }

  /** get_trace_artifact_handler's body: the stored trace data, written as Python's json.dumps does. */
  async traceDataJson(traceId: string): Promise<string> {
    const data = await this.loadTraceSpans(await this.store.get(traceId));
    if (!data) throw traceDataNotFound();
    return pyJsonDumps(data.document);
  }

  /** deprecated_start_trace_v2: a new IN_PROGRESS trace with a random request id. */
  startV2(req: StartV2Request): Promise<TraceInfoEntity> {
    return this.store.start({
      traceId: randomUUID().replace(/-/g, ''),
      experimentId: req.experiment_id ?? '',
      requestTimeMs: Number(req.timestamp_ms ?? 0),
      executionTimeMs: null,
      state: 'IN_PROGRESS',
      clientRequestId: null,
      requestPreview: null,
      responsePreview: null,
      tags: this.checkTags(keyValues(req.tags)),
      metadata: keyValues(req.request_metadata),
      assessments: [],
    });
  }

  /** deprecated_end_trace_v2 */
  endV2(req: EndV2Request): Promise<TraceInfoEntity> {
    return this.store.end({
      traceId: req.request_id ?? '',
      endTimeMs: Number(req.timestamp_ms ?? 0),
      state: stateOfStatus(req.status),
      metadata: keyValues(req.request_metadata),
      tags: this.checkTags(keyValues(req.tags)),
    });
  }

  /** calculate_trace_filter_correlation over the experiments the caller may read. */
  async filterCorrelation(req: CorrelationRequest, visible?: Visibility): Promise<CorrelationCounts & Npmi> {
    // MLflow prefixes each filter with the base filter and `and`
    const withBase = (filter: string | undefined) => (req.base_filter ? `${req.base_filter} and ${filter ?? ''}` : filter);
    const counts = await this.store.correlationCounts({
      experimentIds: req.experiment_ids.map((id) => parseExperimentId(id) ?? -1),
      base: parseTraceFilter(req.base_filter),
      filter1: parseTraceFilter(withBase(req.filter_string1)),
      filter2: parseTraceFilter(withBase(req.filter_string2)),
      ...(visible ? { visible } : {}),
    });
    return { ...counts, ...npmiFromCounts(counts) };
  }

  start(req: StartRequest): Promise<TraceInfoEntity> {
    const info: TraceInfoWire = req.trace?.trace_info ?? { assessments: [] };
    const path = 'trace.trace_info';
    const traceId = checkId(info.trace_id, `${path}.trace_id`);
    const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
    if (!experimentId) {
      throw MlflowError.invalidParameter('A trace must be located in an MLflow experiment: trace.trace_info.trace_location.mlflow_experiment.experiment_id is required.');
    }
    const now = Date.now();
    return this.store.start({
      traceId,
      experimentId,
      requestTimeMs: info.request_time === undefined ? 0 : timestampToMs(info.request_time, `${path}.request_time`),
      executionTimeMs: info.execution_duration === undefined ? null : durationToMs(info.execution_duration, `${path}.execution_duration`),
      state: info.state ?? 'STATE_UNSPECIFIED',
      clientRequestId: info.client_request_id ?? null,
      requestPreview: info.request_preview ?? null,
      responsePreview: info.response_preview ?? null,
      tags: this.checkTags(stringMap(info.tags, `${path}.tags`)),
      metadata: stringMap(info.trace_metadata, `${path}.trace_metadata`),
      assessments: info.assessments.map((a, i) => toAssessment(a, traceId, now, `${path}.assessments[${i}]`)),
    });
  }

  get(traceId: string): Promise<TraceInfoEntity> {
    return this.store.get(traceId);
  }

  experimentIdOf(traceId: string): Promise<string> {
    return this.store.experimentIdOf(traceId);
  }

  async search(input: SearchTracesInput): Promise<{ traces: TraceInfoEntity[]; nextPageToken?: string }> {
    const maxResults = input.maxResults ?? DEFAULT_MAX_RESULTS;
    if (maxResults < 1) throw MlflowError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
    if (maxResults > MAX_RESULTS_THRESHOLD) {
      throw MlflowError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${MAX_RESULTS_THRESHOLD}`);
    }
    const offset = parsePageToken(input.pageToken || null);
    const experimentIds = input.experimentIds.map((id) => parseExperimentId(id) ?? -1);
    const found = await this.store.search({
      experimentIds,
      clauses: parseTraceFilter(input.filter),
      orderBy: parseTraceOrderBy(input.orderBy),
      offset,
      maxResults,
      ...(input.visible ? { visible: input.visible } : {}),
    });
    return { traces: found, ...(found.length === maxResults ? { nextPageToken: createPageToken(offset + maxResults) } : {}) };
  }

  async setTag(traceId: string, key: string | undefined, value: string | undefined): Promise<void> {
    await this.store.get(traceId);
    const [k, v] = Object.entries(this.checkTags({ [key ?? '']: value ?? '' }))[0] as [string, string];
    await this.store.setTag(traceId, k, v);
  }

  deleteTag(traceId: string, key: string): Promise<void> {
    return this.store.deleteTag(traceId, key);
  }

  deleteTraces(req: { experiment_id?: string; max_timestamp_millis?: number | bigint; max_traces?: number; request_ids: string[] }): Promise<number> {
    const maxTimestamp = req.max_timestamp_millis === undefined ? null : Number(req.max_timestamp_millis);
    const maxTraces = req.max_traces ?? null;
    // SqlAlchemyStore.delete_traces' argument rules
    if (maxTimestamp === null && req.request_ids.length === 0) {
      throw MlflowError.invalidParameter('Either `max_timestamp_millis` or `trace_ids` must be specified.');
    }
    if (maxTimestamp && req.request_ids.length > 0) {
      throw MlflowError.invalidParameter('Only one of `max_timestamp_millis` and `trace_ids` can be specified.');
    }
    if (req.request_ids.length > 0 && maxTraces !== null) {
      throw MlflowError.invalidParameter('`max_traces` can\'t be specified if `trace_ids` is specified.');
    }
    if (maxTraces !== null && maxTraces <= 0) {
      throw MlflowError.invalidParameter(`\`max_traces\` must be a positive integer, received ${maxTraces}.`);
    }
    return this.store.deleteTraces({ experimentId: req.experiment_id ?? '', maxTimestampMillis: maxTimestamp, maxTraces, traceIds: req.request_ids });
  }

  linkToRun(traceIds: readonly string[], runId: string): Promise<void> {
    if (traceIds.length > MAX_TRACES_PER_LINK) {
      throw MlflowError.invalidParameter(
        `Cannot link more than ${MAX_TRACES_PER_LINK} traces to a run in a single request. Provided ${traceIds.length} traces.`,
      );
    }
    return this.store.linkToRun(traceIds, runId);
  }

  createAssessment(traceId: string, wire: AssessmentWire): Promise<AssessmentEntity> {
    return this.store.createAssessment(toAssessment(wire, traceId, Date.now(), 'assessment'));
  }

  getAssessment(traceId: string, assessmentId: string): Promise<AssessmentEntity> {
    return this.store.getAssessment(traceId, assessmentId);
  }

  /** The handler's update_mask paths (protobuf JSON writes them camelCase, comma-separated). */
  updateAssessment(traceId: string, assessmentId: string, wire: AssessmentWire, mask: unknown): Promise<AssessmentEntity> {
    const text = typeof mask === 'string' ? mask : typeof mask === 'object' && mask !== null && Array.isArray((mask as { paths?: unknown }).paths) ? (mask as { paths: unknown[] }).paths.join(',') : undefined;
    if (text === undefined) throw MlflowError.invalidParameter("Invalid value for parameter 'update_mask' supplied: expected a field mask such as \"assessmentName,rationale\".");
    const paths = text.split(',').map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).filter((p) => p !== '');
    const change: AssessmentChange = {};
    for (const path of paths) {
      if (path === 'assessment_name' && wire.assessment_name !== undefined) change.name = wire.assessment_name;
      else if (path === 'rationale' && wire.rationale !== undefined) change.rationale = wire.rationale;
      else if (path === 'metadata') change.metadata = stringMap(wire.metadata, 'assessment.metadata');
      else if (path === 'feedback' || path === 'expectation') {
        if (change.type !== undefined) throw MlflowError.invalidParameter('Cannot specify both `expectation` and `feedback` parameters.');
        const parsed = toAssessment({ ...wire, assessment_name: wire.assessment_name || 'x' }, traceId, Date.now(), 'assessment');
        if (parsed.type !== path) throw MlflowError.invalidParameter(`The update mask names \`${path}\` but the assessment has none.`);
        change.type = parsed.type;
        change.valueJson = parsed.valueJson;
        change.errorJson = parsed.errorJson;
      }
    }
    return this.store.updateAssessment(traceId, assessmentId, change);
  }

  deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    return this.store.deleteAssessment(traceId, assessmentId);
  }

  /** _validate_trace_tag: a valid key of at most 250 characters; longer values are truncated. */
  private checkTags(tags: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(tags)) {
      validateKeyName('tag', key);
      out[validateLengthLimit('key', MAX_TAG_KEY, key)] = validateLengthLimit('value', MAX_TAG_VALUE, value, true);
    }
    return out;
  }
}

/** Assessment.from_proto and SqlAssessments.from_mlflow_entity. */
function toAssessment(a: AssessmentWire, traceId: string, now: number, path: string): AssessmentEntity {
  if (!a.assessment_name) throw MlflowError.invalidParameter(`Missing value for required parameter '${path}.assessment_name'.`);
  const feedback = a.feedback as { value?: unknown; error?: unknown } | undefined;
  const expectation = a.expectation as { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } } | undefined;
  let type: 'feedback' | 'expectation';
  let value: unknown;
  let error: unknown;
  if (expectation && typeof expectation === 'object') {
    type = 'expectation';
    value = expectationValue(expectation);
  } else if (feedback && typeof feedback === 'object') {
    type = 'feedback';
    value = feedback.value ?? null;
    error = feedback.error;
  } else {
    throw MlflowError.invalidParameter('Unknown assessment type: an assessment needs `feedback` or `expectation`.');
  }
  const source = a.source ?? {};
  const metadata = stringMap(a.metadata, `${path}.metadata`);
  const assessmentId = a.assessment_id ? checkId(a.assessment_id, `${path}.assessment_id`) : `a-${randomUUID().replace(/-/g, '')}`;
  return {
    assessmentId,
    traceId,
    name: a.assessment_name,
    type,
    valueJson: pyJsonDumps(value),
    errorJson: error && typeof error === 'object' ? pyJsonDumps(error) : null,
    createdMs: a.create_time === undefined ? now : timestampToMs(a.create_time, `${path}.create_time`) || now,
    lastUpdatedMs: a.last_update_time === undefined ? now : timestampToMs(a.last_update_time, `${path}.last_update_time`) || now,
    sourceType: source.source_type || 'SOURCE_TYPE_UNSPECIFIED',
    sourceId: source.source_id ?? null,
    runId: null,
    spanId: a.span_id || null,
    rationale: a.rationale ?? null,
    overrides: a.overrides || null,
    valid: true,
    metadataJson: Object.keys(metadata).length > 0 ? pyJsonDumps(metadata) : null,
  };
}

function expectationValue(e: { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } }): unknown {
  const serialized = e.serialized_value;
  if (!serialized) return e.value ?? null;
  if (serialized.serialization_format !== 'JSON_FORMAT') {
    throw MlflowError.invalidParameter(`Unknown serialization format: ${String(serialized.serialization_format)}. Only JSON_FORMAT is supported.`);
  }
  try {
    return JSON.parse(serialized.value ?? '');
  } catch {
    throw MlflowError.invalidParameter('The expectation\'s serialized_value is not valid JSON.');
  }
}
