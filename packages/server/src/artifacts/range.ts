/**
 * HTTP range requests on artifact downloads (RFC 9110 §14): one `bytes=` range per request,
 * `first-last`, `first-` or `-suffix`. MLflow's `/get-artifact` answers ranges through Flask's
 * `send_file`; we answer them on every download route, so a preview reads the head of a large
 * file without the rest crossing the network.
 *
 * A header we cannot use (another unit, several ranges, bad syntax) is ignored and the whole file
 * is sent, as RFC 9110 allows; only a well-formed range that the file cannot satisfy is 416.
 */
import { MlflowError } from '@darwin-mlflow/contract';

/** A range as the client asked for it, before the file's size is known. */
export type RangeSpec = { first: number; last?: number } | { suffix: number };

/** Bytes `start..end` (inclusive) of a file of `size` bytes. */
export interface ServedRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=\s*(?:(\d+)-(\d*)|-(\d+))\s*$/i;

/** The Range header's one byte range, or undefined when the header is absent or unusable. */
export function parseRangeHeader(header: string | string[] | undefined): RangeSpec | undefined {
  if (typeof header !== 'string') return undefined;
  const m = SINGLE_RANGE.exec(header);
  if (!m) return undefined;
  if (m[3] !== undefined) return safe(m[3]) === undefined ? undefined : { suffix: Number(m[3]) };
  const first = safe(m[1] as string);
  if (first === undefined) return undefined;
  if (m[2] === '') return { first };
  const last = safe(m[2] as string);
  // a last position before the first is a syntax error: the header is ignored
  return last === undefined || last < first ? undefined : { first, last };
}

function safe(digits: string): number | undefined {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The bytes to send for `spec` from a file of `size` bytes; undefined when the range cannot be
 * satisfied (it starts at or after the end, or asks for the last 0 bytes). An empty file is
 * always sent whole, as Werkzeug does.
 */
export function resolveRange(spec: RangeSpec, size: number): ServedRange | 'whole' | undefined {
  if (size === 0) return 'whole';
  if ('suffix' in spec) return spec.suffix === 0 ? undefined : { start: Math.max(0, size - spec.suffix), end: size - 1 };
  if (spec.first >= size) return undefined;
  return { start: spec.first, end: Math.min(spec.last ?? size - 1, size - 1) };
}

/** The Range header value that asks a store (S3) for `spec`. */
export function rangeHeaderOf(spec: RangeSpec): string {
  return 'suffix' in spec ? `bytes=-${spec.suffix}` : `bytes=${spec.first}-${spec.last ?? ''}`;
}

/** 416: the range lies outside the file. The reply carries `Content-Range: bytes *\/<size>`. */
export class RangeNotSatisfiable extends MlflowError {
  constructor(
    readonly size: number,
    spec: RangeSpec,
  ) {
    super(`The requested range ${rangeHeaderOf(spec)} is not satisfiable: the file has ${size} bytes.`, 'INVALID_PARAMETER_VALUE');
  }

  override get httpStatus(): number {
    return 416;
  }
}
