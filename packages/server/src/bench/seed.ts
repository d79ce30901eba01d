/**
 * Seeds the data the scenarios read, through the REST API only (so it works against Python
 * MLflow too), with many requests in flight and log-batch wherever MLflow allows it. Data is
 * generated from a fixed PRNG seed, so the expected search counts are known in advance.
 * Names carry a per-run tag: benching the same server twice never collides.
 */
import { expectJson, isMissingEndpoint } from './client.js';
import type { HttpClient } from './client.js';

const API = '/api/2.0/mlflow';
export const SEARCH_RUNS = 2000;
export const HISTORY_POINTS = 10_000;
export const WIDE_METRIC_KEYS = 1000;
export const REGISTERED_MODELS = 1000;
export const VERSIONS_PER_MODEL = 5;
/** MLflow's log-batch limit (MAX_METRICS_PER_BATCH). */
const METRICS_PER_BATCH = 1000;
const TEAMS = ['a', 'b', 'c', 'd'];

/** `metrics.m1 > 0.3 and params.p2 != '5' and tags.team = 'a'` — ~16% of the seeded runs. */
export const SEARCH_FILTER = "metrics.m1 > 0.3 and params.p2 != '5' and tags.team = 'a'";

export interface SearchFixture {
  readonly experimentId: string;
  /** Seeded runs that satisfy SEARCH_FILTER. */
  readonly matching: number;
}

export interface RegistryFixture {
  /** Every seeded model name starts with this. */
  readonly prefix: string;
}

export class Seeder {
  /** Experiments this bench created (search_experiments expects at least these). */
  experimentsCreated = 0;
  requests = 0;
  private readonly experimentIds = new Map<string, Promise<string>>();

  constructor(
    private readonly client: HttpClient,
    private readonly concurrency: number,
    /** Per-bench-run prefix for every name. */
    readonly tag: string,
  ) {}

  /** One experiment with SEARCH_RUNS finished runs: 5 params, 5 metrics at step 0, 3 tags. */
  async searchExperiment(): Promise<SearchFixture> {
    const experimentId = await this.experiment('search');
    const random = mulberry32(42);
    const base = Date.now() - SEARCH_RUNS * 1000;
    let matching = 0;
    const runs = Array.from({ length: SEARCH_RUNS }, (_, i) => {
      const metrics = Array.from({ length: 5 }, () => random());
      const params = Array.from({ length: 5 }, () => String(Math.floor(random() * 10)));
      const team = TEAMS[Math.floor(random() * TEAMS.length)] as string;
      if ((metrics[1] as number) > 0.3 && params[2] !== '5' && team === 'a') matching++;
      return { i, metrics, params, team, start: base + i * 1000 };
    });
    await this.parallel(runs, async (run) => {
      const runId = await this.createRun(experimentId, {
        run_name: `seed-${run.i}`,
        start_time: run.start,
        tags: [
          { key: 'team', value: run.team },
          { key: 'dataset', value: `ds-${run.i % 7}` },
          { key: 'model_type', value: run.i % 2 === 0 ? 'tree' : 'linear' },
        ],
      });
      await this.post('runs/log-batch', {
        run_id: runId,
        params: run.params.map((value, k) => ({ key: `p${k}`, value })),
        metrics: run.metrics.map((value, k) => ({ key: `m${k}`, value, timestamp: run.start, step: 0 })),
      });
      await this.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: run.start + 500 });
    });
    return { experimentId, matching };
  }

  /** A run with one metric of HISTORY_POINTS steps; returns [run id, metric key]. */
  async historyRun(): Promise<{ runId: string; key: string }> {
    const runId = await this.createRun(await this.experiment('fixtures'), { run_name: 'history-10k' });
    const base = Date.now();
    const batches = Array.from({ length: HISTORY_POINTS / METRICS_PER_BATCH }, (_, b) => b);
    await this.parallel(batches, (b) =>
      this.post('runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: METRICS_PER_BATCH }, (_, j) => {
          const step = b * METRICS_PER_BATCH + j;
          return { key: 'loss', value: 1 / (step + 1), timestamp: base + step, step };
        }),
      }),
    );
    return { runId, key: 'loss' };
  }

  /** A run with WIDE_METRIC_KEYS metric keys (what a big get_run returns). */
  async wideRun(): Promise<string> {
    const runId = await this.createRun(await this.experiment('fixtures'), { run_name: 'wide-1000' });
    const now = Date.now();
    await this.post('runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: WIDE_METRIC_KEYS }, (_, k) => ({ key: `metric_${String(k).padStart(4, '0')}`, value: k / 7, timestamp: now, step: 0 })),
    });
    return runId;
  }

  /** One RUNNING run per client for the logging scenarios. */
  async clientRuns(clients: number): Promise<string[]> {
    const experimentId = await this.experiment('logging');
    const ids: string[] = new Array<string>(clients);
    await this.parallel(
      Array.from({ length: clients }, (_, c) => c),
      async (c) => {
        ids[c] = await this.createRun(experimentId, { run_name: `client-${c}`, start_time: Date.now() });
      },
    );
    return ids;
  }

  /** Experiment receiving the runs of create_run. */
  createRunExperiment(): Promise<string> {
    return this.experiment('create');
  }

  /**
   * REGISTERED_MODELS models × VERSIONS_PER_MODEL versions, or a reason it cannot be done
   * (the registry endpoints answer 404 on servers that do not have them yet).
   */
  async registry(): Promise<RegistryFixture | string> {
    const prefix = `${this.tag}-model-`;
    const first = await this.client.post(`${API}/registered-models/create`, { name: `${prefix}0000` });
    if (isMissingEndpoint(first)) return 'registered-models/create answers 404 (model registry not implemented)';
    expectJson(first, 'registered-models/create');
    this.requests++;
    const probe = await this.client.post(`${API}/model-versions/create`, { name: `${prefix}0000`, source: sourceOf(prefix, 0, 1) });
    if (isMissingEndpoint(probe)) return 'model-versions/create answers 404 (model versions not implemented)';
    expectJson(probe, 'model-versions/create');
    this.requests++;
    const models = Array.from({ length: REGISTERED_MODELS }, (_, m) => m);
    await this.parallel(models, async (m) => {
      const name = `${prefix}${String(m).padStart(4, '0')}`;
      if (m > 0) await this.post('registered-models/create', { name, tags: [{ key: 'owner', value: TEAMS[m % 4] }] });
      // versions of one model one after another: numbers are allocated per model
      for (let v = m === 0 ? 2 : 1; v <= VERSIONS_PER_MODEL; v++) {
        await this.post('model-versions/create', { name, source: sourceOf(prefix, m, v) });
      }
    });
    return { prefix };
  }

  private experiment(purpose: string): Promise<string> {
    let id = this.experimentIds.get(purpose);
    if (!id) {
      id = this.post<{ experiment_id: string }>('experiments/create', { name: `${this.tag}-${purpose}` }).then((r) => r.experiment_id);
      this.experimentsCreated++;
      this.experimentIds.set(purpose, id);
    }
    return id;
  }

  private async createRun(experimentId: string, fields: Record<string, unknown>): Promise<string> {
    const reply = await this.post<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: experimentId, user_id: 'bench', ...fields });
    return reply.run.info.run_id;
  }

  private async post<T = unknown>(endpoint: string, body: object): Promise<T> {
    this.requests++;
    return expectJson<T>(await this.client.post(`${API}/${endpoint}`, body), endpoint);
  }

  /** Runs `fn` over `items` with at most `concurrency` in flight. */
  private async parallel<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < items.length) await fn(items[next++] as T);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, lane));
  }
}

/** A remote source: local paths would have to live inside a run's artifact directory (MLflow §4.5). */
function sourceOf(prefix: string, model: number, version: number): string {
  return `s3://darwin-bench/${prefix}${model}/v${version}/model`;
}

/** Small deterministic PRNG: the same data (and expected counts) on every run and server. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
