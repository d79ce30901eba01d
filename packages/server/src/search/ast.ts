/**
 * Typed results of parsing the four searches' filter and order_by strings. Names follow MLflow
 * (`metric`, `parameter`, `tag`, `attribute`, `dataset`; attribute keys as users write them).
 */

export type NumericComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type ListComparator = 'IN' | 'NOT IN';

export interface NumberTest {
  readonly kind: 'number';
  readonly comparator: NumericComparator;
  readonly value: number;
}

export interface StringTest {
  readonly kind: 'string';
  readonly comparator: StringComparator;
  readonly value: string;
}

/** `IN` / `NOT IN` with a non-empty list of strings. */
export interface ListTest {
  readonly kind: 'list';
  readonly comparator: ListComparator;
  readonly values: readonly string[];
}

export type StringOrListTest = StringTest | ListTest;

/** `RLIKE` (MLflow 3.x trace search): the value is a regular expression searched in the text. */
export interface RegexTest {
  readonly kind: 'regex';
  readonly value: string;
}

// ---- runs -------------------------------------------------------------------------------

export type RunStringAttribute = 'run_id' | 'run_name' | 'user_id' | 'status' | 'artifact_uri';
export type RunNumericAttribute = 'start_time' | 'end_time';
export type DatasetKey = 'name' | 'digest' | 'context';

/** One AND-ed clause of a run filter; keys already translated (`created` -> `start_time`). */
export type RunClause =
  | { readonly type: 'metric'; readonly key: string; readonly test: NumberTest }
  | { readonly type: 'parameter'; readonly key: string; readonly test: StringTest }
  | { readonly type: 'tag'; readonly key: string; readonly test: StringTest }
  /** A list test only for `run_id`; `run_name` compares with the `mlflow.runName` tag. */
  | { readonly type: 'attribute'; readonly key: RunStringAttribute; readonly test: StringOrListTest }
  | { readonly type: 'attribute'; readonly key: RunNumericAttribute; readonly test: NumberTest }
  | { readonly type: 'dataset'; readonly key: DatasetKey; readonly test: StringOrListTest };

export type RunOrderAttribute = RunStringAttribute | RunNumericAttribute;

/** One user-given order_by element (tiebreaks are added when compiling). */
export type RunOrderKey =
  | { readonly type: 'metric' | 'parameter' | 'tag'; readonly key: string; readonly ascending: boolean }
  /** `run_name` orders by the runs.name column, as MLflow does. */
  | { readonly type: 'attribute'; readonly key: RunOrderAttribute; readonly ascending: boolean };

// ---- experiments ------------------------------------------------------------------------

export type ExperimentClause =
  | { readonly type: 'attribute'; readonly key: 'name'; readonly test: StringTest }
  | { readonly type: 'attribute'; readonly key: 'creation_time' | 'last_update_time'; readonly test: NumberTest }
  | { readonly type: 'tag'; readonly key: string; readonly test: StringTest };

export type ExperimentOrderColumn = 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';

// ---- registered models ------------------------------------------------------------------

export type RegisteredModelClause =
  | { readonly type: 'attribute'; readonly key: 'name'; readonly test: StringTest }
  | { readonly type: 'tag'; readonly key: string; readonly test: StringTest };

export type RegisteredModelOrderColumn = 'name' | 'last_updated_time';

// ---- model versions ---------------------------------------------------------------------

export type ModelVersionClause =
  | { readonly type: 'attribute'; readonly key: 'name' | 'source_path'; readonly test: StringTest }
  | { readonly type: 'attribute'; readonly key: 'run_id'; readonly test: StringOrListTest }
  | { readonly type: 'attribute'; readonly key: 'version_number'; readonly test: NumberTest }
  | { readonly type: 'tag'; readonly key: string; readonly test: StringTest };

export type ModelVersionOrderColumn = 'name' | 'version' | 'creation_time' | 'last_updated_time';

/** A resolved sort column with its direction, tiebreaks included. */
export interface ColumnOrder<C extends string> {
  readonly column: C;
  readonly ascending: boolean;
}
