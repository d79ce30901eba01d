/**
 * MLflow 3.x's trace records (trace_info, trace_tags, trace_request_metadata, assessments, and
 * trace → run links in entity_associations), as SqlAlchemyStore keeps them. Spans are not stored
 * here: the trace's `mlflow.artifactLocation` tag names where the client puts `traces.json`
 * (`<experiment location>/traces/<trace id>/artifacts`), and start writes no
 * `mlflow.trace.spansLocation` tag, so a client that sent no spans over OTLP uploads them there.
 * Spans sent over OTLP go to the `spans` table (./spans.ts), which tags the trace TRACKING_STORE;
 * the spans of an uploaded traces.json are written there too, for search only (service/traceDataIndex.ts).
 */
import { randomUUID } from 'node:crypto';
import { MlflowError } from '@darwin-mlflow/contract';
import type { Selectable } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { AssessmentsTable, TraceInfoTable } from '../../db/tables.js';
import { toBool, toInt } from '../../db/ints.js';
import { insertIgnore, upsert } from '../../db/upsert.js';
import { appendToUriPath } from '../../artifacts/uri.js';
import { pyJsonDumps } from '../../http/pyjson.js';
import { ARTIFACT_LOCATION_TAG } from '../traceEntities.js';
import type { AssessmentEntity, TraceInfoEntity } from '../traceEntities.js';
import { assertExperimentActive, findExperimentRow, noSuchExperiment } from './experiments.js';
import { compileTraceCorrelation, compileTraceSearch } from './traceSearch.js';
import type { TraceCorrelationQuery, TraceSearch } from './traceSearch.js';

/** A new trace: everything its info holds. */
export type StartTraceInput = TraceInfoEntity;

export interface AssessmentChange {
  name?: string;
  /** Set with a new value: the kind of value it is. */
  type?: 'feedback' | 'expectation';
  valueJson?: string;
  errorJson?: string | null;
  rationale?: string;
  metadata?: Record<string, string>;
}

export interface DeleteTracesInput {
  experimentId: string;
  maxTimestampMillis: number | null;
  maxTraces: number | null;
  traceIds: readonly string[];
}

/** deprecated_end_trace_v2: the end time, the final state, and metadata and tags merged in. */
export interface EndTraceInput {
  traceId: string;
  endTimeMs: number;
  state: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export function noSuchTrace(traceId: string): MlflowError {
  return new MlflowError(`Trace with ID '${traceId}' not found.`, 'RESOURCE_DOES_NOT_EXIST');
}

type TraceRow = Selectable<TraceInfoTable>;

export class TraceStore {
  constructor(private readonly database: Database) {}

  private get dialect() {
    return this.database.dialect;
  }

  /** A value for `assessments.valid`: SQLite's driver binds no booleans. */
  private flag(v: boolean): boolean | number {
    return this.dialect === 'postgres' ? v : v ? 1 : 0;
  }

  /** start_trace: a new trace, or the same id again overwriting its record (MLflow's merge). */
  async start(input: StartTraceInput): Promise<TraceInfoEntity> {
    await this.database.write(async (tx) => {
      const experiment = await findExperimentRow(tx, input.experimentId);
      if (!experiment) throw noSuchExperiment(input.experimentId);
      assertExperimentActive(experiment);
      const row = {
        request_id: input.traceId,
        experiment_id: toInt(experiment.experiment_id),
        timestamp_ms: input.requestTimeMs,
        execution_time_ms: input.executionTimeMs,
        status: input.state,
        client_request_id: input.clientRequestId,
        request_preview: input.requestPreview,
        response_preview: input.responsePreview,
      };
      const columns = Object.keys(row).filter((c) => c !== 'request_id');
      await upsert(tx, this.dialect, 'trace_info', [row], ['request_id'], columns);
      const location = appendToUriPath(experiment.artifact_location ?? '', 'traces', input.traceId, 'artifacts');
      const tags = { ...input.tags, [ARTIFACT_LOCATION_TAG]: location };
      await this.upsertKeyValues(tx, 'trace_tags', input.traceId, tags);
      await this.upsertKeyValues(tx, 'trace_request_metadata', input.traceId, input.metadata);
      for (const a of input.assessments) await this.insertAssessment(tx, { ...a, traceId: input.traceId });
    });
    return this.get(input.traceId);
  }

  async get(traceId: string): Promise<TraceInfoEntity> {
    return this.database.read(async (db) => {
      const [trace] = await loadTraces(db, [traceId]);
      if (!trace) throw noSuchTrace(traceId);
      return trace;
    });
  }

  /** The experiment a trace belongs to (permission checks). */
  async experimentIdOf(traceId: string): Promise<string> {
    const row = await this.database.read((db) => db.selectFrom('trace_info').select('experiment_id').where('request_id', '=', traceId).executeTakeFirst());
    if (!row) throw noSuchTrace(traceId);
    return String(row.experiment_id);
  }

  async search(query: TraceSearch): Promise<TraceInfoEntity[]> {
    return this.database.read(async (db) => {
      const { rows } = await compileTraceSearch(this.dialect, query).execute(db);
      return loadTraces(db, rows.map((r) => r.request_id));
    });
  }

  /** The execution time is the end time less the start time, as MLflow computes it. */
  async end(input: EndTraceInput): Promise<TraceInfoEntity> {
    await this.database.write(async (tx) => {
      const row = await tx.selectFrom('trace_info').select('timestamp_ms').where('request_id', '=', input.traceId).executeTakeFirst();
      if (!row) throw noSuchTrace(input.traceId);
      await tx
        .updateTable('trace_info')
        .set({ execution_time_ms: input.endTimeMs - toInt(row.timestamp_ms), status: input.state })
        .where('request_id', '=', input.traceId)
        .execute();
      await this.upsertKeyValues(tx, 'trace_request_metadata', input.traceId, input.metadata);
      await this.upsertKeyValues(tx, 'trace_tags', input.traceId, input.tags);
    });
    return this.get(input.traceId);
  }

  /** Traces by id in the order asked for, each once; unknown ids are left out. */
  async getMany(traceIds: readonly string[]): Promise<TraceInfoEntity[]> {
    if (traceIds.length === 0) return [];
    return this.database.read((db) => loadTraces(db, [...new Set(traceIds)]));
  }

  async correlationCounts(query: TraceCorrelationQuery): Promise<{ total: number; filter1: number; filter2: number; joint: number }> {
    const { rows } = await this.database.read((db) => compileTraceCorrelation(this.dialect, query).execute(db));
    const row = rows[0];
    const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    return { total: n(row?.total), filter1: n(row?.filter1), filter2: n(row?.filter2), joint: n(row?.joint) };
  }

  async setTag(traceId: string, key: string, value: string): Promise<void> {
    await this.database.write(async (tx) => {
      await this.upsertKeyValues(tx, 'trace_tags', traceId, { [key]: value });
    });
  }

  async deleteTag(traceId: string, key: string): Promise<void> {
    await this.database.write(async (tx) => {
      const result = await tx.deleteFrom('trace_tags').where('request_id', '=', traceId).where('key', '=', key).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) {
        throw new MlflowError(`No trace tag with key '${key}' for trace with ID '${traceId}'`, 'RESOURCE_DOES_NOT_EXIST');
      }
    });
  }

  /** The oldest traces first when `maxTraces` limits the count, as MLflow's _delete_traces. */
  async deleteTraces(input: DeleteTracesInput): Promise<number> {
    const experimentId = Number(input.experimentId);
    if (!Number.isSafeInteger(experimentId)) return 0;
    return this.database.write(async (tx) => {
      let q = tx.selectFrom('trace_info').select('request_id').where('experiment_id', '=', experimentId);
      if (input.maxTimestampMillis) q = q.where('timestamp_ms', '<=', input.maxTimestampMillis);
      if (input.traceIds.length > 0) q = q.where('request_id', 'in', [...input.traceIds]);
      if (input.maxTraces) q = q.orderBy('timestamp_ms').limit(input.maxTraces);
      const ids = (await q.execute()).map((r) => r.request_id);
      if (ids.length === 0) return 0;
      // children first: MySQL and SQLite foreign keys may not cascade on every connection
      for (const table of ['trace_tags', 'trace_request_metadata'] as const) await tx.deleteFrom(table).where('request_id', 'in', ids).execute();
      await tx.deleteFrom('assessments').where('trace_id', 'in', ids).execute();
      await tx.deleteFrom('spans').where('trace_id', 'in', ids).execute();
      await tx.deleteFrom('entity_associations').where('source_type', '=', 'trace').where('source_id', 'in', ids).execute();
      await tx.deleteFrom('trace_info').where('request_id', 'in', ids).execute();
      return ids.length;
    });
  }

  async linkToRun(traceIds: readonly string[], runId: string): Promise<void> {
    if (traceIds.length === 0) return;
    const now = Date.now();
    const rows = [...new Set(traceIds)].map((id) => ({
      association_id: randomUUID().replace(/-/g, ''),
      source_type: 'trace',
      source_id: id,
      destination_type: 'run',
      destination_id: runId,
      created_time: now,
    }));
    await this.database.write((tx) => insertIgnore(tx, this.dialect, 'entity_associations', rows, ['source_type', 'source_id', 'destination_type', 'destination_id']));
  }

  async createAssessment(a: AssessmentEntity): Promise<AssessmentEntity> {
    await this.database.write(async (tx) => {
      const trace = await tx.selectFrom('trace_info').select('request_id').where('request_id', '=', a.traceId).executeTakeFirst();
      if (!trace) throw noSuchTrace(a.traceId);
      if (a.overrides) {
        const result = await tx.updateTable('assessments').set({ valid: this.flag(false) }).where('trace_id', '=', a.traceId).where('assessment_id', '=', a.overrides).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) {
          // MLflow's message, its unfilled '{trace_id}' included
          throw new MlflowError(`Assessment with ID '${a.overrides}' not found for trace '{trace_id}'`, 'RESOURCE_DOES_NOT_EXIST');
        }
      }
      await this.insertAssessment(tx, a);
    });
    return this.getAssessment(a.traceId, a.assessmentId);
  }

  async getAssessment(traceId: string, assessmentId: string): Promise<AssessmentEntity> {
    return this.database.read(async (db) => {
      const row = await db.selectFrom('assessments').selectAll().where('trace_id', '=', traceId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (row) return toAssessment(row);
      const trace = await db.selectFrom('trace_info').select('request_id').where('request_id', '=', traceId).executeTakeFirst();
      if (!trace) throw new MlflowError(`Trace with request_id '${traceId}' not found`, 'RESOURCE_DOES_NOT_EXIST');
      throw new MlflowError(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`, 'RESOURCE_DOES_NOT_EXIST');
    });
  }

  /** update_assessment: the given fields replaced, metadata merged, the update time now. */
  async updateAssessment(traceId: string, assessmentId: string, change: AssessmentChange): Promise<AssessmentEntity> {
    const existing = await this.getAssessment(traceId, assessmentId);
    if (change.type !== undefined && change.type !== existing.type) {
      throw MlflowError.invalidParameter(
        change.type === 'expectation' ? 'Cannot update expectation value on a Feedback assessment.' : 'Cannot update feedback value on an Expectation assessment.',
      );
    }
    const metadata = { ...(existing.metadataJson ? (JSON.parse(existing.metadataJson) as Record<string, string>) : {}), ...(change.metadata ?? {}) };
    await this.database.write(async (tx) => {
      await tx
        .updateTable('assessments')
        .set({
          name: change.name ?? existing.name,
          value: change.valueJson ?? existing.valueJson,
          error: change.valueJson !== undefined ? (change.errorJson ?? null) : existing.errorJson,
          // an expectation has no rationale in MLflow's update
          rationale: existing.type === 'feedback' ? (change.rationale ?? existing.rationale) : existing.rationale,
          assessment_metadata: Object.keys(metadata).length > 0 ? pyJsonDumps(metadata) : null,
          last_updated_timestamp: Date.now(),
        })
        .where('trace_id', '=', traceId)
        .where('assessment_id', '=', assessmentId)
        .execute();
    });
    return this.getAssessment(traceId, assessmentId);
  }

  /** Idempotent, as MLflow's; an overridden assessment becomes valid again. */
  async deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
    await this.database.write(async (tx) => {
      const row = await tx.selectFrom('assessments').select('overrides').where('trace_id', '=', traceId).where('assessment_id', '=', assessmentId).executeTakeFirst();
      if (!row) return;
      if (row.overrides) await tx.updateTable('assessments').set({ valid: this.flag(true) }).where('assessment_id', '=', row.overrides).execute();
      await tx.deleteFrom('assessments').where('assessment_id', '=', assessmentId).execute();
    });
  }

  private async insertAssessment(tx: Db, a: AssessmentEntity): Promise<void> {
    await tx
      .insertInto('assessments')
      .values({
        assessment_id: a.assessmentId,
        trace_id: a.traceId,
        name: a.name,
        assessment_type: a.type,
        value: a.valueJson,
        error: a.errorJson,
        created_timestamp: a.createdMs,
        last_updated_timestamp: a.lastUpdatedMs,
        source_type: a.sourceType,
        source_id: a.sourceId,
        run_id: a.runId,
        span_id: a.spanId,
        rationale: a.rationale,
        overrides: a.overrides,
        valid: this.flag(true),
        assessment_metadata: a.metadataJson,
      })
      .execute();
  }

  private async upsertKeyValues(tx: Db, table: 'trace_tags' | 'trace_request_metadata', traceId: string, values: Record<string, string>): Promise<void> {
    const rows = Object.entries(values).map(([key, value]) => ({ key, value, request_id: traceId }));
    if (rows.length > 0) await upsert(tx, this.dialect, table, rows, ['key', 'request_id'], ['value']);
  }
}

type AssessmentRow = Selectable<AssessmentsTable>;

function toAssessment(r: AssessmentRow): AssessmentEntity {
  return {
    assessmentId: r.assessment_id,
    traceId: r.trace_id,
    name: r.name,
    type: r.assessment_type,
    valueJson: r.value,
    errorJson: r.error,
    createdMs: toInt(r.created_timestamp),
    lastUpdatedMs: toInt(r.last_updated_timestamp),
    sourceType: r.source_type,
    sourceId: r.source_id,
    runId: r.run_id,
    spanId: r.span_id,
    rationale: r.rationale,
    overrides: r.overrides,
    valid: toBool(r.valid),
    metadataJson: r.assessment_metadata,
  };
}

/** Traces in the order of `ids`, with their tags, metadata and assessments (four queries). */
async function loadTraces(db: Db, ids: readonly string[]): Promise<TraceInfoEntity[]> {
  if (ids.length === 0) return [];
  const list = [...ids];
  const [infos, tags, metadata, assessments] = await Promise.all([
    db.selectFrom('trace_info').selectAll().where('request_id', 'in', list).execute(),
    db.selectFrom('trace_tags').selectAll().where('request_id', 'in', list).execute(),
    db.selectFrom('trace_request_metadata').selectAll().where('request_id', 'in', list).execute(),
    db.selectFrom('assessments').selectAll().where('trace_id', 'in', list).orderBy('created_timestamp').execute(),
  ]);
  const byId = new Map(infos.map((r) => [r.request_id, toTrace(r)]));
  for (const t of tags) {
    const trace = byId.get(t.request_id);
    if (trace) trace.tags[t.key] = t.value ?? '';
  }
  for (const m of metadata) {
    const trace = byId.get(m.request_id);
    if (trace) trace.metadata[m.key] = m.value ?? '';
  }
  for (const a of assessments) byId.get(a.trace_id)?.assessments.push(toAssessment(a));
  return list.map((id) => byId.get(id)).filter((t): t is TraceInfoEntity => t !== undefined);
}

function toTrace(r: TraceRow): TraceInfoEntity {
  return {
    traceId: r.request_id,
    experimentId: String(r.experiment_id),
    requestTimeMs: toInt(r.timestamp_ms),
    executionTimeMs: r.execution_time_ms === null ? null : toInt(r.execution_time_ms),
    state: r.status,
    clientRequestId: r.client_request_id,
    requestPreview: r.request_preview,
    responsePreview: r.response_preview,
    tags: {},
    metadata: {},
    assessments: [],
  };
}
