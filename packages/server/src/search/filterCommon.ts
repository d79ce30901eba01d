/**
 * What the four filter parsers share: the statement-level rules (one statement, only
 * comparisons and AND), the shape of a comparison, and MLflow's value helpers (quote
 * stripping, IN lists). Messages are MLflow 2.12.2's, word for word.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { isWhitespace } from './lexer.js';
import { TooDeeplyNested, isGroup, isKeyword, parseStatements, significant } from './grouping.js';
import type { Group, Node } from './grouping.js';
import { PythonSyntaxError, evalPythonStrings } from './python.js';

export function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

/** One `<identifier> <comparator> <value>` as written, before any entity-specific rule. */
export interface RawComparison {
  readonly identifier: string;
  /** As written (`like`, `NOT  IN`); each search decides whether case matters. */
  readonly comparator: string;
  readonly value: Node;
}

/**
 * Splits a filter into its comparisons and hands each to `read` in order (MLflow validates a
 * comparison's identifier and value before looking at the next one). Run search quotes each
 * invalid clause in its message (`'OR'`); the other three searches print them bare (`OR`).
 */
export function parseComparisons<T>(
  filter: string,
  options: { quoteInvalidClauses: boolean },
  read: (raw: RawComparison) => T,
): T[] {
  const couldNotParse = () => invalid(`Invalid filter '${filter}'. Could not be parsed.`);
  let statements: Node[][];
  try {
    statements = parseStatements(filter);
  } catch (err) {
    if (err instanceof TooDeeplyNested) throw couldNotParse();
    throw err;
  }
  if (statements.length === 0) throw couldNotParse();
  if (statements.length > 1) {
    throw invalid(`Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`);
  }
  const nodes = statements[0] as Node[];
  const invalids = nodes.filter((n) => !isWhitespace(n) && n.kind !== 'comparison' && !isKeyword(n, 'AND'));
  if (invalids.length > 0) {
    const shown = invalids.map((n) => (options.quoteInvalidClauses ? `'${n.text}'` : n.text));
    throw invalid(`Invalid clause(s) in filter string: ${shown.join(', ')}`);
  }
  return nodes.filter((n): n is Group => n.kind === 'comparison').map((c) => read(toRawComparison(c)));
}

function toRawComparison(comparison: Group): RawComparison {
  const parts = significant(comparison.children);
  // Always three by construction; MLflow checks it too.
  if (parts.length !== 3) throw invalid(`Invalid comparison clause. Expected 3 tokens found ${parts.length}`);
  const [left, op, value] = parts as [Node, Node, Node];
  if (left.kind !== 'identifier') throw invalid(`Invalid comparison clause. Expected 'Identifier' found '${left.text}'`);
  return { identifier: left.text, comparator: op.text, value };
}

/** How MLflow's `_get_value` sees a value token. */
export type ValueShape = 'string' | 'identifier' | 'number' | 'list' | 'other';

export function valueShape(node: Node): ValueShape {
  switch (node.kind) {
    case 'string':
      return 'string';
    case 'identifier':
      return 'identifier';
    case 'integer':
    case 'float':
      return 'number';
    case 'parenthesis':
      return 'list';
    default:
      return 'other';
  }
}

function isQuoted(text: string, quote: string): boolean {
  return text.length >= 2 && text.startsWith(quote) && text.endsWith(quote);
}

/** Removes one pair of surrounding `'` or `"`; nothing inside is unescaped (`'it''s'` stays `it''s`). */
export function stripQuotes(text: string, expectQuoted = false): string {
  if (isQuoted(text, "'") || isQuoted(text, '"')) return text.slice(1, -1);
  if (expectQuoted) {
    throw invalid(
      `Parameter value is either not quoted or unidentified quote types used for string value ${text}. Use either single or double quotes.`,
    );
  }
  return text;
}

export function trimBackticks(text: string): string {
  return isQuoted(text, '`') ? text.slice(1, -1) : text;
}

/** A quoted string value (single quotes, or double quotes which sqlparse reads as a name). */
export function quotedValue(node: Node): string {
  return stripQuotes(node.text, true);
}

export function isStringValue(node: Node): boolean {
  const shape = valueShape(node);
  return shape === 'string' || shape === 'identifier';
}

/** Python's float() of a number token's text (`1.`, `.5`, `-1.5e3`). */
export function parseNumber(text: string): number {
  return Number(text);
}

const LIST_EMPTY = 'While parsing a list in the query, expected a non-empty list of string values, but got empty list';
const LIST_ILL_FORMED =
  'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.';

/**
 * A parenthesised list of single-quoted strings, as MLflow checks and then evaluates it with
 * `ast.literal_eval` (so Python escapes and adjacent-literal concatenation apply inside lists).
 * Unlike MLflow, items are not dropped when they contain upper-case letters or digits only
 * (see differences.ts).
 */
export function stringList(node: Node): string[] {
  const inner = isGroup(node) ? node.children.slice(1, -1) : [];
  if (inner.length === 0) throw invalid(LIST_EMPTY);
  const first = inner[0] as Node;
  if (inner.length === 1 && first.kind === 'string') return [evalItem(first.text)];
  if (!isGroup(first) || first.kind !== 'identifierList') throw invalid(LIST_ILL_FORMED);
  const allowed = first.children.every((c) => c.kind === 'string' || c.kind === 'punctuation' || c.kind === 'whitespace');
  if (!allowed) {
    throw invalid(
      `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${node.text}`,
    );
  }
  return evalTuple(inner);
}

function evalItem(text: string): string {
  try {
    return evalPythonStrings(text);
  } catch (err) {
    if (err instanceof PythonSyntaxError) throw invalid(LIST_ILL_FORMED);
    throw err;
  }
}

/** `literal_eval` of the list's inside: strings, commas, a trailing comma, whitespace. */
function evalTuple(nodes: readonly Node[]): string[] {
  const items: string[] = [];
  let current: string | null = null;
  const visit = (node: Node): void => {
    if (isGroup(node) && node.kind === 'identifierList') {
      node.children.forEach(visit);
    } else if (isWhitespace(node)) {
      // Python ignores line breaks inside brackets
    } else if (node.kind === 'string') {
      current = (current ?? '') + evalItem(node.text);
    } else if (node.kind === 'punctuation' && node.text === ',' && current !== null) {
      items.push(current);
      current = null;
    } else {
      throw invalid(LIST_ILL_FORMED);
    }
  };
  nodes.forEach(visit);
  if (current !== null) items.push(current);
  return items;
}
