/**
 * `MlflowClient`: every tracking, registry, artifact, auth and Darwin `/v1` call, grouped by
 * resource (`client.runs.search(…)`, `client.registeredModels.get(…)`), plus the fluent run API.
 */
import { Api } from './api.js';
import type { BatchingOptions } from './batching.js';
import { loadClientConfig } from './config.js';
import type { ClientConfig, ClientOptions, Env } from './config.js';
import { NotFoundError } from './errors.js';
import { onBeforeExit } from './exit.js';
import { HttpTransport } from './http.js';
import { Artifacts } from './resources/artifacts.js';
import type { ArtifactLocation, TransferOptions } from './resources/artifacts.js';
import { Permissions, Users } from './resources/auth.js';
import { DarwinApi } from './resources/darwin.js';
import { ModelVersions, RegisteredModels } from './resources/registry.js';
import { Experiments, Metrics, Runs, tagList } from './resources/tracking.js';
import type { Tags } from './resources/tracking.js';
import { ActiveRun, defaultRunTags, deployUri } from './run.js';
import type { Run, RunInfo } from './types.js';
import { UriResolver, parseArtifactUri } from './uri.js';

export interface MlflowClientOptions extends ClientOptions {
  /** Environment to read `MLFLOW_*` and `user` from; default `process.env`. Pass `{}` to ignore it. */
  env?: Env;
  batching?: BatchingOptions;
  /** End active runs FINISHED when the process ends naturally (MLflow's atexit); default true. */
  endRunsOnExit?: boolean;
}

export interface StartRunOptions {
  experimentId?: string;
  /** Created when missing, as `mlflow.set_experiment` does. */
  experimentName?: string;
  runName?: string;
  tags?: Tags;
  /** Resume this run (default: `MLFLOW_RUN_ID`) instead of creating one. */
  runId?: string;
}

export class MlflowClient {
  readonly config: ClientConfig;
  readonly transport: HttpTransport;
  readonly experiments: Experiments;
  readonly runs: Runs;
  readonly metrics: Metrics;
  readonly artifacts: Artifacts;
  readonly registeredModels: RegisteredModels;
  readonly modelVersions: ModelVersions;
  readonly users: Users;
  readonly permissions: Permissions;
  /** Darwin's `/v1` app-layer API (Darwin servers only). */
  readonly v1: DarwinApi;
  private readonly uris: UriResolver;
  private readonly batching: BatchingOptions;
  private readonly active = new Set<ActiveRun>();
  private removeExitHook: (() => void) | undefined;
  private readonly endRunsOnExit: boolean;

  constructor(options: MlflowClientOptions = {}) {
    const { env, batching, endRunsOnExit, ...overrides } = options;
    this.config = loadClientConfig(overrides, env ?? process.env);
    this.transport = new HttpTransport(this.config);
    const api = new Api(this.transport);
    this.experiments = new Experiments(api);
    this.runs = new Runs(api);
    this.metrics = new Metrics(api);
    this.artifacts = new Artifacts(api);
    this.registeredModels = new RegisteredModels(api);
    this.modelVersions = new ModelVersions(api);
    this.users = new Users(api);
    this.permissions = new Permissions(api);
    this.v1 = new DarwinApi(api);
    this.uris = new UriResolver(this.runs, this.registeredModels, this.modelVersions);
    this.batching = batching ?? {};
    this.endRunsOnExit = endRunsOnExit ?? true;
  }

  /** The tracking URI in use. */
  get trackingUri(): string {
    return this.config.trackingUri.toString().replace(/\/$/, '');
  }

  /** The experiment's id; the experiment is created when it does not exist. */
  async setExperiment(name: string): Promise<string> {
    try {
      return (await this.experiments.getByName(name)).experiment_id;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return this.experiments.create(name);
    }
  }

  /** Creates a run (or resumes `runId` / `MLFLOW_RUN_ID`) in the chosen experiment. */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const resumeId = options.runId ?? this.config.runId;
    let run: Run;
    if (resumeId !== undefined) {
      run = await this.runs.get(resumeId);
      const info = await this.runs.update(resumeId, { status: 'RUNNING' });
      run = { ...run, info };
    } else {
      const experimentId = await this.resolveExperimentId(options);
      const tags = { ...defaultRunTags(this.config.username), ...Object.fromEntries(tagList(options.tags).map((t) => [t.key, t.value])) };
      run = await this.runs.create({ experiment_id: experimentId, run_name: options.runName, tags: tagList(tags), user_id: tags['mlflow.user'] });
    }
    const active = new ActiveRun(run, this.runs, this.artifacts, this.batching, (r) => this.forget(r));
    this.active.add(active);
    if (this.endRunsOnExit && this.removeExitHook === undefined) this.removeExitHook = onBeforeExit(() => this.endActiveRuns());
    return active;
  }

  /** Runs `fn` in a new run: ended FINISHED when it returns, FAILED when it throws (the error is rethrown). */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T> | T): Promise<T> {
    const run = await this.startRun(options);
    let result: T;
    try {
      result = await fn(run);
    } catch (err) {
      await run.endRun('FAILED').catch(() => undefined);
      throw err;
    }
    await run.endRun('FINISHED');
    return result;
  }

  /** Runs started by this client and not ended yet. */
  get activeRuns(): readonly ActiveRun[] {
    return [...this.active];
  }

  /** Where an artifact URI (`runs:/`, `models:/`, `mlflow-artifacts:/`) is read through this server. */
  resolveArtifactUri(uri: string): Promise<ArtifactLocation> {
    return this.uris.resolve(uri);
  }

  /** Downloads a file or directory by URI into `destDir`; returns the local path. */
  async downloadArtifacts(uri: string, destDir: string, options: TransferOptions = {}): Promise<string> {
    return this.artifacts.download(await this.uris.resolve(uri), destDir, options);
  }

  /** The model version a `models:/name/version|stage|latest` or `models:/name@alias` URI names. */
  async getModelVersionByUri(uri: string) {
    const parsed = parseArtifactUri(uri);
    if (parsed.scheme !== 'models') throw new TypeError(`${uri} is not a models:/ URI`);
    return this.uris.modelVersion(parsed);
  }

  /** `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts/model`. */
  deployUri(run: Run | RunInfo | ActiveRun, artifactPath = 'model'): string {
    return deployUri(run instanceof ActiveRun ? run.run : run, artifactPath);
  }

  /** Ends every active run (FINISHED) and frees the connection pool. */
  async close(): Promise<void> {
    await this.endActiveRuns();
    this.removeExitHook?.();
    this.removeExitHook = undefined;
    this.transport.close();
  }

  private async endActiveRuns(): Promise<void> {
    const results = await Promise.allSettled([...this.active].map((r) => r.endRun('FINISHED')));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private forget(run: ActiveRun): void {
    this.active.delete(run);
  }

  private async resolveExperimentId(options: StartRunOptions): Promise<string> {
    if (options.experimentId !== undefined) return options.experimentId;
    if (options.experimentName !== undefined) return this.setExperiment(options.experimentName);
    if (this.config.experimentId !== undefined) return this.config.experimentId;
    if (this.config.experimentName !== undefined) return this.setExperiment(this.config.experimentName);
    return '0';
  }
}
