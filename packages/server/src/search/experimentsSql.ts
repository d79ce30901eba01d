/**
 * Experiment search as SQL (MLflow `SqlAlchemyStore._search_experiments`): attribute tests on
 * the experiments row, one EXISTS per tag clause (an experiment without the tag never
 * matches), the lifecycle stages of the view type, and the parsed order (which already holds
 * MLflow's default and its experiment_id tiebreak). NULL timestamps sort as each database
 * sorts NULLs, as in MLflow.
 */
import { visibleIds } from './visibility.js';
import type { Visibility } from './visibility.js';
import { sql } from 'kysely';
import type { Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { ViewType } from '@darwin-mlflow/contract';
import type { DialectName } from '../db/backendUri.js';
import type { Tables } from '../db/tables.js';
import type { ColumnOrder, ExperimentClause, ExperimentOrderColumn } from './ast.js';
import { BIGINT_LIMIT, inOrNothing, integerPredicate, keyEquals, stringPredicate } from './sqlPredicates.js';
import { lifecycleStages } from './runsSql.js';

type ExperimentsQuery<O> = SelectQueryBuilder<Tables, 'experiments', O>;

export function experimentClauseSql(dialect: DialectName, clause: ExperimentClause): RawBuilder<SqlBool> {
  if (clause.type === 'tag') {
    const key = keyEquals(dialect, sql.ref('t.key'), clause.key);
    const value = stringPredicate(dialect, sql.ref('t.value'), clause.test);
    const experiment = sql`t.experiment_id = experiments.experiment_id`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM experiment_tags t WHERE ${experiment} AND ${key} AND ${value})`;
  }
  const column = sql.ref(`experiments.${clause.key}`);
  return clause.test.kind === 'number'
    ? integerPredicate(column, clause.test, BIGINT_LIMIT)
    : stringPredicate(dialect, column, clause.test);
}

export function applyExperimentFilter<O>(
  qb: ExperimentsQuery<O>,
  dialect: DialectName,
  clauses: readonly ExperimentClause[],
): ExperimentsQuery<O> {
  return clauses.reduce((q, clause) => q.where(experimentClauseSql(dialect, clause)), qb);
}

export function applyExperimentOrder<O>(
  qb: ExperimentsQuery<O>,
  orderBy: readonly ColumnOrder<ExperimentOrderColumn>[],
): ExperimentsQuery<O> {
  return orderBy.reduce((q, o) => q.orderBy(`experiments.${o.column}`, o.ascending ? 'asc' : 'desc'), qb);
}

export interface ExperimentSearchQuery {
  readonly viewType: ViewType;
  readonly clauses: readonly ExperimentClause[];
  readonly orderBy: readonly ColumnOrder<ExperimentOrderColumn>[];
  readonly offset: number;
  /** MLflow asks for max_results + 1 rows to know whether to emit a next-page token. */
  readonly limit: number;
  /** Only experiments the caller may read. */
  readonly visible?: Visibility | undefined;
}

export function compileExperimentSearch(db: Kysely<Tables>, dialect: DialectName, query: ExperimentSearchQuery) {
  const base = db
    .selectFrom('experiments')
    .selectAll('experiments')
    .where(inOrNothing(sql.ref('experiments.lifecycle_stage'), lifecycleStages(query.viewType)))
    .$if(query.visible !== undefined, (qb) => qb.where(visibleIds('experiments.experiment_id', query.visible!)));
  return applyExperimentOrder(applyExperimentFilter(base, dialect, query.clauses), query.orderBy)
    .offset(query.offset)
    .limit(query.limit);
}
