/**
 * Tokenizer for search filters and order_by clauses.
 *
 * MLflow 2.12.2 reads both with the `sqlparse` SQL lexer and then applies its own rules, so the
 * set of accepted strings is decided by how sqlparse splits text into tokens. These rules
 * reproduce the token classes that matter for that language (names, quoted names, strings,
 * numbers, comparison operators, AND, parentheses, ...), in sqlparse's order of precedence:
 * for example `1and` is one word, `-5` is a number, `tags.in` is not a key and an unquoted
 * CJK key is not a word. Everything else becomes a token that MLflow reports as an
 * "Invalid clause".
 */

export type TokenKind =
  | 'whitespace'
  | 'newline'
  | 'comment'
  /** Bare word, `backticked` name, [bracketed] name. */
  | 'name'
  /** `?`, `%s`, `:name`, `$name`: operands that are neither names nor values. */
  | 'placeholder'
  /** Single-quoted string: the only string literal sqlparse knows. */
  | 'string'
  /** Double-quoted text: a name to sqlparse, accepted by MLflow as a key or a string value. */
  | 'symbol'
  | 'integer'
  | 'float'
  /** `0x1F`: a number to sqlparse, but not one MLflow accepts as a value. */
  | 'hex'
  /** `=`, `!=`, `<=`, ..., `IN`, `NOT IN`, `LIKE`, `ILIKE`, `RLIKE` and their `NOT` forms. */
  | 'comparator'
  | 'keyword'
  /** ASC / DESC. */
  | 'order'
  | 'punctuation'
  | 'operator'
  | 'wildcard'
  /** Anything else (`:=`, stray characters). */
  | 'other';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

// sqlparse's `[A-ZÀ-Ü]` under IGNORECASE: ASCII letters and Latin-1 letters À-Ü / à-ü.
const LETTER = 'A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00DC\\u00E0-\\u00F6\\u00F8-\\u00FC';
// Python's Unicode `\w`.
const WORD = '\\p{L}\\p{N}_';
const NOT_WORD_AFTER = `(?![${WORD}])`;

interface Rule {
  readonly regex: RegExp;
  readonly kind: TokenKind | ((text: string) => TokenKind);
  /** The characters a match can start with, to skip the rule cheaply. */
  readonly first: RegExp;
}

const rule = (first: string, source: string, kind: Rule['kind'], flags = ''): Rule => ({
  regex: new RegExp(source, `y${flags}u`),
  kind,
  first: new RegExp(`^[${first}]`, 'iu'),
});

/** Words sqlparse treats as keywords that matter to the filter language or its messages. */
const KEYWORDS = new Set([
  'ALL', 'AND', 'ANY', 'AS', 'BETWEEN', 'BY', 'CASE', 'DISTINCT', 'ELSE', 'END', 'ESCAPE',
  'EXISTS', 'FALSE', 'FROM', 'GROUP', 'HAVING', 'IS', 'ISNULL', 'JOIN', 'LIMIT', 'NOT',
  'NOTNULL', 'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'SELECT', 'THEN', 'TIMESTAMP', 'TRUE',
  'UNION', 'UNKNOWN', 'USING', 'VALUES', 'WHEN', 'WHERE', 'XOR',
]);

function classifyWord(word: string): TokenKind {
  const upper = word.toUpperCase();
  if (upper === 'ASC' || upper === 'DESC') return 'order';
  return KEYWORDS.has(upper) ? 'keyword' : 'name';
}

const WORD_START = `0-9_${LETTER}`;

// Order matters: the first rule that matches at a position wins (as in sqlparse).
const RULES: readonly Rule[] = [
  rule('#\\-', '(?:--|# ).*?(?:\\r\\n|\\r|\\n|$)', 'comment'),
  rule('/', '/\\*[\\s\\S]*?\\*/', 'comment'),
  rule('\\r\\n', '\\r\\n|\\r|\\n', 'newline'),
  rule('\\s', '\\s', 'whitespace'),
  rule(':', ':=', 'other'),
  rule(':', '::', 'punctuation'),
  rule('*', '\\*', 'wildcard'),
  rule('`', '`(?:``|[^`])*`', 'name'),
  rule('$', `((?<!\\S)\\$(?:[_${LETTER}][${WORD}]*)?\\$)[\\s\\S]*?\\1`, 'other'),
  rule('?', '\\?', 'placeholder'),
  rule('%', `%(?:\\([${WORD}]+\\))?s`, 'placeholder'),
  rule('$:?', `(?<![${WORD}])[$:?][${WORD}]+`, 'placeholder'),
  rule('\\\\', `\\\\[${WORD}]+`, 'other'),
  rule('NI', `(?:NOT\\s+)?IN${NOT_WORD_AFTER}`, 'comparator', 'i'),
  rule('CIVUFA', `(?:CASE|IN|VALUES|USING|FROM|AS)${NOT_WORD_AFTER}`, 'keyword', 'i'),
  rule('@#', `(?:@|##|#)[${LETTER}][${WORD}]+`, 'name'),
  // A word before a dot, and a word right after a dot, is a name even if it is a keyword:
  // `tags.select` and `metrics.timestamp` are ordinary keys.
  rule(LETTER, `[${LETTER}][${WORD}]*(?=\\s*\\.)`, 'name'),
  rule(LETTER, `(?<=\\.)[${LETTER}][${WORD}]*`, 'name'),
  rule(LETTER, `[${LETTER}][${WORD}]*(?=\\()`, 'name'),
  rule('\\-0', '-?0x[0-9A-F]+', 'hex', 'i'),
  rule('\\-0-9', '-?[0-9]+(?:\\.[0-9]+)?E-?[0-9]+', 'float', 'i'),
  rule('\\-0-9.', `(?![_${LETTER}])-?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)(?![_${LETTER}])`, 'float'),
  rule('\\-0-9', `(?![_${LETTER}])-?[0-9]+(?![_${LETTER}])`, 'integer'),
  rule("'", "'(?:''|\\\\'|[^'])*'", 'string'),
  rule('"', '"(?:""|\\\\"|[^"])*"', 'symbol'),
  rule('\\[', `(?<![${WORD}\\])])\\[[^\\]\\[]+\\]`, 'name'),
  rule('NOG', `(?:NOT\\s+NULL|NULLS\\s+(?:FIRST|LAST)|ORDER\\s+BY|GROUP\\s+BY)${NOT_WORD_AFTER}`, 'keyword', 'i'),
  rule('NLIR', `(?:NOT\\s+)?(?:LIKE|ILIKE|RLIKE)${NOT_WORD_AFTER}`, 'comparator', 'i'),
  rule(WORD_START, `[${WORD_START}][_$#${WORD}]*`, classifyWord),
  rule(';:()\\[\\],.', '[;:()\\[\\],.]', 'punctuation'),
  rule('<>=~!', '[<>=~!]+', 'comparator'),
  rule('+/@#%^&|\\-', '[+/@#%^&|-]+', 'operator'),
];

/** The rules worth trying for each ASCII character (all rules for other characters). */
const RULES_BY_ASCII: readonly (readonly Rule[])[] = Array.from({ length: 128 }, (_, code) =>
  RULES.filter((r) => r.first.test(String.fromCharCode(code))),
);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const token = matchAt(text, pos);
    tokens.push(token);
    pos += token.text.length;
  }
  return tokens;
}

function matchAt(text: string, pos: number): Token {
  const code = text.charCodeAt(pos);
  for (const { regex, kind } of code < 128 ? (RULES_BY_ASCII[code] as Rule[]) : RULES) {
    regex.lastIndex = pos;
    const m = regex.exec(text);
    if (m !== null && m[0].length > 0) {
      return { kind: typeof kind === 'function' ? kind(m[0]) : kind, text: m[0] };
    }
  }
  // One code point, so surrogate pairs are not split.
  const ch = String.fromCodePoint(text.codePointAt(pos) ?? 0);
  return { kind: 'other', text: ch };
}

export function isWhitespace(token: { kind: string }): boolean {
  return token.kind === 'whitespace' || token.kind === 'newline';
}
