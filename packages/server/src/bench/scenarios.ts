/**
 * The benchmark scenarios: what one client sends in a loop, and how each reply is checked.
 * Requests are what the MLflow Python client and UI send; checks go beyond the status (search
 * counts, history length) so a fast but wrong server cannot score.
 */
import { countOccurrences } from './client.js';
import type { HttpClient, Reply } from './client.js';
import { HISTORY_POINTS, REGISTERED_MODELS, SEARCH_FILTER, SEARCH_RUNS, VERSIONS_PER_MODEL, WIDE_METRIC_KEYS } from './seed.js';
import type { RegistryFixture, SearchFixture } from './seed.js';

const API = '/api/2.0/mlflow';

/** Seeded data a scenario reads or writes into; seeded only when a selected scenario needs it. */
export interface Fixtures {
  search?: SearchFixture;
  history?: { runId: string; key: string };
  wideRunId?: string;
  clientRunIds?: string[];
  createExperimentId?: string;
  /** The seeded registry, or why it is not there. */
  registry?: RegistryFixture | string;
  experimentsCreated: number;
}

export type Need = 'search' | 'history' | 'wide' | 'clients' | 'create' | 'registry';

export interface ScenarioLoop {
  /** Request number `seq` (unique within the scenario) from client `clientIndex`. */
  send(client: HttpClient, clientIndex: number, seq: number): Promise<Reply>;
  /** Called for 200 replies: an error description, or undefined when the reply is right. */
  check(reply: Reply): string | undefined;
}

export interface Scenario {
  readonly name: string;
  readonly needs: readonly Need[];
  /** The request loop, or the reason the scenario cannot run on this server. */
  build(fixtures: Fixtures): ScenarioLoop | string;
}

const ok = (): undefined => undefined;
const json = (body: object) => JSON.stringify(body);

/** A check that the reply holds exactly `expected` occurrences of a per-entity marker. */
function expectCount(marker: string, expected: number, what: string) {
  return (reply: Reply) => {
    const n = countOccurrences(reply.body, marker);
    return n === expected ? undefined : `expected ${expected} ${what}, got ${n}`;
  };
}

function metricsBatch(runId: string, keys: readonly string[], seq: number): object {
  const timestamp = Date.now();
  return { run_id: runId, metrics: keys.map((key, k) => ({ key, value: (seq % 1000) / 7 + k, timestamp, step: seq })) };
}

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
const BATCH_10_KEYS = keys('batch10_', 10);
const BATCH_500_KEYS = keys('batch500_', 500);

const createRun: Scenario = {
  name: 'create_run',
  needs: ['create'],
  build: (f) => {
    const experimentId = f.createExperimentId as string;
    return {
      // what mlflow.start_run() sends
      send: (client, c, seq) =>
        client.post(`${API}/runs/create`, {
          experiment_id: experimentId,
          user_id: 'bench',
          start_time: Date.now(),
          tags: [
            { key: 'mlflow.user', value: 'bench' },
            { key: 'mlflow.source.name', value: `client-${c}` },
            { key: 'mlflow.runName', value: `bench-run-${seq}` },
          ],
        }),
      check: (reply) => (reply.body.includes('"run_id"') ? undefined : 'no run_id in the reply'),
    };
  },
};

function loggingScenario(name: string, body: (runId: string, seq: number) => object): Scenario {
  return {
    name,
    needs: ['clients'],
    build: (f) => {
      const runIds = f.clientRunIds as string[];
      const path = name === 'log_metric' ? `${API}/runs/log-metric` : `${API}/runs/log-batch`;
      return { send: (client, c, seq) => client.post(path, body(runIds[c] as string, seq)), check: ok };
    },
  };
}

const logMetric = loggingScenario('log_metric', (runId, seq) => ({
  run_id: runId,
  key: 'train_loss',
  value: 1 / (seq + 1),
  timestamp: Date.now(),
  step: seq,
}));
const logBatch10 = loggingScenario('log_batch_10', (runId, seq) => metricsBatch(runId, BATCH_10_KEYS, seq));
const logBatch500 = loggingScenario('log_batch_500', (runId, seq) => metricsBatch(runId, BATCH_500_KEYS, seq));
// params can be written once per key, so every request brings 100 new keys
const logParams100 = loggingScenario('log_params_100', (runId, seq) => ({
  run_id: runId,
  params: Array.from({ length: 100 }, (_, k) => ({ key: `param_${seq}_${k}`, value: `value-${k}` })),
}));

function searchRunsScenario(name: string, request: (experimentId: string) => object, expected: (f: SearchFixture) => number): Scenario {
  return {
    name,
    needs: ['search'],
    build: (f) => {
      const search = f.search as SearchFixture;
      const body = json(request(search.experimentId));
      return {
        send: (client) => client.post(`${API}/runs/search`, body),
        check: expectCount('"run_uuid"', expected(search), 'runs'),
      };
    },
  };
}

const searchRuns = searchRunsScenario(
  'search_runs',
  (experimentId) => ({ experiment_ids: [experimentId], filter: SEARCH_FILTER, order_by: ['metrics.m0 DESC'], max_results: 100 }),
  (f) => Math.min(100, f.matching),
);
const searchRunsAll = searchRunsScenario(
  'search_runs_all',
  (experimentId) => ({ experiment_ids: [experimentId], max_results: 1000 }),
  () => Math.min(1000, SEARCH_RUNS),
);

const searchExperiments: Scenario = {
  name: 'search_experiments',
  needs: [],
  build: (f) => {
    const body = json({ max_results: 100 });
    // other experiments may exist on a --url server: the first reply fixes the count
    const atLeast = Math.min(100, f.experimentsCreated + 1);
    let expected: number | undefined;
    return {
      send: (client) => client.post(`${API}/experiments/search`, body),
      check: (reply) => {
        const n = countOccurrences(reply.body, '"experiment_id"');
        expected ??= n;
        if (n < atLeast) return `expected at least ${atLeast} experiments, got ${n}`;
        return n === expected ? undefined : `expected ${expected} experiments, got ${n}`;
      },
    };
  },
};

const getRun: Scenario = {
  name: 'get_run',
  needs: ['wide'],
  build: (f) => {
    const path = `${API}/runs/get?run_id=${f.wideRunId}`;
    // params and tags carry no "step": it counts the metrics
    return { send: (client) => client.get(path), check: expectCount('"step"', WIDE_METRIC_KEYS, 'metrics') };
  },
};

const metricHistory: Scenario = {
  name: 'metric_history_10k',
  needs: ['history'],
  build: (f) => {
    const h = f.history as { runId: string; key: string };
    const path = `${API}/metrics/get-history?run_id=${h.runId}&metric_key=${h.key}`;
    return { send: (client) => client.get(path), check: expectCount('"step"', HISTORY_POINTS, 'points') };
  },
};

function registryScenario(name: string, path: (prefix: string) => string, check: ScenarioLoop['check']): Scenario {
  return {
    name,
    needs: ['registry'],
    build: (f) => {
      const registry = f.registry ?? 'registry seeding is switched off (--no-registry)';
      if (typeof registry === 'string') return registry;
      const url = path(registry.prefix);
      return { send: (client) => client.get(url), check };
    },
  };
}

const likeSeeded = (prefix: string) => encodeURIComponent(`name LIKE '${prefix}%'`);

// the UI's model list: one page of 100 models in name order, each with its latest versions
const searchRegisteredModels = registryScenario(
  'search_registered_models',
  (prefix) => `${API}/registered-models/search?filter=${likeSeeded(prefix)}&max_results=100`,
  (reply) => {
    const n = (JSON.parse(reply.body.toString('utf8')) as { registered_models?: unknown[] }).registered_models?.length ?? 0;
    return n === 100 ? undefined : `expected 100 registered models, got ${n}`;
  },
);
// 1000 of the 5000 versions, in the default last-updated order
const searchModelVersions = registryScenario(
  'search_model_versions',
  (prefix) => `${API}/model-versions/search?filter=${likeSeeded(prefix)}&max_results=1000`,
  expectCount('"current_stage"', Math.min(1000, REGISTERED_MODELS * VERSIONS_PER_MODEL), 'model versions'),
);

const health: Scenario = {
  name: 'health',
  needs: [],
  build: () => ({
    send: (client) => client.get('/health'),
    check: (reply) => (reply.body.toString() === 'OK' ? undefined : `expected OK, got ${reply.body.toString().slice(0, 50)}`),
  }),
};

export const SCENARIOS: readonly Scenario[] = [
  createRun,
  logMetric,
  logBatch10,
  logBatch500,
  logParams100,
  searchRuns,
  searchRunsAll,
  searchExperiments,
  getRun,
  metricHistory,
  searchRegisteredModels,
  searchModelVersions,
  health,
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);
