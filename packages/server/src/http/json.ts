/**
 * JSON codec for the MLflow wire format.
 *
 * Parsing keeps int64 precision (integers beyond 2^53 become bigint) and accepts the bare
 * `NaN`, `Infinity` and `-Infinity` literals that Python's json module writes. Bodies without
 * long integers or such literals take the native JSON.parse fast path.
 *
 * Encoding writes bigint as plain digits and non-finite doubles as MLflow does ("NaN",
 * "Infinity", "-Infinity" strings).
 */

/** A float literal as written in the source text (kept only for Python-style error messages). */
export class FloatLiteral {
  constructor(readonly value: number) {}
}

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/**
 * Whether the text has a run of 16 or more digits that is not the fraction of a number: an
 * integer that may lie beyond 2^53, which JSON.parse would round. Long fractions are common
 * (Python writes doubles with 17 significant digits) and harmless, a double being a double;
 * long digit runs inside strings only send the text to the slower parser, which is exact too.
 */
function mayHoldLongInteger(text: string): boolean {
  let run = 0;
  let fraction = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++run >= 16 && !fraction) return true;
    } else {
      // the digits after a '.' are a fraction, until the next character that is not a digit
      fraction = c === 0x2e;
      run = 0;
    }
  }
  return false;
}

/**
 * Deepest nesting of objects and arrays accepted (protobuf's JSON parser stops at 100 as well).
 * Every consumer of a parsed body may then recurse over it without running out of stack.
 */
export const MAX_JSON_DEPTH = 100;

function tooDeepError(): JsonSyntaxError {
  return new JsonSyntaxError(`objects and arrays nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** Whether `value`, a container at `level` (the root is 1), holds containers nested beyond MAX_JSON_DEPTH. */
function nestedTooDeep(value: object, level: number): boolean {
  if (level > MAX_JSON_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (typeof item === 'object' && item !== null && nestedTooDeep(item, level + 1)) return true;
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && nestedTooDeep(item, level + 1)) return true;
  }
  return false;
}

export function parseJson(text: string): unknown {
  if (!mayHoldLongInteger(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // fall through: maybe NaN/Infinity literals, which the precise parser accepts
      return new Parser(text, false).parseDocument();
    }
    if (typeof value === 'object' && value !== null && nestedTooDeep(value, 1)) throw tooDeepError();
    return value;
  }
  return new Parser(text, false).parseDocument();
}

/** Parses keeping float literals (`9.0`) distinguishable from integers, for error messages. */
export function parseJsonPreservingFloats(text: string): unknown {
  return new Parser(text, true).parseDocument();
}

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly keepFloats: boolean,
  ) {}

  parseDocument(): unknown {
    this.skipWs();
    const value = this.parseValue();
    this.skipWs();
    if (this.pos !== this.text.length) this.fail('unexpected trailing characters');
    return value;
  }

  private fail(what: string): never {
    throw new JsonSyntaxError(`${what} at position ${this.pos}`);
  }

  private skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private parseValue(): unknown {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.nested(() => this.parseObject());
      case '[':
        return this.nested(() => this.parseArray());
      case '"':
        return this.parseString();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', this.keepFloats ? new FloatLiteral(NaN) : NaN);
      case 'I':
        return this.literal('Infinity', this.keepFloats ? new FloatLiteral(Infinity) : Infinity);
      default:
        if (c === '-' && this.text.startsWith('-Infinity', this.pos)) {
          return this.literal('-Infinity', this.keepFloats ? new FloatLiteral(-Infinity) : -Infinity);
        }
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail('unexpected character');
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  /** Parses an object or array one level deeper (a recursion of the parser), within MAX_JSON_DEPTH. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_JSON_DEPTH) throw tooDeepError();
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('expected a property name');
      const key = this.parseString();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.skipWs();
      // defineProperty so a "__proto__" key is stored as data, like JSON.parse does
      Object.defineProperty(out, key, { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private parseArray(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.parseValue());
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private parseString(): string {
    const start = this.pos;
    let end = start + 1;
    // Find the closing quote, skipping escapes; then let JSON.parse decode the escapes.
    for (;;) {
      const c = this.text.charCodeAt(end);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x5c) end += 2;
      else if (c === 0x22) break;
      else end++;
    }
    this.pos = end + 1;
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string;
    } catch {
      return this.fail('invalid string');
    }
  }

  private parseNumber(): number | bigint | FloatLiteral {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) return this.fail('invalid number');
    this.pos += m[0].length;
    const isFloat = m[1] !== undefined || m[2] !== undefined;
    if (isFloat) {
      const v = Number(m[0]);
      return this.keepFloats ? new FloatLiteral(v) : v;
    }
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  }
}

/**
 * Serialises a response value. Presenters turn doubles into wire form first (see `wireDouble`),
 * so native JSON.stringify is exact unless a bigint is present; then a slower writer takes over.
 */
export function encodeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return write(value);
  }
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(wireDouble(value));
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : write(v))).join(',')}]`;
      return writeObject(value as Record<string, unknown>);
    default:
      return 'null';
  }
}

function writeObject(obj: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${write(v)}`;
  }
  return `${out}}`;
}

/** A double as MLflow writes it: finite numbers as numbers, NaN and infinities as strings. */
export function wireDouble(v: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * The Content-Type of a JSON reply sent whole: what Fastify writes for a string body, given
 * explicitly so that a body of bytes (JsonList) gets the same header.
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A reply body that is already wire JSON (written by the database); sent as it is. */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}

/**
 * The JSON texts of `count` list items joined by commas, as UTF-8 bytes: SQLite writes a page
 * this way (`CAST(group_concat(…) AS BLOB)`), so the text goes from the database to the socket
 * without being decoded into a JS string and encoded again (65-85% more 10,000-point histories
 * a second on the bench, docs/benchmarks.md, "Replies as bytes").
 */
export interface JsonList {
  readonly text: Uint8Array;
  readonly count: number;
}

/** A Buffer over the same bytes (no copy). */
export function bytesOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The items of a JsonList as values (for replies that wrap them differently, e.g. /v1). */
export function parseJsonList(list: JsonList): unknown[] {
  return list.count === 0 ? [] : (JSON.parse(`[${bytesOf(list.text).toString('utf8')}]`) as unknown[]);
}

/** `"key":"value"` for each member of `rest` that is set, in order (a page token, say). */
export function jsonStringMembers(rest: Record<string, string | undefined>): string[] {
  return Object.entries(rest).flatMap(([k, v]) => (v === undefined ? [] : [`${JSON.stringify(k)}:${JSON.stringify(v)}`]));
}

/** `{"<name>":[items...], ...rest}` from a JsonList, with MLflow's omissions (an empty list left out). */
export function rawJsonList(name: string, items: JsonList, rest: Record<string, string | undefined> = {}): RawJson {
  const members = jsonStringMembers(rest);
  if (items.count === 0) return new RawJson(`{${members.join(',')}}`);
  return new RawJson(Buffer.concat([Buffer.from(`{${JSON.stringify(name)}:[`), items.text, Buffer.from(`]${members.map((m) => `,${m}`).join('')}}`)]));
}
