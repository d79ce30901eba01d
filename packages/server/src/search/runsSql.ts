/**
 * Run search as one SQL query (MLflow `SqlAlchemyStore._search_runs`).
 *
 * Filter: every clause on a metric, param, tag or run name is an INNER JOIN of the child table
 * on its (key, run_uuid) primary key, with the clause's test in the join condition: a run
 * without the key never matches (`tags.x != 'a'` skips runs without tag x), and the primary key
 * lets no clause multiply rows, so the join is the EXISTS that MLflow means. A join lets the
 * database drive the query from the most selective clause (SQLite otherwise scans every run of
 * the experiments and probes each clause per run). Dataset clauses stay EXISTS: a run can have
 * many inputs. Metrics compare the latest value (latest_metrics); NaN is stored there as 0 with
 * is_nan set, so `metrics.x = 0` matches NaN as it does in MLflow.
 *
 * Order: per key a presence rank first, ascending whatever the direction (metrics: real value
 * 0, NaN 1, missing 2; others: present 0, missing 1), then the value; then start_time DESC
 * unless ordered by start_time, then run_uuid. Metric/param/tag keys are LEFT JOINed on their
 * primary key, one row at most per run.
 */
import { sql } from 'kysely';
import type { Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { ViewType } from '@darwin-mlflow/contract';
import type { DialectName } from '../db/backendUri.js';
import type { Tables } from '../db/tables.js';
import type { RunClause, RunOrderKey, StringOrListTest } from './ast.js';
import {
  BIGINT_LIMIT,
  doublePredicate,
  inOrNothing,
  integerPredicate,
  keyEquals,
  listPredicate,
  stringPredicate,
} from './sqlPredicates.js';
import type { SqlExpr } from './sqlPredicates.js';

type RunsQuery<O> = SelectQueryBuilder<Tables, 'runs', O>;

/** Where MLflow keeps a run's name for search: the mlflow.runName tag (runs.name was once empty). */
const RUN_NAME_TAG = 'mlflow.runName';
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

const RUN_COLUMNS = {
  run_id: 'runs.run_uuid',
  run_name: 'runs.name',
  user_id: 'runs.user_id',
  status: 'runs.status',
  artifact_uri: 'runs.artifact_uri',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
} as const;

export function lifecycleStages(viewType: ViewType): string[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}

function stringOrList(dialect: DialectName, column: SqlExpr, test: StringOrListTest): RawBuilder<SqlBool> {
  return test.kind === 'list' ? listPredicate(dialect, column, test) : stringPredicate(dialect, column, test);
}

/** True if any dataset input of the run matches; `context` is the input's mlflow.data.context tag. */
function datasetExists(dialect: DialectName, clause: Extract<RunClause, { type: 'dataset' }>): RawBuilder<SqlBool> {
  const inputs = sql`inputs i JOIN datasets d ON d.dataset_uuid = i.source_id`;
  const run = sql`i.destination_type = 'RUN' AND i.source_type = 'DATASET' AND i.destination_id = runs.run_uuid`;
  if (clause.key === 'context') {
    const tag = sql`JOIN input_tags t ON t.input_uuid = i.input_uuid AND t.name = ${DATASET_CONTEXT_TAG}`;
    const test = stringOrList(dialect, sql.ref('t.value'), clause.test);
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ${inputs} ${tag} WHERE ${run} AND ${test})`;
  }
  const test = stringOrList(dialect, sql.ref(`d.${clause.key}`), clause.test);
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${inputs} WHERE ${run} AND ${test})`;
}

/** A test on the run's row of `key` in a child table (absent: the run does not match). */
interface KeyedTest {
  readonly table: 'latest_metrics' | 'params' | 'tags';
  readonly key: string;
  readonly test: (value: SqlExpr) => RawBuilder<SqlBool>;
}

/** How a clause restricts the runs: a join on one child-table row, or a condition on the run. */
type ClausePlan = { readonly join: KeyedTest } | { readonly where: RawBuilder<SqlBool> };

function planClause(dialect: DialectName, clause: RunClause): ClausePlan {
  switch (clause.type) {
    case 'metric':
      return { join: { table: 'latest_metrics', key: clause.key, test: (v) => doublePredicate(v, clause.test) } };
    case 'parameter':
      return { join: { table: 'params', key: clause.key, test: (v) => stringPredicate(dialect, v, clause.test) } };
    case 'tag':
      return { join: { table: 'tags', key: clause.key, test: (v) => stringPredicate(dialect, v, clause.test) } };
    case 'dataset':
      return { where: datasetExists(dialect, clause) };
    case 'attribute': {
      if (clause.key === 'run_name') {
        const test = clause.test;
        return { join: { table: 'tags', key: RUN_NAME_TAG, test: (v) => stringOrList(dialect, v, test) } };
      }
      const column = sql.ref(RUN_COLUMNS[clause.key]);
      if (clause.test.kind === 'number') return { where: integerPredicate(column, clause.test, BIGINT_LIMIT) };
      return { where: stringOrList(dialect, column, clause.test) };
    }
  }
}

/**
 * How selective a test usually is, most first. Without statistics SQLite takes joins of equal
 * estimated cost in the order written, and drives the query from the first: an equality (say
 * `tags.team = 'a'`) is a better start than a range or an inequality.
 */
function selectivity(clause: RunClause): number {
  const comparator = clause.test.comparator;
  if (comparator === '=' || comparator === 'IN') return 0;
  if (comparator === 'LIKE' || comparator === 'ILIKE') return 1;
  if (comparator === '!=' || comparator === 'NOT IN') return 3;
  return 2;
}

/** Adds the filter's clauses (all must hold) to a query over `runs`. */
export function applyRunFilter<O>(qb: RunsQuery<O>, dialect: DialectName, clauses: readonly RunClause[]): RunsQuery<O> {
  let q = qb;
  const ordered = clauses.map((clause, i) => ({ clause, alias: `filter_${i}` }));
  ordered.sort((a, b) => selectivity(a.clause) - selectivity(b.clause));
  for (const { clause, alias } of ordered) {
    const plan = planClause(dialect, clause);
    if ('where' in plan) {
      q = q.where(plan.where);
      continue;
    }
    const { table, key, test } = plan.join;
    const ref = (column: string) => sql.ref(`${alias}.${column}`);
    const on = sql<SqlBool>`${ref('run_uuid')} = runs.run_uuid AND ${keyEquals(dialect, ref('key'), key)} AND ${test(ref('value'))}`;
    // The join adds an alias to the builder's type; only raw references use it.
    q = q.innerJoin(sql.table(table).as(alias), (join) => join.on(on)) as unknown as RunsQuery<O>;
  }
  return q;
}

const ORDER_TABLES = { metric: 'latest_metrics', parameter: 'params', tag: 'tags' } as const;

/** Adds MLflow's run ordering: the keys in order, then start_time DESC, then run_uuid. */
export function applyRunOrder<O>(qb: RunsQuery<O>, dialect: DialectName, orderBy: readonly RunOrderKey[]): RunsQuery<O> {
  let q = qb;
  orderBy.forEach((key, i) => {
    const direction = key.ascending ? 'asc' : 'desc';
    if (key.type === 'attribute') {
      const column = sql.ref(RUN_COLUMNS[key.key]);
      q = q.orderBy(sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`).orderBy(column, direction);
      return;
    }
    const alias = `order_${i}`;
    const ref = (column: string) => sql.ref(`${alias}.${column}`);
    const joined = q.leftJoin(sql.table(ORDER_TABLES[key.type]).as(alias), (join) =>
      join.on(sql<SqlBool>`${ref('run_uuid')} = runs.run_uuid AND ${keyEquals(dialect, ref('key'), key.key)}`),
    );
    // The join adds an alias to the builder's type; only raw references use it.
    q = joined as unknown as RunsQuery<O>;
    const rank =
      key.type === 'metric'
        ? sql`CASE WHEN ${ref('is_nan')} = ${sql.lit(true)} THEN 1 WHEN ${ref('value')} IS NULL THEN 2 ELSE 0 END`
        : sql`CASE WHEN ${ref('value')} IS NULL THEN 1 ELSE 0 END`;
    q = q.orderBy(rank).orderBy(ref('value'), direction);
  });
  if (!orderBy.some((k) => k.type === 'attribute' && k.key === 'start_time')) q = q.orderBy('runs.start_time', 'desc');
  return q.orderBy('runs.run_uuid', 'asc');
}

/** Ids given as numbers or decimal strings; anything else names no experiment. */
export function integerIds(ids: readonly (string | number)[]): number[] {
  return ids
    .map((id) => (typeof id === 'number' ? id : /^\s*-?\d+\s*$/.test(id) ? Number(id) : NaN))
    .filter((id) => Number.isSafeInteger(id));
}

export interface RunSearchQuery {
  /** Experiment ids as on the wire; ids that are not integers cannot match any run. */
  readonly experimentIds: readonly (string | number)[];
  readonly viewType: ViewType;
  readonly clauses: readonly RunClause[];
  readonly orderBy: readonly RunOrderKey[];
  readonly offset: number;
  readonly limit: number;
}

/** The page of runs for a parsed search, filtered, ordered and paged; the caller selects columns. */
export function runSearchQuery(db: Kysely<Tables>, dialect: DialectName, query: RunSearchQuery): RunsQuery<object> {
  const ids = integerIds(query.experimentIds);
  const base = db
    .selectFrom('runs')
    .where(inOrNothing(sql.ref('runs.experiment_id'), ids))
    .where(inOrNothing(sql.ref('runs.lifecycle_stage'), lifecycleStages(query.viewType)));
  return applyRunOrder(applyRunFilter(base, dialect, query.clauses), dialect, query.orderBy)
    .offset(query.offset)
    .limit(query.limit);
}

/** The page of `runs` rows (every column) for a parsed search. */
export function compileRunSearch(db: Kysely<Tables>, dialect: DialectName, query: RunSearchQuery) {
  return runSearchQuery(db, dialect, query).selectAll('runs');
}
