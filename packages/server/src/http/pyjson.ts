/**
 * Python's `json.dumps` output format (separators ", " and ": ", ensure_ascii, float repr),
 * for values MLflow stores as JSON text written by Python, e.g. the log-model history tag.
 * `ensureAscii: false` is `json.dumps(..., ensure_ascii=False)`: only quotes, backslashes and
 * control characters are escaped, as JSON.stringify does.
 */
import { FloatLiteral } from './json.js';
import { pyFloatRepr } from './pyrepr.js';

export function pyJsonDumps(value: unknown, options: { ensureAscii?: boolean } = {}): string {
  return dumps(value, options.ensureAscii === false ? JSON.stringify : asciiString);
}

function dumps(value: unknown, str: (s: string) => string): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof FloatLiteral) return pyJsonFloat(value.value);
  switch (typeof value) {
    case 'string':
      return str(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isInteger(value) ? String(value) : pyJsonFloat(value);
    default:
      if (Array.isArray(value)) return `[${value.map((v) => dumps(v, str)).join(', ')}]`;
      // a Map keeps Python's dict order for integer-like keys, which a plain object reorders
      return `{${(value instanceof Map ? [...(value as Map<string, unknown>).entries()] : Object.entries(value as Record<string, unknown>))
        .map(([k, v]) => `${str(k)}: ${dumps(v, str)}`)
        .join(', ')}}`;
  }
}

function pyJsonFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(v);
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
