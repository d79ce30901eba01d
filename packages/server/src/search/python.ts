/**
 * The few pieces of Python behaviour that MLflow's search parsing inherits and that clients
 * can observe: `ast.literal_eval` of quoted strings (IN lists), `shlex.split` (order_by) and
 * the repr of the sets and tuples quoted in error messages.
 */
import { pyStringRepr } from '../http/pyrepr.js';

/** `{'a', 'b'}`. Python's own order is hash-randomised per process; ours is the given one. */
export function pySetRepr(items: readonly string[]): string {
  return `{${items.map(pyStringRepr).join(', ')}}`;
}

export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStringRepr).join(', ')}]`;
}

export function pyTupleRepr(items: readonly string[]): string {
  return `(${items.map(pyStringRepr).join(', ')})`;
}

export class PythonSyntaxError extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Evaluates text made of one or more adjacent single-quoted Python string literals, as
 * `ast.literal_eval` does for the items of an IN list: `'it''s'` is `its`, `'a\n'` ends in a
 * newline. Throws PythonSyntaxError where Python would raise SyntaxError.
 */
export function evalPythonStrings(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "'") throw new PythonSyntaxError('expected a string literal');
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch === '\n' || ch === '\r') throw new PythonSyntaxError('unterminated string literal');
      if (ch === "'") break;
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const [value, length] = escape(text, i + 1);
      out += value;
      i += 1 + length;
    }
    i++;
  }
  return out;
}

/** The escape sequence after a backslash at `at`: its value and how many characters it spans. */
function escape(text: string, at: number): [string, number] {
  const ch = text[at];
  if (ch === undefined) throw new PythonSyntaxError('unterminated string literal');
  if (ch === '\n') return ['', 1];
  if (ch === '\r') return ['', text[at + 1] === '\n' ? 2 : 1];
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return [simple, 1];
  const octal = /^[0-7]{1,3}/.exec(text.slice(at, at + 3));
  if (octal) return [String.fromCodePoint(parseInt(octal[0], 8)), octal[0].length];
  const hexLength = ch === 'x' ? 2 : ch === 'u' ? 4 : ch === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const digits = text.slice(at + 1, at + 1 + hexLength);
    const code = parseInt(digits, 16);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength || code > 0x10ffff) {
      throw new PythonSyntaxError('truncated escape');
    }
    return [String.fromCodePoint(code), 1 + hexLength];
  }
  // \N{NAME} needs the Unicode name table; treat it as malformed input.
  if (ch === 'N') throw new PythonSyntaxError('unsupported \\N escape');
  // Unknown escapes keep their backslash.
  return [`\\${ch}`, 1];
}

export class ShlexError extends Error {}

/** `shlex.split(text)`: POSIX mode, no comments, whitespace is space, tab, CR and LF. */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const append = (s: string) => {
    word = (word ?? '') + s;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (' \t\r\n'.includes(ch)) {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new ShlexError('No escaped character');
      append(text[i + 1] as string);
      i += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      append(text.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      i = readDoubleQuoted(text, i + 1, append);
    } else {
      append(ch);
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Inside double quotes a backslash escapes only `"` and `\`. Returns the index after the quote. */
function readDoubleQuoted(text: string, from: number, append: (s: string) => void): number {
  let i = from;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) throw new ShlexError('No closing quotation');
    if (ch === '"') return i + 1;
    if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      append(text[i + 1] as string);
      i += 2;
    } else {
      append(ch);
      i++;
    }
  }
}
