/**
 * Registered-model and model-version search as SQL (MLflow's registry SqlAlchemyStore).
 * Tag clauses are EXISTS on the tag table's primary key, so all of them must hold and clauses
 * on the same key test that one tag row (MLflow's grouped `HAVING count(*) = <keys>` subquery
 * means the same). Soft-deleted versions (current_stage 'Deleted_Internal') never match.
 */
import { visibleNames } from './visibility.js';
import type { Visibility } from './visibility.js';
import { sql } from 'kysely';
import type { Kysely, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { DialectName } from '../db/backendUri.js';
import type { Tables } from '../db/tables.js';
import type {
  ColumnOrder,
  ModelVersionClause,
  ModelVersionOrderColumn,
  RegisteredModelClause,
  RegisteredModelOrderColumn,
  StringTest,
} from './ast.js';
import { INT_LIMIT, integerPredicate, keyEquals, listPredicate, stringPredicate } from './sqlPredicates.js';

export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

type ModelsQuery<O> = SelectQueryBuilder<Tables, 'registered_models', O>;
type VersionsQuery<O> = SelectQueryBuilder<Tables, 'model_versions', O>;

function tagTest(dialect: DialectName, key: string, test: StringTest): RawBuilder<SqlBool> {
  return sql<SqlBool>`${keyEquals(dialect, sql.ref('t.key'), key)} AND ${stringPredicate(dialect, sql.ref('t.value'), test)}`;
}

export function registeredModelClauseSql(dialect: DialectName, clause: RegisteredModelClause): RawBuilder<SqlBool> {
  if (clause.type === 'attribute') return stringPredicate(dialect, sql.ref('registered_models.name'), clause.test);
  const match = tagTest(dialect, clause.key, clause.test);
  return sql<SqlBool>`EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = registered_models.name AND ${match})`;
}

const VERSION_COLUMNS = { name: 'name', run_id: 'run_id', source_path: 'source' } as const;

export function modelVersionClauseSql(dialect: DialectName, clause: ModelVersionClause): RawBuilder<SqlBool> {
  if (clause.type === 'tag') {
    const match = tagTest(dialect, clause.key, clause.test);
    const version = sql`t.name = model_versions.name AND t.version = model_versions.version`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM model_version_tags t WHERE ${version} AND ${match})`;
  }
  if (clause.key === 'version_number') return integerPredicate(sql.ref('model_versions.version'), clause.test, INT_LIMIT);
  const column = sql.ref(`model_versions.${VERSION_COLUMNS[clause.key]}`);
  return clause.test.kind === 'list'
    ? listPredicate(dialect, column, clause.test)
    : stringPredicate(dialect, column, clause.test);
}

export function applyRegisteredModelFilter<O>(
  qb: ModelsQuery<O>,
  dialect: DialectName,
  clauses: readonly RegisteredModelClause[],
): ModelsQuery<O> {
  return clauses.reduce((q, clause) => q.where(registeredModelClauseSql(dialect, clause)), qb);
}

export function applyRegisteredModelOrder<O>(
  qb: ModelsQuery<O>,
  orderBy: readonly ColumnOrder<RegisteredModelOrderColumn>[],
): ModelsQuery<O> {
  return orderBy.reduce((q, o) => q.orderBy(`registered_models.${o.column}`, o.ascending ? 'asc' : 'desc'), qb);
}

/** Drops soft-deleted versions (NULL stages too, as MLflow's `!=` does), then applies the filter. */
export function applyModelVersionFilter<O>(
  qb: VersionsQuery<O>,
  dialect: DialectName,
  clauses: readonly ModelVersionClause[],
): VersionsQuery<O> {
  const live = qb.where('model_versions.current_stage', '<>', STAGE_DELETED_INTERNAL);
  return clauses.reduce((q, clause) => q.where(modelVersionClauseSql(dialect, clause)), live);
}

export function applyModelVersionOrder<O>(
  qb: VersionsQuery<O>,
  orderBy: readonly ColumnOrder<ModelVersionOrderColumn>[],
): VersionsQuery<O> {
  return orderBy.reduce((q, o) => q.orderBy(`model_versions.${o.column}`, o.ascending ? 'asc' : 'desc'), qb);
}

export interface RegistrySearchQuery<C, K extends string> {
  readonly clauses: readonly C[];
  readonly orderBy: readonly ColumnOrder<K>[];
  readonly offset: number;
  /** MLflow asks for max_results + 1 rows to know whether to emit a next-page token. */
  readonly limit: number;
  /** Only models (by name) the caller may read. */
  readonly visible?: Visibility | undefined;
}

export function compileRegisteredModelSearch(
  db: Kysely<Tables>,
  dialect: DialectName,
  query: RegistrySearchQuery<RegisteredModelClause, RegisteredModelOrderColumn>,
) {
  const base = db
    .selectFrom('registered_models')
    .selectAll('registered_models')
    .$if(query.visible !== undefined, (qb) => qb.where(visibleNames('registered_models.name', query.visible!)));
  return applyRegisteredModelOrder(applyRegisteredModelFilter(base, dialect, query.clauses), query.orderBy)
    .offset(query.offset)
    .limit(query.limit);
}

export function compileModelVersionSearch(
  db: Kysely<Tables>,
  dialect: DialectName,
  query: RegistrySearchQuery<ModelVersionClause, ModelVersionOrderColumn>,
) {
  const base = db
    .selectFrom('model_versions')
    .selectAll('model_versions')
    .$if(query.visible !== undefined, (qb) => qb.where(visibleNames('model_versions.name', query.visible!)));
  return applyModelVersionOrder(applyModelVersionFilter(base, dialect, query.clauses), query.orderBy)
    .offset(query.offset)
    .limit(query.limit);
}
