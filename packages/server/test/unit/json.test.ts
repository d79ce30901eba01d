import { describe, expect, it } from 'vitest';
import { encodeJson, FloatLiteral, parseJson, parseJsonPreservingFloats } from '../../src/http/json.js';
import { pyFloatRepr, pyRepr, pyStr, pyTypeName } from '../../src/http/pyrepr.js';
import { pyJsonDumps } from '../../src/http/pyjson.js';

describe('JSON codec', () => {
  it('keeps integers beyond 2^53 exact as bigint', () => {
    const v = parseJson('{"step": 9223372036854775807, "t": 1700000000000}') as Record<string, unknown>;
    expect(v.step).toBe(9223372036854775807n);
    expect(v.t).toBe(1700000000000);
    expect(encodeJson({ step: v.step, t: v.t })).toBe('{"step":9223372036854775807,"t":1700000000000}');
  });

  it('reads long fractions as doubles and still finds long integers beside them', () => {
    const text = '{"v": 0.12345678901234567, "w": -1.2345678901234567e-5, "s": "x.12345678901234567"}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    const mixed = parseJson('{"v": 0.12345678901234567, "step": 12345678901234567, "e": 1e12345678901234567}') as Record<string, unknown>;
    expect(mixed.v).toBe(JSON.parse("0.12345678901234567"));
    expect(mixed.step).toBe(12345678901234567n);
    expect(mixed.e).toBe(Infinity);
  });

  it("accepts Python's bare NaN and Infinity literals", () => {
    const v = parseJson('[NaN, Infinity, -Infinity, 1e400]') as number[];
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v.slice(1)).toEqual([Infinity, -Infinity, Infinity]);
  });

  it('rejects malformed documents', () => {
    expect(() => parseJson('{"a": 1')).toThrow();
    expect(() => parseJson('{"a": 1} x')).toThrow();
    expect(() => parseJson("{'a': 1}")).toThrow();
  });

  it('accepts 100 levels of nesting and rejects 101, on the native and the precise path', () => {
    const nest = (levels: number, inner: string) => '['.repeat(levels) + inner + ']'.repeat(levels);
    for (const inner of ['1', '12345678901234567', 'NaN']) {
      expect(() => parseJson(nest(100, inner))).not.toThrow();
      expect(() => parseJson(nest(101, inner))).toThrow('objects and arrays nested deeper than 100 levels');
      expect(() => parseJson(nest(200_000, inner))).toThrow('objects and arrays nested deeper than 100 levels');
    }
    expect(() => parseJson(`${'{"a":'.repeat(101)}1${'}'.repeat(101)}`)).toThrow('nested deeper than 100 levels');
    expect(() => parseJsonPreservingFloats(nest(101, '1.0'))).toThrow('nested deeper than 100 levels');
  });

  it('stores __proto__ keys as data', () => {
    const v = parseJson('{"__proto__": {"x": 1}, "n": 12345678901234567890}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__', 'n']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('marks float literals on request for messages', () => {
    const v = parseJsonPreservingFloats('{"a": 9.0, "b": 9}') as Record<string, unknown>;
    expect(v.a).toBeInstanceOf(FloatLiteral);
    expect(v.b).toBe(9);
  });
});

describe('Python repr for messages', () => {
  it('formats like Python', () => {
    expect(pyStr('foo')).toBe('foo');
    expect(pyRepr([{ key: 'mae', value: 2.5 }])).toBe("[{'key': 'mae', 'value': 2.5}]");
    expect(pyRepr([true, null, "it's"])).toBe(`[True, None, "it's"]`);
    expect(pyTypeName(new FloatLiteral(9))).toBe('float');
    expect(pyTypeName([])).toBe('list');
    expect(pyTypeName({})).toBe('dict');
  });

  it('prints floats with repr rules', () => {
    expect(pyFloatRepr(9)).toBe('9.0');
    expect(pyFloatRepr(0.1)).toBe('0.1');
    expect(pyFloatRepr(1e16)).toBe('1e+16');
    expect(pyFloatRepr(1.5e-5)).toBe('1.5e-05');
    expect(pyFloatRepr(123456.789)).toBe('123456.789');
    expect(pyFloatRepr(-0.0001)).toBe('-0.0001');
  });

  it("writes json.dumps's format", () => {
    expect(pyJsonDumps({ a: [1, new FloatLiteral(2), 'é'], b: false })).toBe('{"a": [1, 2.0, "\\u00e9"], "b": false}');
  });
});
