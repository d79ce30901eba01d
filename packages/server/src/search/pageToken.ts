/**
 * Page tokens of all four searches (MLflow `SearchUtils.create_page_token` /
 * `parse_start_offset_from_page_token`): standard base64 of `{"offset": N}` as Python's
 * json.dumps prints it. Decoding is as lenient as Python's (characters outside the base64
 * alphabet are skipped, `"5"` and `true` are offsets) and fails with MLflow's four messages.
 * Where MLflow fails with a 500 (non-ASCII token, JSON that is not an object, a list or an
 * infinite offset) or passes a negative or huge offset on to the database, we answer 400.
 */
import { FloatLiteral, JsonSyntaxError, parseJsonPreservingFloats } from '../http/json.js';
import { pyRepr, pyStr } from '../http/pyrepr.js';
import { invalid } from './filterCommon.js';

export function createPageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

/** The offset a token asks for; an absent or empty token is the first page. */
export function parsePageToken(token: string | null | undefined): number {
  if (!token) return 0;
  const bytes = pythonB64Decode(token);
  if (bytes === undefined) throw invalid('Invalid page token, could not base64-decode');
  const parsed = parseJsonBytes(bytes);
  if (parsed === undefined) throw invalid(`Invalid page token, decoded value=${pyBytesRepr(bytes)}`);
  const badParsed = () => invalid(`Invalid page token, parsed value=${pyRepr(parsed.value)}`);
  if (!isPlainObject(parsed.value)) throw badParsed();
  const raw = Object.hasOwn(parsed.value, 'offset') ? parsed.value.offset : null;
  if (!pyTruthy(raw)) throw badParsed();
  const offset = pyInt(raw);
  if (offset === undefined) throw invalid(`Invalid page token, not stringable ${pyStr(raw)}`);
  if (offset < 0 || offset > Number.MAX_SAFE_INTEGER) throw badParsed();
  return offset;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `base64.b64decode(s)` (non-strict): undefined where Python raises. */
function pythonB64Decode(text: string): Buffer | undefined {
  // Python only accepts ASCII text here.
  if (/[^\x00-\x7f]/.test(text)) return undefined;
  const out: number[] = [];
  let quadPos = 0;
  let pads = 0;
  let left = 0;
  for (const ch of text) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out);
      continue;
    }
    const v = B64.indexOf(ch);
    if (v < 0) continue;
    pads = 0;
    // Each character carries 6 bits; a byte is complete after the 2nd, 3rd and 4th of a quad.
    if (quadPos === 1) out.push(((left << 2) | (v >> 4)) & 0xff);
    else if (quadPos === 2) out.push(((left << 4) | (v >> 2)) & 0xff);
    else if (quadPos === 3) out.push(((left << 6) | v) & 0xff);
    left = v;
    quadPos = (quadPos + 1) % 4;
  }
  return quadPos === 0 ? Buffer.from(out) : undefined;
}

/** `json.loads(bytes)`: UTF-8 (a BOM is allowed); undefined on any decode or syntax error. */
function parseJsonBytes(bytes: Buffer): { value: unknown } | undefined {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(hasBom ? bytes.subarray(3) : bytes);
  } catch {
    return undefined;
  }
  try {
    return { value: parseJsonPreservingFloats(text) };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return undefined;
    throw err;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FloatLiteral);
}

function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n || v === '') return false;
  if (v instanceof FloatLiteral) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Python `int(v)` for a JSON value; undefined where Python raises. */
function pyInt(v: unknown): number | undefined {
  if (v === true) return 1;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
  if (v instanceof FloatLiteral) return Number.isFinite(v.value) ? Math.trunc(v.value) : undefined;
  if (typeof v === 'string') {
    // int(' 12 '), int('+3'), int('1_000')
    const m = /^\s*([-+]?)(\d+(?:_\d+)*)\s*$/.exec(v);
    return m ? Number(`${m[1]}${(m[2] as string).replaceAll('_', '')}`) : undefined;
  }
  return undefined;
}

/** Python's repr of a bytes object: `b'...'`. */
function pyBytesRepr(bytes: Buffer): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}${quote}`;
}
