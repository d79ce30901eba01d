/**
 * Request decoding with MLflow's rules: protobuf JSON parsing (ParseDict, unknown fields
 * ignored) followed by the handler's schema checks in MLflow's order, with MLflow's messages.
 *
 * One deliberate difference: where MLflow 2.12.2 carries on with a half-parsed message after a
 * ParseDict failure (a bare `"status": "DONE"` leaves the status unchanged), we answer 400 and
 * name the field.
 */
import { MlflowError, TYPE_CHECKS } from '@darwin-mlflow/contract';
import type { Check, Endpoint, FieldDef, FieldType, Fields, MessageType, DecodedMessage } from '@darwin-mlflow/contract';
import { parseJsonPreservingFloats } from './json.js';
import { pyStr, pyTypeName } from './pyrepr.js';

const API_DOCS_HINT = ' See the API docs for more information about request parameters.';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

interface ParseFailure {
  path: string;
  value: unknown;
  reason: string;
}

/** Where the raw values came from; `rawText` lets messages print `9.0` as Python would. */
export interface RawRequest {
  values: Record<string, unknown>;
  rawText?: string;
}

export function decodeRequest<M extends MessageType>(endpoint: Endpoint<M>, raw: RawRequest): DecodedMessage<M> {
  const failures: ParseFailure[] = [];
  const decoded = decodeMessage(endpoint.request, raw.values, '', failures);
  runSchema(endpoint.schema, raw, failures.length === 0);
  const first = failures[0];
  if (first) throw invalidValue(first.path, first.value, first.reason);
  return decoded as DecodedMessage<M>;
}

function invalidValue(param: string, value: unknown, hint: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value ${pyStr(value)} for parameter '${param}' supplied. ${hint}${API_DOCS_HINT}`,
  );
}

function typeHint(value: unknown): string {
  return `Hint: Value was of type '${pyTypeName(value)}'.`;
}

// ---------------------------------------------------------------------------------------------
// protobuf ParseDict

function decodeMessage(type: MessageType, js: Record<string, unknown>, prefix: string, failures: ParseFailure[]) {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(type.fields as Fields)) {
    const raw = Object.prototype.hasOwnProperty.call(js, name) ? js[name] : undefined;
    if (def.repeated) out[name] = [];
    if (raw === undefined || raw === null) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const value = decodeField(def, raw, path, failures);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function decodeField(def: FieldDef, raw: unknown, path: string, failures: ParseFailure[]): unknown {
  if (!def.repeated) return decodeValue(def.type, raw, path, failures);
  if (!Array.isArray(raw)) {
    failures.push({ path, value: raw, reason: typeHint(raw) });
    return undefined;
  }
  const items: unknown[] = [];
  raw.forEach((item, i) => {
    const v = item === null ? fail(failures, `${path}[${i}]`, item) : decodeValue(def.type, item, `${path}[${i}]`, failures);
    if (v !== undefined) items.push(v);
  });
  return items;
}

function fail(failures: ParseFailure[], path: string, value: unknown, reason = typeHint(value)): undefined {
  failures.push({ path, value, reason });
  return undefined;
}

function decodeValue(type: FieldType, raw: unknown, path: string, failures: ParseFailure[]): unknown {
  if (typeof type === 'object') {
    if (type.kind === 'message') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(failures, path, raw);
      return decodeMessage(type, raw as Record<string, unknown>, path, failures);
    }
    const name = enumName(type.values, raw);
    return name ?? fail(failures, path, raw, `Hint: Valid values are ${Object.keys(type.values).join(', ')}.`);
  }
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? raw : fail(failures, path, raw);
    case 'bool':
      return typeof raw === 'boolean' ? raw : fail(failures, path, raw);
    case 'json':
      return raw;
    case 'double':
      return toDouble(raw) ?? fail(failures, path, raw);
    case 'int64':
      return toInt(raw, INT64_MIN, INT64_MAX) ?? fail(failures, path, raw);
    case 'int32': {
      const v = toInt(raw, INT32_MIN, INT32_MAX);
      return v === undefined ? fail(failures, path, raw) : Number(v);
    }
  }
}

function enumName(values: Readonly<Record<string, number>>, raw: unknown): string | undefined {
  if (typeof raw === 'string' && Object.prototype.hasOwnProperty.call(values, raw)) return raw;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[-+]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  return Object.keys(values).find((k) => values[k] === n);
}

/** protobuf `_ConvertFloat`: numbers, numeric strings and the "NaN"/"Infinity" spellings. */
function toDouble(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw !== 'string') return undefined;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity') return Infinity;
  if (raw === '-Infinity') return -Infinity;
  return pyFloat(raw);
}

/** Python float(str): decimal literals with optional surrounding whitespace, inf/nan words. */
export function pyFloat(s: string): number | undefined {
  const t = s.trim().replace(/_/g, '');
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const word = t.toLowerCase().replace(/^[-+]/, '');
  if (word === 'nan') return NaN;
  if (word === 'inf' || word === 'infinity') return t.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/** Python int(str): optional sign, digits (underscores allowed between them), whitespace. */
export function pyInt(s: string): bigint | undefined {
  const t = s.trim();
  if (!/^[-+]?\d+(_\d+)*$/.test(t)) return undefined;
  return BigInt(t.replace(/_/g, ''));
}

/** protobuf `_ConvertInteger` plus the range check of the target type; int64 keeps precision. */
function toInt(raw: unknown, min: bigint, max: bigint): number | bigint | undefined {
  let v: bigint | undefined;
  if (typeof raw === 'bigint') v = raw;
  else if (typeof raw === 'number') v = Number.isInteger(raw) ? BigInt(raw) : undefined;
  else if (typeof raw === 'string' && !raw.includes(' ')) v = pyInt(raw);
  if (v === undefined || v < min || v > max) return undefined;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// ---------------------------------------------------------------------------------------------
// MLflow handler schema (`_validate_param_against_schema`)

function runSchema(schema: Endpoint['schema'], raw: RawRequest, parseSucceeded: boolean): void {
  const js = raw.values;
  let precise: Record<string, unknown> | undefined;
  const messageValue = (key: string, value: unknown): unknown => {
    if (raw.rawText === undefined) return value;
    try {
      precise ??= parseJsonPreservingFloats(raw.rawText) as Record<string, unknown>;
      return precise[key] === undefined && key === 'run_id' ? precise.run_uuid : precise[key];
    } catch {
      return value;
    }
  };
  for (const [key, checks] of Object.entries(schema)) {
    const has = Object.prototype.hasOwnProperty.call(js, key);
    if (!has && !checks.includes('required')) continue;
    let value = has ? js[key] : undefined;
    if (key === 'run_id' && (value === undefined || value === null) && 'run_uuid' in js) value = js.run_uuid;
    for (const check of checks) {
      if (parseSucceeded && TYPE_CHECKS.has(check)) continue;
      const failure = applyCheck(check, value);
      if (failure === undefined) continue;
      if (failure === 'missing') {
        throw MlflowError.invalidParameter(`Missing value for required parameter '${key}'.${API_DOCS_HINT}`);
      }
      if (failure !== 'invalid') throw MlflowError.invalidParameter(failure + API_DOCS_HINT);
      const shown = messageValue(key, value);
      throw invalidValue(key, shown, typeHint(shown));
    }
  }
}

/** Returns undefined when the check passes, else 'missing', 'invalid' or a custom message. */
function applyCheck(check: Check, value: unknown): string | undefined {
  const invalid = (ok: boolean) => (ok ? undefined : 'invalid');
  if (typeof check === 'string') {
    switch (check) {
      case 'required':
        return value === undefined || value === null || value === '' ? 'missing' : undefined;
      case 'string':
        return invalid(typeof value === 'string');
      case 'intlike':
        return invalid(isIntLike(value));
      case 'bool':
        return invalid(typeof value === 'boolean');
      case 'floatlike':
        return invalid(isFloatLike(value));
      case 'array':
        return invalid(Array.isArray(value));
      case 'itemTypeString':
        return invalid(Array.isArray(value) ? value.every((v) => typeof v === 'string') : typeof value === 'string');
    }
  }
  switch (check.kind) {
    case 'max': {
      const n = asInt(value);
      return n === undefined || n > check.max ? (check.message ?? 'invalid') : undefined;
    }
    case 'range': {
      const n = asInt(value);
      return n === undefined || n < check.min || n > check.max ? (check.message ?? 'invalid') : undefined;
    }
    case 'maxLength': {
      const n = Array.isArray(value) || typeof value === 'string' ? value.length : 0;
      return n > check.max ? check.message.replace('{n}', String(n)) : undefined;
    }
    case 'itemsHave':
      return invalid(
        Array.isArray(value) &&
          value.every(
            (item) =>
              typeof item === 'object' &&
              item !== null &&
              check.keys.every((k) => {
                const v = (item as Record<string, unknown>)[k];
                return v !== undefined && v !== null && v !== '';
              }),
          ),
      );
  }
}

function asInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const v = pyInt(value);
    return v === undefined ? undefined : Number(v);
  }
  return undefined;
}

function isIntLike(value: unknown): boolean {
  return asInt(value) !== undefined && !(typeof value === 'number' && !Number.isFinite(value));
}

function isFloatLike(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return true;
  return typeof value === 'string' && pyFloat(value) !== undefined;
}
