import type { Int64 } from '@darwin-mlflow/contract';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An integer column value as an Int64: a number when exact, else a bigint. */
export function toInt64(v: number | bigint | string): Int64 {
  if (typeof v === 'number') return v;
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;
}

export function toInt64OrNull(v: number | bigint | string | null | undefined): Int64 | null {
  return v === null || v === undefined ? null : toInt64(v);
}

/** A 32-bit integer column (ids, versions) as a number. */
export function toInt(v: number | bigint | string): number {
  return typeof v === 'number' ? v : Number(v);
}

export function toBool(v: boolean | number | bigint | string): boolean {
  return v === true || v === 1 || v === 1n || v === '1' || v === 't' || v === 'true';
}

/** Compares two Int64 values (number and bigint compare exactly in JS). */
export function compareInt64(a: Int64, b: Int64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
