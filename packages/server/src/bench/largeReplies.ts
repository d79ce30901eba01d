/**
 * `npm run bench:large`: memory and latency of replies far larger than the default bench's
 * (issue 11's "memory flat in the size of a reply"), kept out of `npm run bench` because seeding
 * and reading them takes minutes. One client asks, one request at a time:
 *   search_runs_50k        runs/search, max_results 50,000 over 50,000 runs
 *   metric_history_1m      metrics/get-history of a 1,000,000-point metric
 *   history_bulk_interval  metrics/get-history-bulk-interval, 100 run ids × 2,500 sampled points
 * For each: the idle RSS of the server's processes before it, their peak RSS while it runs
 * (sampled every 10 ms), and the times to the first and the last byte of the reply.
 */
import http from 'node:http';
import fs from 'node:fs';
import { parseFlags } from '../config/flags.js';
import { redact } from '../db/backendUri.js';
import { prepareBackend } from './backend.js';
import { treeRssKb } from './processTree.js';
import { sleep, startServer } from './serverProcess.js';
import { LARGE_HISTORY_POINTS, LARGE_KEY, LARGE_RUNS, seedLarge } from './largeSeed.js';
import type { LargeFixture } from './largeSeed.js';

const API = '/api/2.0/mlflow';
const RSS_SAMPLE_MS = 10;
/** Target: peak RSS during a large reply within this of the idle process. */
const FLAT_MB = 60;

interface LargeScenario {
  name: string;
  method: 'GET' | 'POST';
  path(f: LargeFixture): string;
  body?(f: LargeFixture): string;
  /** Marker counted in the reply, and how many there must be. */
  marker: string;
  expected: number;
}

const SCENARIOS: readonly LargeScenario[] = [
  {
    name: 'search_runs_50k',
    method: 'POST',
    path: () => `${API}/runs/search`,
    body: (f) => JSON.stringify({ experiment_ids: [f.experimentId], max_results: LARGE_RUNS }),
    marker: '"run_uuid"',
    // the history's run is in an experiment of its own
    expected: LARGE_RUNS,
  },
  {
    name: 'metric_history_1m',
    method: 'GET',
    path: (f) => `${API}/metrics/get-history?run_id=${f.historyRunId}&metric_key=${LARGE_KEY}`,
    marker: '"step"',
    expected: LARGE_HISTORY_POINTS,
  },
  {
    name: 'history_bulk_interval',
    method: 'GET',
    path: (f) => `${API}/metrics/get-history-bulk-interval?${new Array(100).fill(`run_ids=${f.historyRunId}`).join('&')}&metric_key=${LARGE_KEY}&max_results=2500`,
    marker: '"step"',
    // 2,500 sampled steps plus the run's last one, for each of the 100 ids
    expected: 100 * 2501,
  },
];

export interface LargeResult {
  scenario: string;
  idleMb: number;
  peakMb: number;
  overIdleMb: number;
  firstByteMs: number;
  lastByteMs: number;
  replyMb: number;
  error?: string;
}

function count(haystack: Buffer, needle: string): number {
  const n = Buffer.from(needle);
  let found = 0;
  for (let i = haystack.indexOf(n); i >= 0; i = haystack.indexOf(n, i + n.length)) found++;
  return found;
}

/** One request; the body is counted as it arrives, kept only in pieces. */
function request(base: string, s: LargeScenario, f: LargeFixture): Promise<{ first: number; last: number; bytes: number; markers: number; status: number }> {
  const url = new URL(base + s.path(f));
  const body = s.body?.(f);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: s.method, headers: body ? { 'content-type': 'application/json' } : {}, agent: false }, (res) => {
      let first = 0;
      let bytes = 0;
      let markers = 0;
      let carry = Buffer.alloc(0);
      res.on('data', (d: Buffer) => {
        if (first === 0) first = performance.now() - started;
        bytes += d.length;
        // a marker may straddle two chunks: count over the tail of the previous one too
        const joined = Buffer.concat([carry, d]);
        markers += count(joined, s.marker) - count(carry, s.marker);
        carry = joined.subarray(Math.max(0, joined.length - s.marker.length + 1));
      });
      res.on('end', () => resolve({ first, last: performance.now() - started, bytes, markers, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function idleRssMb(pid: number): Promise<number> {
  // let the previous scenario's garbage go first
  await sleep(2000);
  return (treeRssKb(pid) ?? 0) / 1024;
}

async function measure(base: string, pid: number, s: LargeScenario, f: LargeFixture): Promise<LargeResult> {
  const idleMb = await idleRssMb(pid);
  let peakKb = 0;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(pid) ?? 0)), RSS_SAMPLE_MS);
  try {
    const r = await request(base, s, f);
    const peakMb = Math.max(peakKb, treeRssKb(pid) ?? 0) / 1024;
    const error = r.status !== 200 ? `status ${r.status}` : r.markers !== s.expected ? `expected ${s.expected} ${s.marker}, got ${r.markers}` : undefined;
    const result = { scenario: s.name, idleMb, peakMb, overIdleMb: peakMb - idleMb, firstByteMs: r.first, lastByteMs: r.last, replyMb: r.bytes / 1048576 };
    return error ? { ...result, error } : result;
  } finally {
    clearInterval(timer);
  }
}

function formatLargeTable(results: readonly LargeResult[]): string {
  const rows = results.map((r) =>
    [
      r.scenario.padEnd(22),
      r.replyMb.toFixed(1).padStart(9),
      r.idleMb.toFixed(0).padStart(8),
      r.peakMb.toFixed(0).padStart(8),
      r.overIdleMb.toFixed(0).padStart(9),
      r.firstByteMs.toFixed(0).padStart(9),
      r.lastByteMs.toFixed(0).padStart(9),
      r.error ?? (r.overIdleMb <= FLAT_MB && r.firstByteMs < r.lastByteMs / 2 ? 'ok' : `MISSED (≤ ${FLAT_MB} MB over idle, first byte early)`),
    ].join(' '),
  );
  return [`${'scenario'.padEnd(22)} ${'reply MB'.padStart(9)} ${'idle MB'.padStart(8)} ${'peak MB'.padStart(8)} ${'over idle'.padStart(9)} ${'TTFB ms'.padStart(9)} ${'last ms'.padStart(9)}`, ...rows].join('\n');
}

const USAGE = `Usage: npm run bench:large -- [options]

  --backend-store-uri URI   backend of the started server (default: SQLite in a temp dir);
                            mysql:// and postgresql:// get a fresh database, dropped afterwards
  --url http://HOST:PORT    bench a running server instead (with --server-pid and the
                            --backend-store-uri it serves, which is seeded directly)
  --server-pid PID          with --url: the process whose RSS (with its children) is sampled
  --repeat N                requests per scenario (default 3)
  --scenarios a,b           subset of: ${SCENARIOS.map((s) => s.name).join(', ')}
  --json FILE               also write the results as JSON
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values, problems } = parseFlags(argv, [
    { name: 'backend-store-uri', kind: 'string' },
    { name: 'url', kind: 'string' },
    { name: 'server-pid', kind: 'string' },
    { name: 'repeat', kind: 'string' },
    { name: 'scenarios', kind: 'string' },
    { name: 'json', kind: 'string' },
    { name: 'help', short: 'h', kind: 'boolean' },
  ]);
  const str = (k: string) => values.get(k) as string | undefined;
  const names = str('scenarios')?.split(',') ?? SCENARIOS.map((s) => s.name);
  const selected = names.map((n) => SCENARIOS.find((s) => s.name === n));
  if (selected.some((s) => s === undefined)) problems.push(`--scenarios: pick from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const url = str('url');
  if (url !== undefined && (str('server-pid') === undefined || str('backend-store-uri') === undefined)) problems.push('--url needs --server-pid and --backend-store-uri');
  if (problems.length > 0 || values.get('help') === true) {
    console.error([...problems, USAGE].join('\n'));
    return problems.length > 0 ? 2 : 0;
  }
  const repeat = Number(str('repeat') ?? 3);
  const backend = url === undefined ? await prepareBackend(str('backend-store-uri')) : undefined;
  const server = backend ? await startServer({ backendStoreUri: backend.uri, artifactRoot: backend.artifactRoot, workers: undefined, nodeArgs: [] }) : undefined;
  try {
    const base = server?.url ?? (url as string);
    const pid = server?.pid ?? Number(str('server-pid'));
    const uri = backend?.uri ?? (str('backend-store-uri') as string);
    console.log(`bench:large against ${base} (pid ${pid}), backend ${redact(uri)}`);
    const fixture = await seedFixture(base, uri);
    const results: LargeResult[] = [];
    for (const s of selected as LargeScenario[]) {
      for (let i = 0; i < repeat; i++) {
        const r = await measure(base, pid, s, fixture);
        console.log(formatLargeTable([r]).split('\n')[1]);
        results.push(r);
      }
    }
    console.log(`\n${formatLargeTable(results)}`);
    const jsonPath = str('json');
    if (jsonPath) fs.writeFileSync(jsonPath, `${JSON.stringify({ backend: redact(uri), results }, null, 2)}\n`);
    return results.some((r) => r.error !== undefined) ? 1 : 0;
  } finally {
    await server?.stop();
    await backend?.cleanup();
  }
}

async function seedFixture(base: string, uri: string): Promise<LargeFixture> {
  const post = async (endpoint: string, body: object) => {
    const res = await fetch(`${base}${API}/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const started = performance.now();
  const experimentId = (await post('experiments/create', { name: `bench-large-${Date.now()}` })).experiment_id as string;
  const historyExperiment = (await post('experiments/create', { name: `bench-large-history-${Date.now()}` })).experiment_id as string;
  const run = (await post('runs/create', { experiment_id: historyExperiment, start_time: Date.now() })).run as { info: { run_id: string } };
  const fixture = { experimentId, historyRunId: run.info.run_id };
  await seedLarge(uri, fixture);
  console.log(`seeded ${LARGE_RUNS} runs and a ${LARGE_HISTORY_POINTS}-point metric in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return fixture;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`bench:large failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
