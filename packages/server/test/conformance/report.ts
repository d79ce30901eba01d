/**
 * The replay report: a table (file -> passed / total, first mismatch of failing files) for the
 * console, and the same data as JSON under os.tmpdir() for tooling.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileResult } from './replay.js';

export interface SkippedFile {
  readonly name: string;
  readonly reason: string;
}

export interface Report {
  readonly corpus: string;
  readonly results: readonly FileResult[];
  readonly skipped: readonly SkippedFile[];
}

export const REPORT_FILE = path.join(os.tmpdir(), 'darwin-mlflow-conformance-report.json');

export function writeReport(report: Report, file: string = REPORT_FILE): void {
  const totals = summarise(report);
  fs.writeFileSync(file, `${JSON.stringify({ ...totals, ...report }, null, 2)}\n`);
}

export function summarise(report: Report) {
  const exchanges = report.results.reduce((n, r) => n + r.total, 0);
  const passedExchanges = report.results.reduce((n, r) => n + r.passed, 0);
  const passedFiles = report.results.filter(isPass).length;
  return { files: report.results.length, passedFiles, skippedFiles: report.skipped.length, exchanges, passedExchanges };
}

export function isPass(r: FileResult): boolean {
  return r.error === undefined && r.firstMismatch === undefined && r.passed === r.total;
}

export function formatReport(report: Report): string {
  const width = Math.max(...report.results.map((r) => r.name.length), 20);
  const lines = [`Conformance replay of ${report.corpus}`, ''];
  for (const r of report.results) {
    const mark = isPass(r) ? 'PASS' : 'FAIL';
    const accepted = r.accepted.length > 0 ? `  (accepted: ${r.accepted.join(', ')})` : '';
    lines.push(`${mark}  ${r.name.padEnd(width)}  ${String(r.passed).padStart(4)} / ${String(r.total).padEnd(4)}${accepted}`);
    if (r.error) lines.push(`        error: ${r.error}`);
    const m = r.firstMismatch;
    if (m) {
      lines.push(`        line ${m.line}: ${m.method} ${m.path}${m.request ? `  ${m.request}` : ''}`);
      lines.push(`        at ${m.where}: MLflow ${m.recorded}`);
      lines.push(`        ${' '.repeat(m.where.length + 4)}ours   ${m.ours}`);
    }
  }
  for (const s of report.skipped) lines.push(`SKIP  ${s.name.padEnd(width)}  ${s.reason}`);
  const t = summarise(report);
  lines.push('', `files passing: ${t.passedFiles} / ${t.files} (${t.skippedFiles} skipped); exchanges passing: ${t.passedExchanges} / ${t.exchanges}`);
  lines.push(`JSON report: ${REPORT_FILE}`);
  return lines.join('\n');
}
