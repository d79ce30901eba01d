/**
 * The filter and order_by of MLflow 3.x's logged-model search
 * (mlflow/utils/search_logged_model_utils.py and SearchLoggedModelsUtils): AND-ed comparisons
 * on `attributes` (any column of logged_models, with the `creation_time` aliases),
 * `metrics.<name>`, `params.<key>` and `tags.<key>`; operators are case-sensitive as written.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { isWhitespace } from './lexer.js';
import { TooDeeplyNested, isGroup, isKeyword, parseStatements, significant } from './grouping.js';
import type { Node } from './grouping.js';
import { evalPythonStrings } from './python.js';
import type { NumberTest, StringOrListTest } from './ast.js';
import { pyRepr } from '../http/pyrepr.js';

export type LoggedModelEntity = 'attributes' | 'metrics' | 'params' | 'tags';

/** logged_models columns a filter or order_by may name. */
export const LOGGED_MODEL_COLUMNS = [
  'model_id',
  'experiment_id',
  'name',
  'artifact_location',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
  'status',
  'lifecycle_stage',
  'model_type',
  'source_run_id',
  'status_message',
] as const;
export type LoggedModelColumn = (typeof LOGGED_MODEL_COLUMNS)[number];

const ALIASES: Record<string, LoggedModelColumn> = {
  creation_time: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};
const NUMERIC_COLUMNS: ReadonlySet<string> = new Set(['creation_timestamp_ms', 'last_updated_timestamp_ms']);
const ENTITIES: readonly LoggedModelEntity[] = ['attributes', 'metrics', 'params', 'tags'];
const NUMERIC_OPS = ['<', '<=', '>', '>=', '=', '!='] as const;
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'] as const;

export type LoggedModelComparison =
  | { readonly entity: 'attributes'; readonly key: LoggedModelColumn; readonly test: NumberTest | StringOrListTest }
  | { readonly entity: 'metrics'; readonly key: string; readonly test: NumberTest }
  | { readonly entity: 'params' | 'tags'; readonly key: string; readonly test: StringOrListTest };

const invalid = (message: string) => MlflowError.invalidParameter(message);

export function resolveLoggedModelColumn(name: string): LoggedModelColumn | undefined {
  const key = ALIASES[name] ?? name;
  return (LOGGED_MODEL_COLUMNS as readonly string[]).includes(key) ? (key as LoggedModelColumn) : undefined;
}

export function parseLoggedModelFilter(filter: string | undefined): LoggedModelComparison[] {
  if (!filter) return [];
  let statements: Node[][];
  try {
    statements = parseStatements(filter);
  } catch (err) {
    if (err instanceof TooDeeplyNested) throw invalid(`Invalid filter string: ${pyRepr(filter)}.`);
    throw err;
  }
  if (statements.length !== 1) {
    throw invalid(`Invalid filter string: ${pyRepr(filter)}. Expected a single SQL expression.`);
  }
  const out: LoggedModelComparison[] = [];
  for (const node of statements[0] as Node[]) {
    if (isWhitespace(node) || isKeyword(node, 'AND')) continue;
    if (node.kind !== 'comparison' || !isGroup(node)) {
      throw invalid(
        `Invalid filter string: ${pyRepr(filter)}. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').`,
      );
    }
    const parts = significant(node.children);
    if (parts.length !== 3) throw invalid(`Invalid comparison: ${node.text}. Expected a comparison with 3 tokens.`);
    const [identifier, op, value] = parts.map((p) => p.text) as [string, string, string];
    out.push(comparison(identifier, op, value));
  }
  return out;
}

function comparison(identifier: string, op: string, valueText: string): LoggedModelComparison {
  const m = /^([a-z]+)\.(.+)$/s.exec(identifier);
  let entity: LoggedModelEntity = 'attributes';
  let key = (ALIASES[identifier] ?? identifier).replace(/^`+|`+$/g, '');
  if (m) {
    const type = m[1] as string;
    if (!(ENTITIES as readonly string[]).includes(type)) {
      throw invalid(`Invalid entity type: ${pyRepr(type)}. Expected one of ${pyRepr([...ENTITIES])}.`);
    }
    entity = type as LoggedModelEntity;
    key = (m[2] as string).replace(/^`+|`+$/g, '');
  }
  const numeric = entity === 'metrics' || (entity === 'attributes' && NUMERIC_COLUMNS.has(ALIASES[key] ?? key));
  const ops: readonly string[] = numeric ? NUMERIC_OPS : STRING_OPS;
  if (!ops.includes(op)) {
    throw invalid(`Invalid comparison operator for ${entity}.${key}: ${pyRepr(op)}. Expected one of ${pyRepr([...STRING_OPS])}.`);
  }
  if (numeric) {
    const n = Number(valueText);
    if (valueText.trim() === '' || Number.isNaN(n)) throw invalid(`could not convert string to float: ${pyRepr(valueText)}`);
    return withKey(entity, key, { kind: 'number', comparator: op as NumberTest['comparator'], value: n });
  }
  if (op === 'IN' || op === 'NOT IN') {
    return withKey(entity, key, { kind: 'list', comparator: op, values: listValues(valueText) });
  }
  const value = valueText.replace(/^'+|'+$/g, '');
  return withKey(entity, key, { kind: 'string', comparator: op as 'LIKE', value });
}

function withKey(entity: LoggedModelEntity, key: string, test: NumberTest | StringOrListTest): LoggedModelComparison {
  if (entity === 'attributes') {
    const column = resolveLoggedModelColumn(key);
    if (!column) throw invalid(`Invalid logged model search key '${key}'`);
    return { entity, key: column, test };
  }
  if (entity === 'metrics') return { entity, key, test: test as NumberTest };
  if (test.kind === 'number') throw invalid(`Invalid logged model search key '${key}'`);
  return { entity, key, test };
}

/** `('a', 'b')` evaluated as Python's ast.literal_eval would (a single string is a 1-tuple). */
function listValues(text: string): string[] {
  const inner = text.trim().replace(/^\(/, '').replace(/\)$/, '');
  const items = inner.split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    return items.map((item) => evalPythonStrings(item));
  } catch {
    throw invalid(`Invalid filter value: ${text}`);
  }
}
