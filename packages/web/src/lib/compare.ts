/** The compare page's table: one row per param/metric key, one value per run, and whether they differ. */
import type { Run } from '@darwin-mlflow/contract';
import { toNumber } from './series';

export interface CompareRow {
  kind: 'params' | 'metrics';
  key: string;
  values: (string | number | undefined)[];
  differs: boolean;
}

export function compareRows(runs: readonly Run[]): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const kind of ['params', 'metrics'] as const) {
    const keys = new Set<string>();
    for (const r of runs) for (const e of r.data?.[kind] ?? []) keys.add(e.key);
    for (const key of [...keys].sort()) {
      const values = runs.map((r) => {
        if (kind === 'params') return r.data?.params?.find((p) => p.key === key)?.value;
        const m = r.data?.metrics?.find((x) => x.key === key);
        return m === undefined ? undefined : toNumber(m.value);
      });
      const distinct = new Set(values.map((v) => (v === undefined ? '\u0000missing' : String(v))));
      rows.push({ kind, key, values, differs: distinct.size > 1 });
    }
  }
  return rows;
}

/** A value as a number for plotting, or undefined when it is not numeric. */
export function numeric(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}
