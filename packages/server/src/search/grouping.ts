/**
 * Statement splitting and grouping of tokens into the structures MLflow inspects: parentheses,
 * identifiers (`tags.mlflow.runName`, `` `a b` ``), operations (`params.my-param`), comparisons
 * (`<identifier> <op> <operand>`) and comma lists. The grouping follows sqlparse's passes in
 * sqlparse's order, because the order decides what MLflow accepts: e.g. two comparisons side by
 * side need no AND, while `params.a = 'x' z` is one unusable lump.
 */
import { isWhitespace, tokenize } from './lexer.js';
import type { Token, TokenKind } from './lexer.js';

export type GroupKind = 'parenthesis' | 'function' | 'identifier' | 'operation' | 'comparison' | 'identifierList';

export type Node = Token | Group;

export interface Group {
  readonly kind: GroupKind;
  readonly text: string;
  readonly children: readonly Node[];
}

/**
 * Groups are built bottom-up and some grow while a pass runs (`a.b.c`, `x ASC DESC`), so the
 * children are appended in place and the text is joined once, when first read.
 */
class GroupNode implements Group {
  #text: string | undefined;
  /** Levels of groups below and including this one; bounded so that walking the tree is safe. */
  depth = 1;

  constructor(
    readonly kind: GroupKind,
    readonly children: Node[],
  ) {
    this.adopt(children);
  }

  adopt(nodes: readonly Node[]): void {
    for (const n of nodes) if (n instanceof GroupNode) this.depth = Math.max(this.depth, n.depth + 1);
    if (this.depth > MAX_GROUP_DEPTH) throw new TooDeeplyNested();
  }

  get text(): string {
    this.#text ??= this.children.map((c) => c.text).join('');
    return this.#text;
  }
}

export function isGroup(node: Node): node is Group {
  return node instanceof GroupNode;
}

function group(kind: GroupKind, children: Node[]): GroupNode {
  return new GroupNode(kind, children);
}

/** `head` extended with `rest` if it already is a group of that kind, else a new group of all. */
function extendOrGroup(kind: GroupKind, head: Node, rest: readonly Node[]): GroupNode {
  if (head instanceof GroupNode && head.kind === kind) {
    for (const n of rest) head.children.push(n);
    head.adopt(rest);
    return head;
  }
  return group(kind, [head, ...rest]);
}

/** Non-whitespace children of a group. */
export function significant(nodes: readonly Node[]): Node[] {
  return nodes.filter((n) => !isWhitespace(n));
}

export function isKeyword(node: Node, word: string): boolean {
  return node.kind === 'keyword' && node.text.toUpperCase() === word;
}

/**
 * Splits like sqlparse: a `;` outside parentheses ends a statement, together with the spaces
 * and `--` comments after it; a statement of only whitespace is dropped.
 */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  let level = 0;
  let ended = false;
  for (const token of tokens) {
    const trailing = token.kind === 'whitespace' || (token.kind === 'comment' && isLineComment(token.text));
    if (ended && !trailing) {
      statements.push(current);
      current = [];
      level = 0;
      ended = false;
    }
    level += levelChange(token);
    current.push(token);
    if (level <= 0 && token.kind === 'punctuation' && token.text === ';') ended = true;
  }
  if (current.length > 0 && !current.every(isWhitespace)) statements.push(current);
  return statements;
}

function isLineComment(text: string): boolean {
  return text.startsWith('--') || text.startsWith('#');
}

function levelChange(token: Token): number {
  if (token.kind === 'punctuation') return token.text === '(' ? 1 : token.text === ')' ? -1 : 0;
  return isKeyword(token, 'END') ? -1 : 0;
}

/**
 * Deeper nesting (of parentheses, or of chains such as `a = b = c = ...` that sqlparse nests
 * one level per link) is refused rather than walked recursively; MLflow fails on such input
 * with a RecursionError once Python's stack is exhausted.
 */
export const MAX_PARENTHESIS_DEPTH = 100;
const MAX_GROUP_DEPTH = 400;

export class TooDeeplyNested extends Error {}

/** Tokenizes and splits `text`; returns the statements' grouped top-level nodes. */
export function parseStatements(text: string, options: { orderBy?: boolean } = {}): Node[][] {
  return splitStatements(tokenize(text)).map((tokens) => groupStatement(tokens, options.orderBy ?? false));
}

function groupStatement(tokens: readonly Token[], orderBy: boolean): Node[] {
  let nodes = groupParentheses(tokens);
  nodes = recursively(nodes, groupFunctions);
  nodes = recursively(nodes, groupPeriods);
  nodes = recursively(nodes, groupNames);
  // sqlparse pairs `<identifier> ASC|DESC` at the top level only.
  if (orderBy) nodes = groupOrder(nodes);
  nodes = recursively(nodes, groupOperations);
  nodes = recursively(nodes, groupComparisons);
  nodes = recursively(nodes, groupAliases);
  return recursively(nodes, groupLists);
}

/** Applies a pass inside groups first (identifiers hold only names), then at this level. */
function recursively(nodes: readonly Node[], pass: (nodes: Node[]) => Node[]): Node[] {
  const inner = nodes.map((n) =>
    n instanceof GroupNode && n.kind !== 'identifier' ? group(n.kind, recursively(n.children, pass)) : n,
  );
  return pass(inner);
}

function groupParentheses(tokens: readonly Token[]): Node[] {
  const stack: Node[][] = [[]];
  const top = () => stack[stack.length - 1] as Node[];
  for (const token of tokens) {
    if (token.kind === 'punctuation' && token.text === '(') {
      if (stack.length > MAX_PARENTHESIS_DEPTH) throw new TooDeeplyNested();
      stack.push([token]);
    } else if (token.kind === 'punctuation' && token.text === ')' && stack.length > 1) {
      const inner = stack.pop() as Node[];
      inner.push(token);
      top().push(group('parenthesis', inner));
    } else {
      top().push(token);
    }
  }
  // An unclosed '(' stays a plain token, followed by what came after it: still-open levels
  // are simply consecutive.
  return stack.flat();
}

function nextSignificant(nodes: readonly Node[], from: number): number {
  for (let i = from; i < nodes.length; i++) if (!isWhitespace(nodes[i] as Node)) return i;
  return -1;
}

/**
 * The generic infix pass (sqlparse `_group`): for each `match` node whose previous and next
 * significant neighbours are valid, the span becomes one group. Like sqlparse, validity of
 * the left side is judged on the last token taken in (the right operand of the group just
 * formed), so `a = 'x' = 'y'` chains into `((a = 'x') = 'y')`.
 */
function infix(
  nodes: Node[],
  kind: GroupKind,
  match: (n: Node) => boolean,
  validPrev: (n: Node) => boolean,
  validNext: (n: Node | undefined) => boolean,
  options: { extend: boolean; endAtMatch?: (next: Node | undefined) => boolean },
): Node[] {
  const out: Node[] = [];
  let prevIdx = -1;
  let prev: Node | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as Node;
    if (isWhitespace(node)) {
      out.push(node);
      continue;
    }
    if (match(node) && prev !== undefined && validPrev(prev)) {
      const n = nextSignificant(nodes, i + 1);
      const next = n >= 0 ? nodes[n] : undefined;
      if (validNext(next)) {
        const endAtMatch = options.endAtMatch?.(next) ?? false;
        const end = endAtMatch ? i : n;
        const span = [...out.splice(prevIdx), ...nodes.slice(i, end + 1)];
        const [head, ...rest] = span as [Node, ...Node[]];
        const grouped = options.extend ? extendOrGroup(kind, head, rest) : group(kind, span);
        out.push(grouped);
        prevIdx = out.length - 1;
        prev = endAtMatch ? grouped : next;
        i = end;
        continue;
      }
    }
    out.push(node);
    prevIdx = out.length - 1;
    prev = node;
  }
  return out;
}

/** `name (...)` is a function call to sqlparse, even with a space, and even for `like(`. */
function groupFunctions(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as Node;
    const n = node.kind === 'name' || node.kind === 'placeholder' ? nextSignificant(nodes, i + 1) : -1;
    if (n >= 0 && nodes[n]?.kind === 'parenthesis') {
      out.push(group('function', nodes.slice(i, n + 1)));
      i = n;
    } else {
      out.push(node);
    }
  }
  return out;
}

const is = (...kinds: (TokenKind | GroupKind)[]) => (n: Node | undefined) => n !== undefined && kinds.includes(n.kind);

const isDot = (n: Node) => n.kind === 'punctuation' && n.text === '.';
const isComma = (n: Node) => n.kind === 'punctuation' && n.text === ',';
const dotPrefix = is('name', 'symbol', 'identifier');
const dotFollower = is('name', 'symbol', 'wildcard', 'function');
const operand = is('parenthesis', 'function', 'identifier', 'operation', 'integer', 'float', 'string', 'symbol', 'name', 'placeholder');
const comparable = (n: Node | undefined) => n !== undefined && (operand(n) || isKeyword(n, 'NULL'));
const aliasable = is('parenthesis', 'function', 'identifier', 'operation', 'comparison', 'integer', 'float', 'hex');
const listable = is(
  ...['function', 'identifier', 'comparison', 'identifierList', 'operation'] as const,
  ...['integer', 'float', 'string', 'symbol', 'name', 'placeholder', 'keyword', 'wildcard'] as const,
);

/** `a.b.c`: a name or quoted name, a dot, and optionally a name, quoted name or `*`. */
function groupPeriods(nodes: Node[]): Node[] {
  // `metrics.` followed by something else is still the identifier `metrics.`
  const endAtMatch = (next: Node | undefined) => !dotFollower(next);
  return infix(nodes, 'identifier', isDot, dotPrefix, () => true, { extend: true, endAtMatch });
}

function groupNames(nodes: Node[]): Node[] {
  return nodes.map((n) => (n.kind === 'name' || n.kind === 'symbol' ? group('identifier', [n]) : n));
}

/** `<identifier or number> ASC|DESC` becomes one identifier (and `x ASC DESC` too). */
function groupOrder(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const node of nodes) {
    if (node.kind === 'order') {
      let p = out.length - 1;
      while (p >= 0 && isWhitespace(out[p] as Node)) p--;
      const prev = out[p];
      if (prev !== undefined && is('identifier', 'integer', 'float')(prev)) {
        const [head, ...rest] = [...out.splice(p), node] as unknown as [Node, ...Node[]];
        out.push(extendOrGroup('identifier', head, rest));
        continue;
      }
    }
    out.push(node);
  }
  return out;
}

function groupOperations(nodes: Node[]): Node[] {
  return infix(nodes, 'operation', is('operator', 'wildcard'), operand, operand, { extend: false });
}

function groupComparisons(nodes: Node[]): Node[] {
  return infix(nodes, 'comparison', is('comparator'), comparable, comparable, { extend: false });
}

/**
 * `<operand> <identifier>` is an alias in SQL: sqlparse merges the two into one identifier.
 * The merged result does not take a further alias (`a b c` is `(a b)` then `c`).
 */
function groupAliases(nodes: Node[]): Node[] {
  const out: Node[] = [];
  let last = -1;
  for (const node of nodes) {
    const prev = last >= 0 ? out[last] : undefined;
    if (node.kind === 'identifier' && prev !== undefined && aliasable(prev)) {
      const [head, ...rest] = [...out.splice(last), node] as unknown as [Node, ...Node[]];
      out.push(extendOrGroup('identifier', head, rest));
      last = -1;
      continue;
    }
    out.push(node);
    if (!isWhitespace(node)) last = out.length - 1;
  }
  return out;
}

function groupLists(nodes: Node[]): Node[] {
  return infix(nodes, 'identifierList', isComma, listable, listable, { extend: true });
}
