/**
 * Recorded request bodies must be re-sent as written: `9.0` is not `9` to MLflow (the error
 * message says "Invalid value 9.0 ... type 'float'"), and Python's json writes bare `NaN` /
 * `Infinity`. JSON.parse loses both, so requests are parsed with numbers kept as their source
 * text (RawNumber) and serialised back verbatim. Responses use plain JSON.parse.
 */

export class RawNumber {
  constructor(readonly text: string) {}

  valueOf(): number {
    return Number(this.text);
  }
}

export function isRawNumber(v: unknown): v is RawNumber {
  return v instanceof RawNumber;
}

/** Parses JSON (plus NaN / Infinity / -Infinity literals) keeping every number as RawNumber. */
export function parseKeepingNumbers(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^(?:-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|NaN)/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    return new RawNumber(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const array = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') return i++, out;
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return i++, out;
      else fail("expected ',' or ']'");
    }
  };
  const object = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') return i++, out;
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a key');
      const key = string();
      ws();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      out[key] = value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return i++, out;
      else fail("expected ',' or '}'");
    }
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return result;
}

/** RawNumbers back to plain numbers (for lines JSON.parse rejects: bare NaN from Python). */
export function plainNumbers(value: unknown): unknown {
  if (isRawNumber(value)) return value.valueOf();
  if (Array.isArray(value)) return value.map(plainNumbers);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainNumbers(v)]));
}

/** JSON.stringify, except RawNumbers are written as they were read. */
export function serialise(value: unknown): string {
  if (isRawNumber(value)) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialise).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${serialise(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
