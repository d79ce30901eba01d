/**
 * The SQL of MLflow 3.x's trace search (SqlAlchemyStore.search_traces): traces of the
 * experiments, attribute filters on trace_info, tag and metadata filters as EXISTS (MLflow joins
 * a subquery per filter, which is unique on the trace, so the rows are the same), span and
 * assessment filters as EXISTS over the trace's spans / assessments (MLflow joins a DISTINCT
 * subquery of matching trace ids: the same rows), `run_id = x`
 * as "source run is x or the trace is linked to run x", then the order_by with NULLs last and
 * `timestamp_ms DESC, request_id ASC` unless asked for, so pages never overlap. The same filters
 * count traces for calculate_trace_filter_correlation.
 */
import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { DialectName } from '../../db/backendUri.js';
import type { TextTest, TraceClause, TraceOrderKey } from '../../search/tracesFilter.js';
import type { ListTest } from '../../search/ast.js';
import { SOURCE_RUN_METADATA } from '../../search/tracesFilter.js';
import { and, integerPredicate, keyEquals, listPredicate, regexPredicate, stringPredicate } from '../../search/sqlPredicates.js';
import type { SqlExpr } from '../../search/sqlPredicates.js';
import type { Visibility } from '../../search/visibility.js';
import { visibleIds } from '../../search/visibility.js';

export interface TraceSearch {
  readonly experimentIds: readonly number[];
  readonly clauses: readonly TraceClause[];
  readonly orderBy: readonly TraceOrderKey[];
  readonly offset: number;
  readonly maxResults: number;
  /** The caller's readable experiments (undefined: all). */
  readonly visible?: Visibility;
}

const INT64_MAX = 2 ** 63;
const END_TIME = sql`(ti.timestamp_ms + COALESCE(ti.execution_time_ms, 0))`;

function keyValueTable(type: 'tag' | 'metadata'): RawBuilder<unknown> {
  return sql.raw(type === 'tag' ? 'trace_tags' : 'trace_request_metadata');
}

function textPredicate(dialect: DialectName, column: SqlExpr, test: TextTest | ListTest): RawBuilder<SqlBool> {
  switch (test.kind) {
    case 'regex':
      return regexPredicate(dialect, column, test);
    case 'list':
      return listPredicate(dialect, column, test);
    case 'string':
      return stringPredicate(dialect, column, test);
  }
}

function clauseSql(dialect: DialectName, c: TraceClause): RawBuilder<SqlBool> {
  switch (c.type) {
    case 'attribute': {
      if (c.test.kind === 'number') {
        const column = c.key === 'end_time_ms' ? END_TIME : sql.ref(`ti.${c.key}`);
        return integerPredicate(column, c.test, INT64_MAX);
      }
      return textPredicate(dialect, sql.ref(`ti.${c.key}`), c.test);
    }
    case 'tag':
    case 'metadata':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM ${keyValueTable(c.type)} kv WHERE kv.request_id = ti.request_id
        AND ${keyEquals(dialect, sql.ref('kv.key'), c.key)} AND ${textPredicate(dialect, sql.ref('kv.value'), c.test)})`;
    case 'span':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM spans sp WHERE sp.trace_id = ti.request_id
        AND ${textPredicate(dialect, sql.ref(`sp.${c.column}`), c.test)})`;
    case 'assessment':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM assessments asm WHERE asm.trace_id = ti.request_id
        AND asm.assessment_type = ${c.assessmentType} AND ${keyEquals(dialect, sql.ref('asm.name'), c.name)}
        AND ${textPredicate(dialect, sql.ref('asm.value'), c.test)})`;
    case 'run':
      return sql<SqlBool>`(EXISTS (SELECT 1 FROM entity_associations ea WHERE ea.source_id = ti.request_id
          AND ea.source_type = 'trace' AND ea.destination_type = 'run' AND ea.destination_id = ${c.runId})
        OR EXISTS (SELECT 1 FROM trace_request_metadata md WHERE md.request_id = ti.request_id
          AND md.key = ${SOURCE_RUN_METADATA} AND md.value = ${c.runId}))`;
  }
}

function orderValueSql(o: TraceOrderKey): RawBuilder<unknown> {
  if (o.type === 'attribute') return o.key === 'end_time_ms' ? END_TIME : sql.ref(`ti.${o.key}`);
  return sql`(SELECT kv.value FROM ${keyValueTable(o.type)} kv WHERE kv.request_id = ti.request_id AND kv.key = ${o.key})`;
}

/** The traces of the experiments (those the caller may read) that match every clause, as `ti`. */
function traceWhere(dialect: DialectName, experimentIds: readonly number[], clauses: readonly TraceClause[], visible?: Visibility): RawBuilder<SqlBool> {
  const where: RawBuilder<SqlBool>[] = [
    experimentIds.length > 0 ? sql<SqlBool>`ti.experiment_id IN (${sql.join(experimentIds.map((id) => sql`${id}`))})` : sql<SqlBool>`1 = 0`,
    ...clauses.map((c) => clauseSql(dialect, c)),
  ];
  if (visible) where.push(sql<SqlBool>`${visibleIds('ti.experiment_id', visible)}`);
  return and(where);
}

export interface TraceCorrelationQuery {
  readonly experimentIds: readonly number[];
  /** The universe: every trace of the experiments, or those matching the base filter. */
  readonly base: readonly TraceClause[];
  /** The base filter and filter 1 (MLflow joins the two strings with `and`). */
  readonly filter1: readonly TraceClause[];
  readonly filter2: readonly TraceClause[];
  readonly visible?: Visibility;
}

export interface TraceCorrelationRow {
  total: number | string | bigint;
  filter1: number | string | bigint | null;
  filter2: number | string | bigint | null;
  joint: number | string | bigint | null;
}

/** The four counts of calculate_trace_filter_correlation in one scan of the universe. */
export function compileTraceCorrelation(dialect: DialectName, q: TraceCorrelationQuery): RawBuilder<TraceCorrelationRow> {
  const f1 = and(q.filter1.map((c) => clauseSql(dialect, c)));
  const f2 = and(q.filter2.map((c) => clauseSql(dialect, c)));
  return sql<TraceCorrelationRow>`SELECT COUNT(*) AS total,
      SUM(CASE WHEN ${f1} THEN 1 ELSE 0 END) AS filter1,
      SUM(CASE WHEN ${f2} THEN 1 ELSE 0 END) AS filter2,
      SUM(CASE WHEN ${f1} AND ${f2} THEN 1 ELSE 0 END) AS joint
    FROM trace_info ti WHERE ${traceWhere(dialect, q.experimentIds, q.base, q.visible)}`;
}

/** One page (MLflow hands out a next-page token whenever a page is full). */
export function compileTraceSearch(dialect: DialectName, q: TraceSearch): RawBuilder<{ request_id: string }> {
  const where = traceWhere(dialect, q.experimentIds, q.clauses, q.visible);
  const sortValues = q.orderBy.map((o, i) => sql`${orderValueSql(o)} AS ${sql.ref(`ob${i}`)}`);
  const orders = q.orderBy.flatMap((o, i) => {
    const ref = sql.ref(`t.ob${i}`);
    return [sql`CASE WHEN ${ref} IS NULL THEN 1 ELSE 0 END`, o.ascending ? sql`${ref} ASC` : sql`${ref} DESC`];
  });
  const named = (key: string) => q.orderBy.some((o) => o.type === 'attribute' && o.key === key);
  if (!named('timestamp_ms')) orders.push(sql`t.timestamp_ms DESC`);
  if (!named('request_id')) orders.push(sql`t.request_id ASC`);
  const extra = sortValues.length > 0 ? sql`, ${sql.join(sortValues)}` : sql``;
  return sql<{ request_id: string }>`SELECT t.request_id FROM (SELECT ti.request_id, ti.timestamp_ms${extra} FROM trace_info ti WHERE ${where}) t
    ORDER BY ${sql.join(orders)} LIMIT ${q.maxResults} OFFSET ${q.offset}`;
}
