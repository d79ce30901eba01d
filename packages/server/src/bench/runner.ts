/**
 * Drives one scenario: a probe request (is the endpoint there at all?), an unmeasured
 * warm-up, then `clients` closed loops for the measured duration — each client sends its next
 * request as soon as the previous reply arrived, like a pool of MLflow clients would.
 */
import { performance } from 'node:perf_hooks';
import { describeFailure, isMissingEndpoint } from './client.js';
import type { HttpClient, Reply } from './client.js';
import { machineBusySeconds } from './processTree.js';
import type { ProcessSampler, ProcessStats } from './processTree.js';
import type { ScenarioLoop } from './scenarios.js';

export interface LoadSettings {
  readonly clients: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface ScenarioResult {
  readonly name: string;
  /** `unavailable`: the server lacks the endpoint (or its data); nothing was measured. */
  readonly status: 'ok' | 'errors' | 'unavailable';
  readonly reason?: string;
  readonly requests: number;
  readonly errors: number;
  /** Up to five distinct error messages with their counts. */
  readonly errorSamples: Record<string, number>;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Memory and CPU of the server's processes (when their pid is known). */
  readonly server: ProcessStats | undefined;
  /** CPU seconds the load generator itself used: it shares the machine with the server. */
  readonly benchCpuSeconds: number;
  /** CPU seconds used by everything else on the machine meanwhile (noise), when known. */
  readonly otherCpuSeconds: number | undefined;
}

const MAX_ERROR_SAMPLES = 5;

export async function runScenario(
  name: string,
  loop: ScenarioLoop | string,
  client: HttpClient,
  load: LoadSettings,
  sampler: ProcessSampler | undefined,
): Promise<ScenarioResult> {
  if (typeof loop === 'string') return unavailable(name, loop);
  const recorder = new Recorder(loop);
  let seq = 0;
  const probe = await attempt(() => loop.send(client, 0, seq++));
  if (probe instanceof Error) return finishWith(name, recorder.failed(probe), 0, undefined, NO_CPU);
  if (isMissingEndpoint(probe)) return unavailable(name, `the server answers 404: ${describeFailure(probe)}`);
  // the probe primes stateful checks (search_experiments' count) but is not counted: an error
  // it shows will show again in the measured phase
  recorder.record(probe, 0);
  recorder.reset();
  const next = () => seq++;
  if (load.warmupSeconds > 0) await drive(loop, client, load.clients, load.warmupSeconds, next, () => {});
  sampler?.start();
  const cpu = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  await drive(loop, client, load.clients, load.durationSeconds, next, (reply, ms) => recorder.record(reply, ms));
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineBusySeconds();
  const server = sampler?.stop();
  const bench = cpuSeconds(process.cpuUsage(cpu));
  let other: number | undefined;
  if (machineBefore !== undefined && machineAfter !== undefined && server !== undefined) {
    other = Math.max(0, machineAfter - machineBefore - server.cpuSeconds - (server.dbCpuSeconds ?? 0) - bench);
  }
  return finishWith(name, recorder, seconds, server, { bench, other });
}

/** `clients` loops until the deadline; in-flight requests finish (and count) after it. */
async function drive(
  loop: ScenarioLoop,
  client: HttpClient,
  clients: number,
  seconds: number,
  nextSeq: () => number,
  record: (reply: Reply | Error, ms: number) => void,
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  const one = async (clientIndex: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const reply = await attempt(() => loop.send(client, clientIndex, nextSeq()));
      record(reply, performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => one(c)));
}

async function attempt(fn: () => Promise<Reply>): Promise<Reply | Error> {
  try {
    return await fn();
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/** CPU seconds of the bench itself and of everything else on the machine during a scenario. */
interface CpuShares {
  bench: number;
  other: number | undefined;
}

const NO_CPU: CpuShares = { bench: 0, other: undefined };

class Recorder {
  latencies: number[] = [];
  errors = 0;
  samples: Record<string, number> = {};

  constructor(private readonly loop: ScenarioLoop) {}

  record(reply: Reply | Error, ms: number): void {
    this.latencies.push(ms);
    const problem = reply instanceof Error ? `request failed: ${reply.message}` : reply.status !== 200 ? describeFailure(reply) : this.loop.check(reply);
    if (problem !== undefined) this.error(problem);
  }

  failed(err: Error): this {
    this.error(`request failed: ${err.message}`);
    return this;
  }

  reset(): void {
    this.latencies = [];
    this.errors = 0;
    this.samples = {};
  }

  private error(message: string): void {
    this.errors++;
    const seen = this.samples[message];
    if (seen !== undefined) this.samples[message] = seen + 1;
    else if (Object.keys(this.samples).length < MAX_ERROR_SAMPLES) this.samples[message] = 1;
  }
}

function finishWith(name: string, r: Recorder, seconds: number, server: ProcessStats | undefined, cpu: CpuShares): ScenarioResult {
  const sorted = Float64Array.from(r.latencies).sort();
  return {
    name,
    status: r.errors > 0 ? 'errors' : 'ok',
    requests: sorted.length,
    errors: r.errors,
    errorSamples: r.samples,
    seconds,
    rps: seconds > 0 ? sorted.length / seconds : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    server,
    benchCpuSeconds: cpu.bench,
    otherCpuSeconds: cpu.other,
  };
}

/** Nearest-rank percentile of sorted latencies (0 when there are none). */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

function unavailable(name: string, reason: string): ScenarioResult {
  return { name, status: 'unavailable', reason, requests: 0, errors: 0, errorSamples: {}, seconds: 0, rps: 0, p50Ms: 0, p99Ms: 0, server: undefined, benchCpuSeconds: 0, otherCpuSeconds: undefined };
}
