/**
 * Just enough of a CREATE TABLE parser for what SQLite's pragmas do not report: constraint
 * names and CHECK expressions. SQLite keeps the DDL text as written (or as rewritten by a table
 * rename), so the text is tokenised and re-joined in one canonical spacing, with identifier
 * quotes removed, before it is compared.
 */

export interface ParsedConstraint {
  kind: 'PRIMARY' | 'UNIQUE' | 'FOREIGN' | 'CHECK';
  name: string;
  /** PRIMARY/UNIQUE/FOREIGN: local columns. */
  columns: string[];
  /** FOREIGN: referenced table. */
  refTable: string;
  /** CHECK: the normalised expression inside the parentheses. */
  expression: string;
}

type Token = { text: string; quoted: boolean };

export function parseTableConstraints(createSql: string): ParsedConstraint[] {
  const tokens = tokenize(createSql);
  const open = tokens.findIndex((t) => t.text === '(');
  if (open < 0) return [];
  const out: ParsedConstraint[] = [];
  for (const element of splitTopLevel(tokens, open + 1)) {
    const first = upper(element[0]);
    if (['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN'].includes(first)) {
      const c = parseConstraint(element);
      if (c) out.push(c);
    } else {
      out.push(...columnChecks(element));
    }
  }
  return out;
}

function parseConstraint(element: Token[]): ParsedConstraint | null {
  let i = 0;
  let name = '';
  if (upper(element[0]) === 'CONSTRAINT') {
    name = element[1]?.text ?? '';
    i = 2;
  }
  const kind = upper(element[i]);
  const parens = (from: number) => parenthesised(element, from);
  if (kind === 'CHECK') return { kind, name, columns: [], refTable: '', expression: join(parens(i + 1).tokens) };
  if (kind === 'PRIMARY' || kind === 'UNIQUE' || kind === 'FOREIGN') {
    const cols = parens(i + 1);
    const columns = names(cols.tokens);
    const refAt = element.findIndex((t, k) => k > cols.end && upper(t) === 'REFERENCES');
    const refTable = refAt >= 0 ? (element[refAt + 1]?.text ?? '') : '';
    return { kind, name, columns, refTable, expression: '' };
  }
  return null;
}

/** Column-level `[CONSTRAINT n] CHECK (...)` clauses. */
function columnChecks(element: Token[]): ParsedConstraint[] {
  const out: ParsedConstraint[] = [];
  for (let i = 0; i < element.length; i++) {
    if (upper(element[i]) !== 'CHECK') continue;
    const name = upper(element[i - 2]) === 'CONSTRAINT' ? (element[i - 1]?.text ?? '') : '';
    const p = parenthesised(element, i + 1);
    out.push({ kind: 'CHECK', name, columns: [], refTable: '', expression: join(p.tokens) });
    i = p.end;
  }
  return out;
}

/** The tokens strictly inside the parenthesis that opens at or after `from`. */
function parenthesised(tokens: Token[], from: number): { tokens: Token[]; end: number } {
  let start = from;
  while (start < tokens.length && tokens[start]?.text !== '(') start++;
  let depth = 0;
  for (let k = start; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (!t.quoted && t.text === '(') depth++;
    if (!t.quoted && t.text === ')' && --depth === 0) return { tokens: tokens.slice(start + 1, k), end: k };
  }
  return { tokens: tokens.slice(start + 1), end: tokens.length };
}

function splitTopLevel(tokens: Token[], from: number): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (!t.quoted && t.text === '(') depth++;
    if (!t.quoted && t.text === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (!t.quoted && t.text === ',' && depth === 0) {
      out.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}

function names(tokens: Token[]): string[] {
  return tokens.filter((t) => t.quoted || t.text !== ',').map((t) => t.text);
}

/** Canonical spacing: one space between tokens, none inside parentheses or before commas. */
function join(tokens: Token[]): string {
  const text = tokens.map((t) => t.text).join(' ');
  return text.replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ',');
}

function upper(t: Token | undefined): string {
  return t && !t.quoted ? t.text.toUpperCase() : '';
}

/** Identifiers lose their quotes ("key" -> key); string literals keep theirs. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      const end = closing(text, i, "'");
      tokens.push({ text: text.slice(i, end + 1), quoted: true });
      i = end + 1;
    } else if (ch === '"' || ch === '`' || ch === '[') {
      const end = closing(text, i, ch === '[' ? ']' : ch);
      tokens.push({ text: text.slice(i + 1, end).replace(ch === '"' ? /""/g : /``/g, ch), quoted: true });
      i = end + 1;
    } else if ('(),;'.includes(ch)) {
      tokens.push({ text: ch, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s(),;'"`[]/.test(text[j] as string)) j++;
      tokens.push({ text: text.slice(i, j), quoted: false });
      i = j;
    }
  }
  return tokens;
}

/** Index of the closing quote, allowing doubled quotes inside. */
function closing(text: string, start: number, quote: string): number {
  let k = start + 1;
  while (k < text.length) {
    if (text[k] === quote) {
      if (quote !== ']' && text[k + 1] === quote) k += 2;
      else return k;
    } else k++;
  }
  return text.length;
}
