/**
 * Turns scenario results into the printed table (and the JSON file): throughput, latency,
 * errors, memory, and the ratio to Python MLflow 2.12.2 judged against the issue's targets.
 */
import { halfHealthMeets, PYTHON_RPS, RSS_TARGET_MB, targetRatio } from './baseline.js';
import type { TargetBackend } from './baseline.js';
import type { ScenarioResult } from './runner.js';

export interface Verdict {
  readonly name: string;
  readonly pythonRps: number | undefined;
  readonly ratio: number | undefined;
  readonly target: number | undefined;
  /** undefined: nothing to judge (no target, or not measured). */
  readonly met: boolean | undefined;
  /** Met through half of the server's /health rate rather than the ratio. */
  readonly byCeiling: boolean;
}

export interface Summary {
  readonly verdicts: readonly Verdict[];
  readonly rssPeakMb: number | undefined;
  readonly rssAvgMb: number | undefined;
  readonly rssMet: boolean | undefined;
  readonly flagged: readonly string[];
  readonly unavailable: readonly string[];
  readonly missedTargets: readonly string[];
  /** Scenarios during which other processes used a noticeable share of the CPU. */
  readonly noisy: readonly string[];
}

/** Other load above this share of one core makes a scenario's figures suspect. */
const NOISE_LIMIT = 0.15;

/**
 * `baseline`: requests/s to compare with, by scenario (default: Python MLflow's figures).
 * `healthRps`: the same server's /health rate, when measured; half of it meets most targets.
 */
export function summarize(
  results: readonly ScenarioResult[],
  backend: TargetBackend,
  baseline: Readonly<Record<string, number>> = PYTHON_RPS,
  healthRps?: number,
): Summary {
  const verdicts = results.map((r): Verdict => {
    const pythonRps = baseline[r.name];
    const measured = r.status !== 'unavailable';
    const ratio = pythonRps !== undefined && measured ? r.rps / pythonRps : undefined;
    const target = targetRatio(r.name, backend);
    const byRatio = target !== undefined && ratio !== undefined && ratio >= target;
    const byCeiling = target !== undefined && !byRatio && healthRps !== undefined && halfHealthMeets(r.name, backend) && r.rps >= healthRps / 2;
    // a scenario with errors cannot meet its target, however fast it was
    const met = target !== undefined && ratio !== undefined ? (byRatio || byCeiling) && r.status === 'ok' : undefined;
    return { name: r.name, pythonRps, ratio, target, met, byCeiling };
  });
  const withRss = results.filter((r) => r.server !== undefined);
  const rssPeakMb = withRss.length > 0 ? Math.max(...withRss.map((r) => r.server?.peakMb ?? 0)) : undefined;
  const weighted = withRss.reduce((acc, r) => acc + (r.server?.avgMb ?? 0) * (r.server?.samples ?? 0), 0);
  const samples = withRss.reduce((acc, r) => acc + (r.server?.samples ?? 0), 0);
  return {
    verdicts,
    rssPeakMb,
    rssAvgMb: samples > 0 ? weighted / samples : undefined,
    rssMet: rssPeakMb === undefined ? undefined : rssPeakMb < RSS_TARGET_MB,
    flagged: results.filter((r) => r.status === 'errors').map((r) => r.name),
    unavailable: results.filter((r) => r.status === 'unavailable').map((r) => r.name),
    missedTargets: verdicts.filter((v) => v.met === false).map((v) => v.name),
    noisy: results.filter((r) => r.seconds > 0 && (r.otherCpuSeconds ?? 0) / r.seconds > NOISE_LIMIT).map((r) => r.name),
  };
}

const HEADERS = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS peak MB', 'RSS avg MB', 'server CPU', 'DB CPU', 'bench CPU', 'other CPU', 'Python req/s', 'ratio', 'target', ''];

/** The results table, as aligned text (also valid Markdown, for docs/benchmarks.md). */
export function formatTable(results: readonly ScenarioResult[], summary: Summary, baselineLabel = 'Python req/s'): string {
  const headers = HEADERS.map((h) => (h === 'Python req/s' ? baselineLabel : h));
  const rows = results.map((r, i) => {
    const v = summary.verdicts[i] as Verdict;
    if (r.status === 'unavailable') return [r.name, 'n/a', '', '', '', '', '', '', '', '', '', num(v.pythonRps), '', times(v.target), 'unavailable'];
    return [
      r.name,
      num(r.rps),
      ms(r.p50Ms),
      ms(r.p99Ms),
      String(r.errors),
      mb(r.server?.peakMb),
      mb(r.server?.avgMb),
      pct(r.server?.cpuSeconds, r.seconds),
      pct(r.server?.dbCpuSeconds, r.seconds),
      pct(r.benchCpuSeconds, r.seconds),
      pct(r.otherCpuSeconds, r.seconds),
      num(v.pythonRps),
      v.ratio === undefined ? '' : `${v.ratio.toFixed(1)}×`,
      times(v.target),
      mark(r, v),
    ];
  });
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 || c === widths.length - 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** `judge`: end with the targets line (not for the compared server's own figures). */
export function formatSummary(summary: Summary, results: readonly ScenarioResult[], judge = true): string {
  const lines: string[] = [];
  if (summary.rssPeakMb !== undefined) {
    lines.push(
      `Server RSS (all processes): peak ${mb(summary.rssPeakMb)} MB, average ${mb(summary.rssAvgMb)} MB — target < ${RSS_TARGET_MB} MB: ${summary.rssMet ? 'met' : 'MISSED'}`,
    );
  } else {
    lines.push('Server RSS: not sampled (pass --server-pid with --url to sample it).');
  }
  for (const r of results) {
    if (r.status === 'unavailable') lines.push(`UNAVAILABLE ${r.name}: ${r.reason}`);
    if (r.status === 'errors') {
      lines.push(`FLAGGED ${r.name}: ${r.errors} of ${r.requests} requests failed`);
      for (const [message, count] of Object.entries(r.errorSamples)) lines.push(`    ${count}× ${message}`);
    }
  }
  if (summary.noisy.length > 0) {
    lines.push(
      `WARNING: other processes used more than ${NOISE_LIMIT * 100}% of a core during ${summary.noisy.join(', ')} ("other CPU"): those figures are low; rerun on a quiet machine.`,
    );
  }
  const judged = summary.verdicts.filter((v) => v.met !== undefined);
  if (!judge) return lines.join('\n');
  lines.push(
    summary.missedTargets.length === 0
      ? `Targets: all ${judged.length} judged scenarios met their target.`
      : `Targets missed (${summary.missedTargets.length} of ${judged.length}): ${summary.missedTargets.join(', ')}`,
  );
  return lines.join('\n');
}

function mark(r: ScenarioResult, v: Verdict): string {
  if (r.status === 'errors') return 'FLAGGED';
  if (v.met === undefined) return '';
  if (v.met && v.byCeiling) return 'ok (≥ ½ health)';
  return v.met ? 'ok' : 'MISSED';
}

function num(n: number | undefined): string {
  if (n === undefined) return '';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function ms(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function mb(n: number | undefined): string {
  return n === undefined ? '' : n.toFixed(0);
}

/** CPU use as a percentage of one core (200% = both cores of a 2-core machine). */
function pct(cpuSeconds: number | undefined, seconds: number): string {
  return cpuSeconds === undefined || seconds === 0 ? '' : `${Math.round((cpuSeconds / seconds) * 100)}%`;
}

function times(n: number | undefined): string {
  return n === undefined ? '' : `≥${n}×`;
}
