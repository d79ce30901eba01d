/**
 * protobuf JSON's google.protobuf.Timestamp and Duration, read and written in milliseconds as
 * MLflow's entities hold them (`ToMilliseconds` rounds towards negative infinity, `FromMilliseconds`
 * prints 0, 3, 6 or 9 fractional digits).
 */
import { MlflowError } from '@darwin-mlflow/contract';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^(-)?(\d{1,12})(?:\.(\d{1,9}))?s$/;

function badValue(path: string, value: unknown, expected: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied: expected ${expected}.`);
}

/** An RFC 3339 timestamp string, in milliseconds since the epoch. */
export function timestampToMs(value: unknown, path: string): number {
  const m = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!m) throw badValue(path, value, 'an RFC 3339 timestamp such as "2024-01-01T00:00:00.000Z"');
  const [, y, mo, d, h, mi, s, frac = '', zone] = m as unknown as string[];
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) throw badValue(path, value, 'an RFC 3339 timestamp');
  const offsetMin = zone === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6)));
  return base + Math.floor(Number(frac.padEnd(3, '0').slice(0, 3))) - offsetMin * 60_000;
}

/** A duration string such as "0.016s", in milliseconds. */
export function durationToMs(value: unknown, path: string): number {
  const m = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!m) throw badValue(path, value, 'a duration in seconds such as "1.5s"');
  const ms = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0').slice(0, 3));
  return m[1] ? -ms : ms;
}

function fraction(ms: number): string {
  const r = ((ms % 1000) + 1000) % 1000;
  return r === 0 ? '' : `.${String(r).padStart(3, '0')}`;
}

export function msToTimestamp(ms: number): string {
  const iso = new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', '');
  return `${iso}${fraction(ms)}Z`;
}

export function msToDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  return `${sign}${Math.floor(abs / 1000)}${fraction(abs)}s`;
}
