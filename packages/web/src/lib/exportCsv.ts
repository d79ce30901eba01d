/**
 * CSV export of every run the current filter matches: pages are fetched one after the other
 * and each page becomes one Blob part at once, so no page's JSON outlives its turn.
 */
import type { Run } from '@darwin-mlflow/contract';
import { searchRuns } from '../api/tracking';
import type { ViewType } from '../api/tracking';
import { csvLine } from './csv';
import { toRow, cellValue } from './runRows';
import type { DataColumn } from './runsViewState';

const PAGE = 1000;

export function runCsvHeader(columns: readonly DataColumn[]): string {
  return csvLine(['run_id', 'run_name', 'experiment_id', 'status', 'start_time', 'end_time', 'user_id', 'lifecycle_stage', ...columns.map((c) => `${c.kind}.${c.key}`)]);
}

export function runCsvLine(run: Run, columns: readonly DataColumn[]): string {
  const row = toRow(run);
  const i = run.info;
  const iso = (v: unknown) => (v === undefined ? '' : new Date(Number(v)).toISOString());
  return csvLine([i.run_id, i.run_name, i.experiment_id, i.status, iso(i.start_time), iso(i.end_time), i.user_id, i.lifecycle_stage, ...columns.map((c) => cellValue(row, c))]);
}

export async function exportRunsCsv(
  args: { experimentIds: readonly string[]; filter: string; orderBy: string[]; viewType: ViewType; columns: readonly DataColumn[] },
  onProgress: (count: number) => void,
): Promise<Blob> {
  const parts: string[] = [runCsvHeader(args.columns)];
  let token: string | undefined;
  let count = 0;
  do {
    const page = await searchRuns({ ...args, pageToken: token, maxResults: PAGE });
    parts.push((page.runs ?? []).map((r) => runCsvLine(r, args.columns)).join(''));
    count += page.runs?.length ?? 0;
    onProgress(count);
    token = page.next_page_token || undefined;
  } while (token);
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
