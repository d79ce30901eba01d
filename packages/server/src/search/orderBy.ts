/**
 * order_by parsing for the four searches (MLflow `_parse_order_by_string` and the stores'
 * order-by builders). Each element is `<identifier> [ASC|DESC]`; the identifier grammar is the
 * filter's. A field given twice is a 500 in MLflow ("`order_by` contains duplicate fields");
 * here it is a 400 with the same text.
 */
import { isWhitespace } from './lexer.js';
import { TooDeeplyNested, isKeyword, parseStatements } from './grouping.js';
import { invalid } from './filterCommon.js';
import { ShlexError, pyListRepr, pySetRepr, shlexSplit } from './python.js';
import { RUN_ORDER_ATTRIBUTES, runIdentifier, translateKeyAlias } from './runsFilter.js';
import { experimentIdentifier } from './experimentsFilter.js';
import type {
  ColumnOrder,
  ExperimentOrderColumn,
  ModelVersionOrderColumn,
  RegisteredModelOrderColumn,
  RunOrderAttribute,
  RunOrderKey,
} from './ast.js';

/** One order_by element: the identifier as MLflow passes it on, and the direction. */
export function parseOrderByString(orderBy: string): { identifier: string; ascending: boolean } {
  const couldNotParse = () => invalid(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  const token = orderByToken(orderBy);
  if (token === undefined) throw couldNotParse();
  let words: string[];
  try {
    // MLflow turns backticks into double quotes and lets shlex remove them.
    words = shlexSplit(token.replaceAll('`', '"'));
  } catch (err) {
    if (err instanceof ShlexError) throw couldNotParse();
    throw err;
  }
  if (words.length > 2) throw couldNotParse();
  if (words.length < 2) return { identifier: token, ascending: true };
  const direction = (words[1] as string).toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw invalid(`Invalid ordering key in order_by clause '${orderBy}'.`);
  return { identifier: words[0] as string, ascending: direction === 'asc' };
}

/**
 * The element must be one identifier (with its direction), or the keyword `timestamp`, which
 * sqlparse does not read as an identifier and MLflow special-cases (lower-casing it).
 */
function orderByToken(orderBy: string): string | undefined {
  let statements: ReturnType<typeof parseStatements>;
  try {
    statements = parseStatements(orderBy, { orderBy: true });
  } catch (err) {
    if (err instanceof TooDeeplyNested) return undefined;
    throw err;
  }
  if (statements.length !== 1) return undefined;
  const nodes = statements[0] as NonNullable<(typeof statements)[0]>;
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (nodes.length === 1 && first?.kind === 'identifier') return first.text;
  if (first === undefined || last === undefined || !isKeyword(first, 'TIMESTAMP')) return undefined;
  if (nodes.length === 1) return 'timestamp';
  if (last.kind === 'order' && nodes.slice(1, -1).every(isWhitespace)) return `timestamp ${last.text}`;
  return undefined;
}

function duplicateFields(orderBy: readonly string[]) {
  return invalid(`\`order_by\` contains duplicate fields: ${pyListRepr(orderBy)}`);
}

/** Run search: the user's keys in order. Tiebreaks (start_time DESC, run_id) come with the SQL. */
export function parseRunOrderBy(orderBy: readonly string[] | undefined | null): RunOrderKey[] {
  const keys: RunOrderKey[] = [];
  const seen = new Set<string>();
  for (const element of orderBy ?? []) {
    const { identifier, ascending } = parseOrderByString(element);
    const parsed = runIdentifier(identifier.trim(), RUN_ORDER_ATTRIBUTES);
    const key = translateKeyAlias(parsed.key);
    if (parsed.type === 'dataset') throw invalid(`Invalid identifier type '${parsed.type}'`);
    const id = `${parsed.type}\u0000${key}`;
    if (seen.has(id)) throw duplicateFields(orderBy ?? []);
    seen.add(id);
    keys.push(
      parsed.type === 'attribute'
        ? { type: 'attribute', key: key as RunOrderAttribute, ascending }
        : { type: parsed.type, key, ascending },
    );
  }
  return keys;
}

const EXPERIMENT_ORDER_ATTRIBUTES = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const EXPERIMENT_DEFAULT_ORDER = ['creation_time DESC', 'experiment_id ASC'];

/** Experiments: default `creation_time DESC, experiment_id ASC`; `experiment_id DESC` breaks ties. */
export function parseExperimentOrderBy(orderBy: readonly string[] | undefined | null): ColumnOrder<ExperimentOrderColumn>[] {
  const list = orderBy && orderBy.length > 0 ? orderBy : EXPERIMENT_DEFAULT_ORDER;
  const columns = list.map((element): ColumnOrder<ExperimentOrderColumn> => {
    const { identifier, ascending } = parseOrderByString(element);
    const { type, key } = experimentIdentifier(identifier.trim(), EXPERIMENT_ORDER_ATTRIBUTES);
    if (type !== 'attribute') throw invalid(`Invalid order_by entity: ${type}`);
    return { column: key as ExperimentOrderColumn, ascending };
  });
  if (!columns.some((c) => c.column === 'experiment_id')) columns.push({ column: 'experiment_id', ascending: false });
  return columns;
}

const MODEL_ORDER_KEYS: Record<string, RegisteredModelOrderColumn> = {
  name: 'name',
  timestamp: 'last_updated_time',
  last_updated_timestamp: 'last_updated_time',
};

/** Registered models: only `name`, `timestamp`, `last_updated_timestamp`; `name ASC` breaks ties. */
export function parseRegisteredModelOrderBy(
  orderBy: readonly string[] | undefined | null,
): ColumnOrder<RegisteredModelOrderColumn>[] {
  const columns: ColumnOrder<RegisteredModelOrderColumn>[] = [];
  for (const element of orderBy ?? []) {
    const { identifier, ascending } = parseOrderByString(element);
    const key = identifier.trim();
    const column = Object.hasOwn(MODEL_ORDER_KEYS, key) ? MODEL_ORDER_KEYS[key] : undefined;
    if (column === undefined) {
      throw invalid(`Invalid order by key '${key}' specified. Valid keys are '${pySetRepr(['name', 'timestamp'])}'`);
    }
    if (columns.some((c) => c.column === column)) throw duplicateFields(orderBy ?? []);
    columns.push({ column, ascending });
  }
  if (!columns.some((c) => c.column === 'name')) columns.push({ column: 'name', ascending: true });
  return columns;
}

const VERSION_ORDER_KEYS: Record<string, ModelVersionOrderColumn> = {
  name: 'name',
  version_number: 'version',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};
const VERSION_ORDER_ATTRIBUTES = Object.keys(VERSION_ORDER_KEYS);
const VERSION_DEFAULT_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];

/** Model versions: default `last_updated_timestamp DESC, name ASC, version_number DESC`. */
export function parseModelVersionOrderBy(
  orderBy: readonly string[] | undefined | null,
): ColumnOrder<ModelVersionOrderColumn>[] {
  const list = orderBy && orderBy.length > 0 ? orderBy : VERSION_DEFAULT_ORDER;
  const columns: ColumnOrder<ModelVersionOrderColumn>[] = [];
  for (const element of list) {
    const { identifier, ascending } = parseOrderByString(element);
    const { key } = experimentIdentifier(identifier.trim(), VERSION_ORDER_ATTRIBUTES);
    const column = Object.hasOwn(VERSION_ORDER_KEYS, key) ? VERSION_ORDER_KEYS[key] : undefined;
    if (column === undefined) {
      throw invalid(`Invalid order by key '${key}' specified. Valid keys are ${pySetRepr(VERSION_ORDER_ATTRIBUTES)}`);
    }
    if (columns.some((c) => c.column === column)) throw duplicateFields(list);
    columns.push({ column, ascending });
  }
  if (!columns.some((c) => c.column === 'name')) columns.push({ column: 'name', ascending: true });
  if (!columns.some((c) => c.column === 'version')) columns.push({ column: 'version', ascending: false });
  return columns;
}
