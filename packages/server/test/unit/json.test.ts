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
