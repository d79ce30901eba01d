/** Display helpers: times, durations, numbers. Nothing here invents a value the server did not send. */

export function toMs(value: number | bigint | string | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function formatTime(value: number | bigint | string | undefined): string {
  const ms = toMs(value);
  if (ms === undefined || ms === 0) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(start: number | bigint | undefined, end: number | bigint | undefined): string {
  const s = toMs(start);
  const e = toMs(end);
  if (s === undefined || e === undefined || e < s) return '—';
  const total = (e - s) / 1000;
  if (total < 60) return `${total.toFixed(1)}s`;
  const m = Math.floor(total / 60);
  if (m < 60) return `${m}m ${Math.round(total % 60)}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}

export function formatNumber(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e7)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

export function tagValue(tags: readonly { key: string; value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}
