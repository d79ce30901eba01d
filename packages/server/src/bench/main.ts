/**
 * `npm run bench`: the project's load generator. Starts the built server on a fresh backend
 * (or targets --url), seeds what the selected scenarios need, runs each scenario for
 * --duration seconds with --clients keep-alive clients, and prints throughput, latency,
 * errors and server memory next to Python MLflow 2.12.2's figures for the same load.
 * Exit code: 0, or 1 when a scenario had errors (targets missed are reported, not fatal).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { backendOf, loadBaseline, PYTHON_RPS } from './baseline.js';
import type { TargetBackend } from './baseline.js';
import { redact } from '../db/backendUri.js';
import { prepareBackend } from './backend.js';
import { HttpClient } from './client.js';
import { OptionsError, parseBenchOptions, USAGE } from './options.js';
import type { BenchOptions } from './options.js';
import { formatSummary, formatTable, summarize } from './report.js';
import { canSampleProcess, ProcessSampler, waitForQuietMachine } from './processTree.js';
import { runScenario } from './runner.js';
import type { ScenarioResult } from './runner.js';
import { SCENARIOS } from './scenarios.js';
import type { Fixtures, Need, Scenario } from './scenarios.js';
import { Seeder } from './seed.js';
import { runSoak, SOAK_SCENARIOS } from './soak.js';
import { startServer } from './serverProcess.js';
import { oursFirst, resolveComparedTarget } from './compare.js';
import type { CompareOptions, Target } from './compare.js';

type Cleanup = () => Promise<void>;

/** Command names of local database servers, whose CPU the report shows apart. */
const DB_PROCESSES: Record<TargetBackend, ReadonlySet<string>> = {
  sqlite: new Set(),
  mysql: new Set(['mariadbd', 'mysqld']),
  postgresql: new Set(['postgres']),
};

export async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(`Error: ${err.problems.join('\nError: ')}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const cleanups: Cleanup[] = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => console.error(`cleanup failed: ${String(e)}`));
  };
  // Ctrl-C must not leave a server running or a database behind
  process.once('SIGINT', () => {
    console.error('\nInterrupted: stopping the server and removing the bench data...');
    void runCleanups().then(() => process.exit(130));
  });
  try {
    return await bench(options, cleanups);
  } finally {
    await runCleanups();
  }
}

async function bench(options: BenchOptions, cleanups: Cleanup[]): Promise<number> {
  // read before minutes of seeding, so a wrong path fails at once
  const baseline = options.baselinePath ? loadBaseline(options.baselinePath) : PYTHON_RPS;
  const target = await resolveTarget(options, cleanups);
  const backend: TargetBackend = options.targets ?? backendOf(options.backendStoreUri);
  const names = options.soakSeconds !== undefined ? SOAK_SCENARIOS : options.scenarios;
  const selected = names.map((name) => SCENARIOS.find((s) => s.name === name) as Scenario);
  console.log(header(options, target, backend));
  const { client, fixtures, sampler } = await prepareSide(target, options, selected, backend, cleanups, await benchCredentials(options, target));
  if (options.soakSeconds !== undefined) {
    const settings = { seconds: options.soakSeconds, intervalSeconds: options.soakIntervalSeconds, clients: options.clients };
    return runSoak(client, fixtures, settings, sampler);
  }
  if (options.compare) return compareBench(options, options.compare, { target, client, fixtures, sampler }, selected, backend, cleanups);
  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    if (options.quietWaitSeconds > 0 && !(await waitForQuietMachine(options.quietWaitSeconds))) {
      console.log(`  (the machine is still busy after ${options.quietWaitSeconds} s; running ${scenario.name} anyway)`);
    }
    const result = await runScenario(scenario.name, scenario.build(fixtures), client, options, sampler);
    console.log(progressLine(result));
    results.push(result);
  }

  const summary = summarize(results, backend, baseline);
  const baselineLabel = options.baselinePath ? 'baseline req/s' : 'Python req/s';
  console.log(`\n${formatTable(results, summary, baselineLabel)}\n\n${formatSummary(summary, results)}`);
  if (options.jsonPath) {
    // no database password in a results file that may be shared
    const safeOptions = { ...options, backendStoreUri: options.backendStoreUri && redact(options.backendStoreUri) };
    const safeTarget = { ...target, command: target.command && redact(target.command) };
    const doc = { machine: machine(), target: safeTarget, backend, options: safeOptions, fixtures, baseline, results, summary };
    fs.writeFileSync(options.jsonPath, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`Results written to ${options.jsonPath}`);
  }
  return summary.flagged.length > 0 ? 1 : 0;
}

/** A server under test: its client, the data seeded into it, and its process sampler. */
interface Side {
  readonly target: Target;
  readonly client: HttpClient;
  readonly fixtures: Fixtures;
  readonly sampler: ProcessSampler | undefined;
}

async function prepareSide(
  target: Target,
  options: BenchOptions,
  selected: readonly Scenario[],
  backend: TargetBackend,
  cleanups: Cleanup[],
  credentials: string | undefined,
): Promise<Side> {
  const client = new HttpClient(target.urls, options.clients, credentials);
  cleanups.push(async () => client.close());
  const health = await client.get('/health').catch((e: Error) => e);
  if (health instanceof Error || health.status !== 200) throw new Error(`${target.url}/health does not answer 200; is the server running?`);
  const fixtures = await seed(client, options, selected);
  const sampler = target.pids.length > 0 && target.pids.every(canSampleProcess) ? new ProcessSampler(target.pids, DB_PROCESSES[backend]) : undefined;
  return { target, client, fixtures, sampler };
}

/**
 * --compare: the second server is seeded with the same data and every scenario runs on both,
 * alternating which goes first; ratios are ours over theirs, measured minutes apart.
 */
async function compareBench(
  options: BenchOptions,
  compare: CompareOptions,
  ours: Side,
  selected: readonly Scenario[],
  backend: TargetBackend,
  cleanups: Cleanup[],
): Promise<number> {
  const other = await resolveComparedTarget(compare, options.backendStoreUri, cleanups);
  console.log(`Compared with ${other.description}${other.command ? `\n  started as: ${redact(other.command)}` : ''}`);
  const theirs = await prepareSide(other, options, selected, backend, cleanups, undefined);
  const ourResults: ScenarioResult[] = [];
  const theirResults: ScenarioResult[] = [];
  for (const [i, scenario] of selected.entries()) {
    const order = oursFirst(i) ? [ours, theirs] : [theirs, ours];
    for (const side of order) {
      if (options.quietWaitSeconds > 0 && !(await waitForQuietMachine(options.quietWaitSeconds))) {
        console.log(`  (the machine is still busy after ${options.quietWaitSeconds} s; running ${scenario.name} anyway)`);
      }
      const result = await runScenario(scenario.name, scenario.build(side.fixtures), side.client, options, side.sampler);
      console.log(`${side === ours ? 'ours  ' : 'theirs'} ${progressLine(result)}`);
      (side === ours ? ourResults : theirResults).push(result);
    }
  }
  const theirRps = Object.fromEntries(theirResults.filter((r) => r.status !== 'unavailable').map((r) => [r.name, r.rps]));
  const healthRps = ourResults.find((r) => r.name === 'health' && r.status === 'ok')?.rps;
  const summary = summarize(ourResults, backend, theirRps, healthRps);
  const theirSummary = summarize(theirResults, backend, {});
  console.log(`\n${other.description}:\n${formatTable(theirResults, theirSummary, 'baseline req/s')}\n\n${formatSummary(theirSummary, theirResults, false)}`);
  console.log(`\n${ours.target.description}, ratios to ${compare.label} measured side by side:`);
  console.log(`${formatTable(ourResults, summary, `${compare.label} req/s`)}\n\n${formatSummary(summary, ourResults)}`);
  if (options.jsonPath) {
    const safeOptions = { ...options, backendStoreUri: options.backendStoreUri && redact(options.backendStoreUri) };
    const safe = (t: Target) => ({ ...t, command: t.command && redact(t.command) });
    const doc = {
      machine: machine(),
      target: safe(ours.target),
      backend,
      options: safeOptions,
      fixtures: ours.fixtures,
      baseline: theirRps,
      results: ourResults,
      summary,
      compared: { label: compare.label, target: safe(other), results: theirResults, summary: theirSummary },
    };
    fs.writeFileSync(options.jsonPath, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`Results written to ${options.jsonPath}`);
  }
  return summary.flagged.length > 0 ? 1 : 0;
}

const BENCH_ADMIN = { username: 'bench-admin', password: randomBytes(12).toString('hex') };
const BENCH_USER = { username: 'bench-user', password: randomBytes(12).toString('hex') };

/** With --auth: a non-admin user (admins skip the permission checks that are being measured). */
async function benchCredentials(options: BenchOptions, target: Target): Promise<string | undefined> {
  if (!options.auth) return undefined;
  const basic = (u: { username: string; password: string }) => `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
  const admin = new HttpClient(target.url, 1, basic(BENCH_ADMIN));
  try {
    const created = await admin.post('/api/2.0/mlflow/users/create', BENCH_USER);
    if (created.status !== 200) throw new Error(`creating the bench user failed: ${created.status} ${created.body.toString('utf8')}`);
  } finally {
    admin.close();
  }
  return basic(BENCH_USER);
}

async function resolveTarget(options: BenchOptions, cleanups: Cleanup[]): Promise<Target> {
  if (options.url !== undefined) {
    return { url: options.url, urls: [options.url], pids: options.serverPid === undefined ? [] : [options.serverPid], description: `server at ${options.url}`, command: undefined };
  }
  const backend = await prepareBackend(options.backendStoreUri);
  cleanups.push(() => backend.cleanup());
  const settings = {
    backendStoreUri: backend.uri,
    artifactRoot: backend.artifactRoot,
    workers: options.workers,
    nodeArgs: options.serverNodeArgs,
    authAdmin: options.auth ? BENCH_ADMIN : undefined,
  };
  // the first replica initialises the database, the others find it ready
  const servers = [await startServer(settings)];
  cleanups.push(() => servers[0]!.stop());
  while (servers.length < options.replicas) {
    const next = await startServer(settings);
    cleanups.push(() => next.stop());
    servers.push(next);
  }
  const first = servers[0]!;
  const workers = options.workers ?? 1;
  const replicas = options.replicas > 1 ? `${options.replicas} replicas, ` : '';
  return {
    url: first.url,
    urls: servers.map((s) => s.url),
    // with replicas, RSS and CPU are the sums over every replica's process tree
    pids: servers.map((s) => s.pid),
    description: `Darwin MLflow (${replicas}pid ${servers.map((s) => s.pid).join(', ')}, ${workers} worker${workers > 1 ? 's' : ''} each) on ${backend.label}`,
    command: first.command,
  };
}

/** Seeds only what the selected scenarios read, timing each part. */
async function seed(client: HttpClient, options: BenchOptions, selected: readonly Scenario[]): Promise<Fixtures> {
  const needs = new Set<Need>(selected.flatMap((s) => [...s.needs]));
  if (!options.registry) needs.delete('registry');
  const seeder = new Seeder(client, options.clients, `bench-${Date.now().toString(36)}`);
  const fixtures: Fixtures = { experimentsCreated: 0 };
  const started = performance.now();
  const step = async (need: Need, what: string, fn: () => Promise<void>) => {
    if (!needs.has(need)) return;
    const t0 = performance.now();
    await fn();
    console.log(`  seeded ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  console.log('Seeding (REST API, log-batch)...');
  await step('create', 'the create_run experiment', async () => void (fixtures.createExperimentId = await seeder.createRunExperiment()));
  await step('clients', `${options.clients} client runs`, async () => void (fixtures.clientRunIds = await seeder.clientRuns(options.clients)));
  await step('wide', 'a run with 1000 metric keys', async () => void (fixtures.wideRunId = await seeder.wideRun()));
  await step('history', 'a run with a 10,000-point metric', async () => void (fixtures.history = await seeder.historyRun()));
  await step('search', '2000 runs (5 params, 5 metrics, 3 tags each)', async () => void (fixtures.search = await seeder.searchExperiment()));
  if (needs.has('registry')) {
    const t0 = performance.now();
    fixtures.registry = await seeder.registry();
    const took = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    if (typeof fixtures.registry === 'string') console.log(`  NOTICE: registry scenarios skipped: ${fixtures.registry}`);
    else console.log(`  seeded 1000 registered models × 5 versions in ${took}`);
  }
  fixtures.experimentsCreated = seeder.experimentsCreated;
  const seconds = (performance.now() - started) / 1000;
  console.log(`Seeding done: ${seeder.requests} requests in ${seconds.toFixed(1)} s.\n`);
  return fixtures;
}

function header(options: BenchOptions, target: Target, backend: TargetBackend): string {
  const m = machine();
  return [
    `Darwin MLflow bench — ${target.description}`,
    `  machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryMb} MB RAM, Node ${m.node}`,
    options.soakSeconds !== undefined
      ? `  load: ${options.clients} clients, soak of ${options.soakSeconds} s`
      : `  load: ${options.clients} clients, ${options.durationSeconds} s per scenario after ${options.warmupSeconds} s warm-up; targets for ${backend}`,
  ].join('\n');
}

function machine() {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.versions.node,
    platform: `${os.type()} ${os.release()}`,
  };
}

function progressLine(r: ScenarioResult): string {
  const name = r.name.padEnd(24);
  if (r.status === 'unavailable') return `${name} unavailable: ${r.reason}`;
  const rss = r.server ? `  RSS ${r.server.peakMb.toFixed(0)} MB  server CPU ${Math.round((r.server.cpuSeconds / r.seconds) * 100)}%` : '';
  const flag = r.status === 'errors' ? `  FLAGGED (${r.errors} errors)` : '';
  return `${name} ${r.rps.toFixed(1).padStart(9)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms${rss}${flag}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
