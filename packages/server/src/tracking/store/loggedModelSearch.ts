/**
 * The SQL of MLflow 3.x's logged-model search (SqlAlchemyStore.search_logged_models): active
 * models of the experiments, attribute filters on the row, metric / param / tag filters as
 * EXISTS on their tables (MLflow joins, which repeats a model that several rows match), then
 * the order_by with NULLs last and `creation_timestamp_ms DESC` unless asked for; the model id
 * breaks ties so that pages never overlap.
 */
import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { DialectName } from '../../db/backendUri.js';
import type { LoggedModelComparison, LoggedModelColumn } from '../../search/loggedModelsFilter.js';
import { and, doublePredicate, integerPredicate, keyEquals, listPredicate, stringPredicate } from '../../search/sqlPredicates.js';
import type { SqlExpr } from '../../search/sqlPredicates.js';
import type { NumberTest, StringOrListTest } from '../../search/ast.js';
import type { Visibility } from '../../search/visibility.js';
import { visibleIds } from '../../search/visibility.js';

export interface DatasetFilter {
  readonly name: string;
  /** null: MLflow's handler passes `dataset_digest or None`, which then matches a NULL digest only. */
  readonly digest: string | null;
}

export type LoggedModelOrder =
  | { readonly kind: 'column'; readonly column: LoggedModelColumn; readonly ascending: boolean }
  | { readonly kind: 'metric'; readonly name: string; readonly ascending: boolean; readonly datasetName?: string; readonly datasetDigest?: string };

export interface LoggedModelSearch {
  readonly experimentIds: readonly number[];
  readonly comparisons: readonly LoggedModelComparison[];
  readonly datasets: readonly DatasetFilter[];
  readonly orderBy: readonly LoggedModelOrder[];
  readonly offset: number;
  readonly maxResults: number;
  /**
   * The caller's readable experiments (undefined: all). Offsets then count every model of the
   * requested experiments, readable or not, as MLflow's basic-auth filter_search_logged_models
   * pages through the unfiltered search, so page tokens are the same as MLflow's.
   */
  readonly visible?: Visibility;
}

const INT64_MAX = 2 ** 63;

function testSql(dialect: DialectName, column: SqlExpr, test: NumberTest | StringOrListTest, integer: boolean): RawBuilder<SqlBool> {
  if (test.kind === 'number') return integer ? integerPredicate(column, test, INT64_MAX) : doublePredicate(column, test);
  if (test.kind === 'list') return listPredicate(dialect, column, test);
  return stringPredicate(dialect, column, test);
}

function datasetsSql(dialect: DialectName, datasets: readonly DatasetFilter[]): RawBuilder<SqlBool> {
  const one = (d: DatasetFilter) =>
    and([
      keyEquals(dialect, sql.ref('m.dataset_name'), d.name),
      d.digest === null ? sql<SqlBool>`m.dataset_digest IS NULL` : keyEquals(dialect, sql.ref('m.dataset_digest'), d.digest),
    ]);
  return sql<SqlBool>`(${sql.join(datasets.map(one), sql` OR `)})`;
}

function comparisonSql(dialect: DialectName, c: LoggedModelComparison, datasets: readonly DatasetFilter[]): RawBuilder<SqlBool> {
  switch (c.entity) {
    case 'attributes': {
      const integer = c.key === 'creation_timestamp_ms' || c.key === 'last_updated_timestamp_ms' || c.key === 'status' || c.key === 'experiment_id';
      return testSql(dialect, sql.ref(`lm.${c.key}`), c.test, integer);
    }
    case 'metrics': {
      const onDatasets = datasets.length > 0 ? sql<SqlBool>` AND ${datasetsSql(dialect, datasets)}` : sql``;
      return sql<SqlBool>`EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = lm.model_id
        AND ${keyEquals(dialect, sql.ref('m.metric_name'), c.key)} AND ${doublePredicate(sql.ref('m.metric_value'), c.test)}${onDatasets})`;
    }
    case 'params':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM logged_model_params p WHERE p.model_id = lm.model_id
        AND ${keyEquals(dialect, sql.ref('p.param_key'), c.key)} AND ${testSql(dialect, sql.ref('p.param_value'), c.test, false)})`;
    case 'tags':
      return sql<SqlBool>`EXISTS (SELECT 1 FROM logged_model_tags t WHERE t.model_id = lm.model_id
        AND ${keyEquals(dialect, sql.ref('t.tag_key'), c.key)} AND ${testSql(dialect, sql.ref('t.tag_value'), c.test, false)})`;
  }
}

/** The latest value (by timestamp, then step) of a metric of the model, on the order's dataset. */
function metricValueSql(dialect: DialectName, o: Extract<LoggedModelOrder, { kind: 'metric' }>): RawBuilder<unknown> {
  const filters = [keyEquals(dialect, sql.ref('m.metric_name'), o.name)];
  if (o.datasetName) filters.push(keyEquals(dialect, sql.ref('m.dataset_name'), o.datasetName));
  if (o.datasetDigest) filters.push(keyEquals(dialect, sql.ref('m.dataset_digest'), o.datasetDigest));
  return sql`(SELECT m.metric_value FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND ${and(filters)}
    ORDER BY m.metric_timestamp_ms DESC, m.metric_step DESC LIMIT 1)`;
}

export function compileLoggedModelSearch(dialect: DialectName, q: LoggedModelSearch): RawBuilder<StoredRow> {
  const where: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`lm.lifecycle_stage <> 'deleted'`,
    q.experimentIds.length > 0 ? sql<SqlBool>`lm.experiment_id IN (${sql.join(q.experimentIds.map((id) => sql`${id}`))})` : sql<SqlBool>`1 = 0`,
    ...q.comparisons.map((c) => comparisonSql(dialect, c, q.datasets)),
  ];
  if (q.datasets.length > 0 && !q.comparisons.some((c) => c.entity === 'metrics')) {
    // datasets without a metric filter: models with any metric on those datasets
    where.push(sql<SqlBool>`EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND ${datasetsSql(dialect, q.datasets)})`);
  }
  const sortValues = q.orderBy.map((o, i) => sql`${o.kind === 'column' ? sql.ref(`lm.${o.column}`) : metricValueSql(dialect, o)} AS ${sql.ref(`ob${i}`)}`);
  const orders = q.orderBy.flatMap((o, i) => {
    const ref = sql.ref(`t.ob${i}`);
    return [sql`CASE WHEN ${ref} IS NULL THEN 1 ELSE 0 END`, o.ascending ? sql`${ref} ASC` : sql`${ref} DESC`];
  });
  if (!q.orderBy.some((o) => o.kind === 'column' && o.column === 'creation_timestamp_ms')) orders.push(sql`t.creation_timestamp_ms DESC`);
  orders.push(sql`t.model_id ASC`);
  const extra = sortValues.length > 0 ? sql`, ${sql.join(sortValues)}` : sql``;
  const inner = sql`SELECT lm.*${extra} FROM logged_models lm WHERE ${and(where)}`;
  if (!q.visible) {
    return sql<StoredRow>`SELECT t.* FROM (${inner}) t ORDER BY ${sql.join(orders)} LIMIT ${q.maxResults + 1} OFFSET ${q.offset}`;
  }
  // position of each model in the unfiltered order (1-based) and how many there are in all
  return sql<StoredRow>`SELECT u.* FROM (SELECT t.*, ROW_NUMBER() OVER (ORDER BY ${sql.join(orders)}) AS search_position,
      COUNT(*) OVER () AS search_total FROM (${inner}) t) u
    WHERE u.search_position > ${q.offset} AND ${visibleIds('u.experiment_id', q.visible)}
    ORDER BY u.search_position LIMIT ${q.maxResults}`;
}

interface StoredRow {
  /** With a visibility: the row's position in the unfiltered order, and the unfiltered count. */
  search_position?: number | bigint | string;
  search_total?: number | bigint | string;
  model_id: string;
  experiment_id: number | bigint | string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number | bigint | string;
  last_updated_timestamp_ms: number | bigint | string;
  status: number | bigint | string;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}
