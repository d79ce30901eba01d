/**
 * Where our searches deliberately answer differently from MLflow 2.12.2, as data for the
 * conformance suite and the docs. Everything not listed here is meant to match MLflow,
 * messages included.
 */

export interface DeliberateDifference {
  /** Endpoint path(s) below /api/2.0 (and /ajax-api/2.0). */
  readonly endpoint: string;
  /** An example request input (filter, order_by element or page token). */
  readonly input: string;
  readonly mlflow: string;
  readonly ours: string;
  readonly why: string;
}

const RUNS = '/mlflow/runs/search';
const EXPERIMENTS = '/mlflow/experiments/search';
const MODELS = '/mlflow/registered-models/search';
const VERSIONS = '/mlflow/model-versions/search';

export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    endpoint: RUNS,
    input: "run_id IN ('0A1B', '1234') / datasets.name IN ('Train', 'test')",
    mlflow: "IN-list items for which Python's str.islower() is false (an upper-case letter, or no letter at all such as '1234') are silently dropped; an emptied IN list matches nothing and an emptied NOT IN list matches every run.",
    ours: 'Every item is kept; IN and NOT IN compare case-sensitively on every backend (binary collation on MySQL).',
    why: "MLflow drops the items to dodge MySQL's case-insensitive IN; that also loses all-digit ids and any dataset name, digest or context with a capital letter, which is plainly a bug.",
  },
  {
    endpoint: VERSIONS,
    input: "run_id IN ('ABC123', '456')",
    mlflow: 'Items with an upper-case letter or without any letter are dropped from the list (see runs/search).',
    ours: 'Every item is kept and compared case-sensitively.',
    why: 'Same bug as in runs/search.',
  },
  {
    endpoint: RUNS,
    input: "tags.x > 'a' / status > 'a' / start_time LIKE 5 / datasets.name > 'a' / run_id NOT  IN ('a')",
    mlflow: "HTTP 500 INTERNAL_ERROR \"Invalid comparator '>' not one of '{...}\" (no error code attached).",
    ours: 'HTTP 400 INVALID_PARAMETER_VALUE with the same message.',
    why: 'It is a user error, and the Python client retries every 500 five times before giving up.',
  },
  {
    endpoint: EXPERIMENTS,
    input: "name like 'a%' / creation_time LIKE 5",
    mlflow: "HTTP 500 \"Invalid comparator 'like' not one of '{...}'\".",
    ours: 'HTTP 400 INVALID_PARAMETER_VALUE with the same message (comparators stay case-sensitive here: `LIKE` works, `like` does not).',
    why: 'User error reported as a server error; see above.',
  },
  {
    endpoint: `${RUNS}, ${MODELS}, ${VERSIONS}`,
    input: "order_by: ['metrics.a', 'metrics.a DESC'] / ['created', 'start_time'] / ['timestamp', 'last_updated_timestamp']",
    mlflow: 'HTTP 500 "`order_by` contains duplicate fields: [...]".',
    ours: 'HTTP 400 INVALID_PARAMETER_VALUE with the same message.',
    why: 'User error reported as a server error.',
  },
  {
    endpoint: `${RUNS}, ${VERSIONS}`,
    input: "run_id IN 'abc' / run_id = ('abc') / datasets.name LIKE ('a', 'b')",
    mlflow: 'Parsed, then fails inside SQLAlchemy: HTTP 400 BAD_REQUEST or 500 with driver text.',
    ours: "HTTP 400 INVALID_PARAMETER_VALUE \"Comparator 'IN' expects a list of quoted string values, ...\" / \"Comparator '=' cannot compare with a list of values. ...\".",
    why: 'A clear parameter error instead of a database error.',
  },
  {
    endpoint: `${RUNS}, ${VERSIONS}`,
    input: "run_id IN ('a', 'b' or 'c')",
    mlflow: 'HTTP 500 from ast.literal_eval (ValueError: malformed node).',
    ours: 'HTTP 400 "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list."',
    why: 'User error reported as a server error.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: 'order_by: [\'metrics.`a"b` DESC\']',
    mlflow: 'HTTP 500 from shlex ("No closing quotation") after backticks become double quotes.',
    ours: "HTTP 400 \"Invalid order_by clause '<clause>'. Could not be parsed.\"",
    why: 'User error reported as a server error.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: 'page_token: a non-ASCII string, base64 of [1], of {"offset": [1]} or of {"offset": Infinity}',
    mlflow: 'HTTP 500 (uncaught ValueError / AttributeError / TypeError / OverflowError).',
    ours: 'HTTP 400 with the matching MLflow message ("could not base64-decode", "parsed value=...", "not stringable ...").',
    why: 'A malformed token is a parameter error.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: 'page_token: base64 of {"offset": -5} or {"offset": 100000000000000000000}',
    mlflow: 'The offset goes to the database: SQLite treats a negative OFFSET as 0, PostgreSQL and MySQL fail.',
    ours: 'HTTP 400 "Invalid page token, parsed value={\'offset\': -5}".',
    why: 'Our own tokens never hold such offsets; the same answer on every backend.',
  },
  {
    endpoint: VERSIONS,
    input: "version_number = 'abc'",
    mlflow: 'The text is compared with the INTEGER column: no match on SQLite, 0 on MySQL, an error on PostgreSQL.',
    ours: "HTTP 400 \"Invalid value 'abc' for attribute version_number: expected a number.\" A quoted number ('3') still works.",
    why: 'One answer on every backend.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${VERSIONS}`,
    input: 'start_time > 5.5 / creation_time <= 1e20 / version_number > 1.5 / metrics.m < 1e999',
    mlflow: 'The literal is handed to the database as written: PostgreSQL rejects a fraction against a BIGINT column, MySQL rejects infinity.',
    ours: 'Compared as numbers on every backend (start_time > 5.5 is start_time >= 6; values beyond the column range or infinite are always or never true).',
    why: 'One answer on every backend.',
  },
  {
    endpoint: RUNS,
    input: "order_by: ['metrics.m DESC'] on MySQL when runs also have a metric named 'M'",
    mlflow: 'The order-by join matches metric/param/tag keys case-insensitively on MySQL, so a run can be sorted by (or listed twice for) the other key.',
    ours: 'Keys are matched exactly, as on SQLite and PostgreSQL.',
    why: 'Keys are case-sensitive everywhere else in MLflow.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: "name LIKE 'caf_' on MySQL against 'café'",
    mlflow: "MySQL comparisons use `BINARY col`, so LIKE's `_` matches one byte of a multi-byte character.",
    ours: 'The value is compared under utf8mb4_bin: case-sensitive, and `_` matches one character.',
    why: 'Character semantics as on SQLite and PostgreSQL; also works on utf8mb3 columns.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: "create >= 1 / time > 5 / tags. data = 'x'",
    mlflow: "sqlparse's list of several hundred SQL keywords decides how garbage is split, e.g. \"Invalid clause(s) in filter string: 'create', '>=', '1'\"; a keyword after a dot followed by a space is not a key.",
    ours: "Only a few keywords are known, so such input can get another 400 message (\"Invalid attribute key 'create' specified. ...\"), and `tags. data` is the key ' data'.",
    why: 'What is accepted and the messages for realistic mistakes match MLflow (checked against MLflow itself on thousands of strings); copying the keyword list would only reword errors for input no client sends.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: 'lifecycle_stage = \'active\' (any message that lists valid keys or comparators)',
    mlflow: "Python prints the set in hash order, which changes from process to process: '{'status', 'run_id', ...}'.",
    ours: 'The same set in a fixed order.',
    why: 'Deterministic messages.',
  },
  {
    endpoint: `${RUNS}, ${EXPERIMENTS}, ${MODELS}, ${VERSIONS}`,
    input: "more than 100 nested parentheses, or 400 chained comparisons like a = b = c = ... (filter or order_by)",
    mlflow: 'Parsed recursively: the usual 400 message, or a 500 RecursionError once Python runs out of stack.',
    ours: "HTTP 400 \"Invalid filter '<filter>'. Could not be parsed.\" (order_by: \"Invalid order_by clause '<clause>'. Could not be parsed.\").",
    why: 'Bounded work per request; no valid filter nests like that.',
  },
  {
    endpoint: RUNS,
    input: "experiment_ids: ['abc']",
    mlflow: 'Non-numeric ids: no match on SQLite, a database error on PostgreSQL.',
    ours: 'An id that is not an integer names no experiment (no match) on every backend.',
    why: 'One answer on every backend.',
  },
];
