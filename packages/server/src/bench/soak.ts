/**
 * `npm run bench -- --soak 30m`: a sustained mixed load instead of the scenarios, to show that
 * memory and latency stay flat over time and that nothing fails or goes missing. Every client
 * cycles through the mix below (writes into its own run, run creation, reads); each interval
 * prints requests, errors, p50/p99 and the servers' RSS and CPU. At the end every acknowledged
 * write is looked for: each logged metric step in its run's history, each created run in its
 * experiment. Exit code 1 on any error response or missing write.
 */
import { performance } from 'node:perf_hooks';
import { describeFailure, expectJson } from './client.js';
import type { HttpClient, Reply } from './client.js';
import { machineBusySeconds } from './processTree.js';
import type { ProcessSampler } from './processTree.js';
import { percentile } from './runner.js';
import { SCENARIOS } from './scenarios.js';
import type { Fixtures, ScenarioLoop } from './scenarios.js';

const API = '/api/2.0/mlflow';

/** One turn of a client's cycle; writes are half of it, as a training job's client sends. */
const MIX = ['log_batch_10', 'get_run', 'log_metric', 'search_experiments', 'log_batch_10', 'create_run', 'log_metric', 'metric_history_10k'] as const;
type MixName = (typeof MIX)[number];

/** The scenarios whose loops the soak mixes (and whose data is seeded for it). */
export const SOAK_SCENARIOS: readonly string[] = [...new Set(MIX)];

export interface SoakSettings {
  readonly seconds: number;
  readonly intervalSeconds: number;
  readonly clients: number;
}

/** Acknowledged writes, to be found again at the end. */
interface Acknowledged {
  /** Steps per client run and metric key (log_metric: train_loss; log_batch_10: batch10_0). */
  readonly steps: Map<string, Set<number>>;
  readonly runIds: Set<string>;
}

interface Interval {
  latencies: number[];
  errors: number;
}

export async function runSoak(client: HttpClient, fixtures: Fixtures, settings: SoakSettings, sampler: ProcessSampler | undefined): Promise<number> {
  const loops = new Map<MixName, ScenarioLoop>();
  for (const name of new Set(MIX)) {
    const loop = SCENARIOS.find((s) => s.name === name)?.build(fixtures);
    if (loop === undefined || typeof loop === 'string') throw new Error(`soak: ${name} cannot run here: ${loop ?? 'unknown scenario'}`);
    loops.set(name, loop);
  }
  const runIds = fixtures.clientRunIds as string[];
  const acked: Acknowledged = { steps: new Map(), runIds: new Set() };
  const samples: Record<string, number> = {};
  let current: Interval = { latencies: [], errors: 0 };
  let seq = 0;
  const deadline = performance.now() + settings.seconds * 1000;

  const one = async (c: number) => {
    for (let turn = c; performance.now() < deadline; turn++) {
      const name = MIX[turn % MIX.length] as MixName;
      const loop = loops.get(name) as ScenarioLoop;
      const mySeq = seq++;
      const t0 = performance.now();
      let reply: Reply | Error;
      try {
        reply = await loop.send(client, c, mySeq);
      } catch (err) {
        reply = err instanceof Error ? err : new Error(String(err));
      }
      const interval = current;
      interval.latencies.push(performance.now() - t0);
      const problem = reply instanceof Error ? `request failed: ${reply.message}` : reply.status !== 200 ? describeFailure(reply) : loop.check(reply);
      if (problem !== undefined) {
        interval.errors++;
        samples[`${name}: ${problem}`] = (samples[`${name}: ${problem}`] ?? 0) + 1;
      } else {
        remember(acked, name, runIds[c] as string, mySeq, reply as Reply);
      }
    }
  };

  console.log(`Soak: ${settings.clients} clients for ${formatDuration(settings.seconds)}, mix ${MIX.join(', ')}; one line per ${settings.intervalSeconds} s.`);
  console.log(ROW_HEADER);
  const rows: Row[] = [];
  const started = performance.now();
  let minute = 0;
  const reporter = (async () => {
    while (performance.now() < deadline) {
      const cpu0 = { bench: process.cpuUsage(), machine: machineBusySeconds() };
      sampler?.start();
      const t0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(settings.intervalSeconds * 1000, deadline - t0))));
      const stats = sampler?.stop();
      const seconds = (performance.now() - t0) / 1000;
      const done = current;
      current = { latencies: [], errors: 0 };
      const bench = cpuSeconds(process.cpuUsage(cpu0.bench));
      const server = stats?.cpuSeconds;
      const db = stats?.dbCpuSeconds;
      const machine = cpu0.machine !== undefined ? (machineBusySeconds() ?? cpu0.machine) - cpu0.machine : undefined;
      const other = machine !== undefined && server !== undefined ? Math.max(0, machine - server - (db ?? 0) - bench) : undefined;
      const sorted = Float64Array.from(done.latencies).sort();
      const row: Row = {
        at: (performance.now() - started) / 1000,
        index: ++minute,
        requests: sorted.length,
        rps: sorted.length / seconds,
        errors: done.errors,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        rssAvgMb: stats?.avgMb,
        rssPeakMb: stats?.peakMb,
        cpu: { server: share(server, seconds), db: share(db, seconds), bench: share(bench, seconds), other: share(other, seconds) },
      };
      rows.push(row);
      console.log(formatRow(row));
    }
  })();
  await Promise.all([...Array.from({ length: settings.clients }, (_, c) => one(c)), reporter]);
  // requests still in flight at the deadline finished after the last line: they count too
  const last = rows[rows.length - 1];
  if (last) {
    last.requests += current.latencies.length;
    last.errors += current.errors;
  }

  const errors = rows.reduce((n, r) => n + r.errors, 0);
  console.log(`\n${summaryOf(rows)}`);
  if (errors > 0) console.log(`Errors: ${errors}\n${Object.entries(samples).map(([m, n]) => `  ${n} × ${m}`).slice(0, 10).join('\n')}`);
  const missing = await verify(client, acked, fixtures.createExperimentId as string);
  const steps = [...acked.steps.values()].reduce((n, s) => n + s.size, 0);
  console.log(`Acknowledged writes checked afterwards: ${steps} metric steps in ${acked.steps.size} histories, ${acked.runIds.size} created runs; missing: ${missing.length}`);
  for (const m of missing.slice(0, 10)) console.log(`  missing: ${m}`);
  return errors > 0 || missing.length > 0 ? 1 : 0;
}

function remember(acked: Acknowledged, name: MixName, runId: string, seq: number, reply: Reply): void {
  const key = name === 'log_metric' ? 'train_loss' : name === 'log_batch_10' ? 'batch10_0' : undefined;
  if (key !== undefined) {
    const id = `${runId}/${key}`;
    let steps = acked.steps.get(id);
    if (!steps) acked.steps.set(id, (steps = new Set()));
    steps.add(seq);
  } else if (name === 'create_run') {
    acked.runIds.add(expectJson<{ run: { info: { run_id: string } } }>(reply, 'runs/create').run.info.run_id);
  }
}

/** What of the acknowledged writes cannot be read back. */
async function verify(client: HttpClient, acked: Acknowledged, experimentId: string): Promise<string[]> {
  const missing: string[] = [];
  for (const [id, steps] of acked.steps) {
    const [runId, key] = id.split('/') as [string, string];
    const reply = await client.get(`${API}/metrics/get-history?run_id=${runId}&metric_key=${key}`);
    const found = new Set(expectJson<{ metrics?: { step: string | number }[] }>(reply, 'metrics/get-history').metrics?.map((m) => Number(m.step)));
    for (const step of steps) if (!found.has(step)) missing.push(`${key} step ${step} of run ${runId}`);
  }
  const stored = new Set<string>();
  let pageToken: string | undefined;
  do {
    const reply = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId], max_results: 1000, ...(pageToken ? { page_token: pageToken } : {}) });
    const page = expectJson<{ runs?: { info: { run_id: string } }[]; next_page_token?: string }>(reply, 'runs/search');
    for (const run of page.runs ?? []) stored.add(run.info.run_id);
    pageToken = page.next_page_token;
  } while (pageToken);
  for (const runId of acked.runIds) if (!stored.has(runId)) missing.push(`run ${runId}`);
  return missing;
}

interface Row {
  at: number;
  index: number;
  requests: number;
  rps: number;
  errors: number;
  p50: number;
  p99: number;
  rssAvgMb: number | undefined;
  rssPeakMb: number | undefined;
  cpu: { server: string; db: string; bench: string; other: string };
}

const ROW_HEADER = ['   t', '  requests', '  req/s', 'errors', ' p50 ms', ' p99 ms', 'RSS avg MB', 'RSS peak MB', 'server CPU', 'DB CPU', 'bench CPU', 'other CPU'].join(' | ');

function formatRow(r: Row): string {
  const mb = (v: number | undefined) => (v === undefined ? '' : v.toFixed(0));
  return [
    formatDuration(r.at).padStart(4),
    String(r.requests).padStart(10),
    r.rps.toFixed(1).padStart(7),
    String(r.errors).padStart(6),
    r.p50.toFixed(1).padStart(7),
    r.p99.toFixed(1).padStart(7),
    mb(r.rssAvgMb).padStart(10),
    mb(r.rssPeakMb).padStart(11),
    r.cpu.server.padStart(10),
    r.cpu.db.padStart(6),
    r.cpu.bench.padStart(9),
    r.cpu.other.padStart(9),
  ].join(' | ');
}

/** First full interval against the last: the drift a leak or a growing table would show. */
function summaryOf(rows: readonly Row[]): string {
  const requests = rows.reduce((n, r) => n + r.requests, 0);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  const lines = [`Soak done: ${requests} requests, ${errors} errors, ${rows.length} intervals.`];
  // the first interval includes JIT warm-up and pool growth
  const first = rows[Math.min(1, rows.length - 1)];
  const last = rows[rows.length - 1];
  if (first && last && first !== last) {
    const rss = first.rssAvgMb !== undefined && last.rssAvgMb !== undefined ? `RSS avg ${first.rssAvgMb.toFixed(0)} -> ${last.rssAvgMb.toFixed(0)} MB` : 'RSS not sampled';
    const peak = Math.max(...rows.map((r) => r.rssPeakMb ?? 0));
    lines.push(`Interval ${first.index} -> ${last.index}: ${rss} (peak ${peak.toFixed(0)} MB), p99 ${first.p99.toFixed(1)} -> ${last.p99.toFixed(1)} ms, req/s ${first.rps.toFixed(1)} -> ${last.rps.toFixed(1)}.`);
  }
  return lines.join('\n');
}

function share(cpu: number | undefined, seconds: number): string {
  return cpu === undefined || seconds <= 0 ? '' : `${Math.round((cpu / seconds) * 100)}%`;
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

function formatDuration(seconds: number): string {
  if (seconds >= 60 && seconds % 60 < 0.5) return `${Math.round(seconds / 60)}m`;
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s` : `${Math.round(seconds)}s`;
}

/** `30m`, `90s`, `1h` or plain seconds. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
  return n > 0 ? n * unit : undefined;
}
