/** Experiments, runs and metrics: the MlflowService RPCs of MLflow 2.12.2. */
import { LIMITS, ajax, tracking } from '@darwin-mlflow/contract';
import type { BulkMetric, GetMetricHistoryBulkResponse, ViewType } from '@darwin-mlflow/contract';
import type { Api } from '../api.js';
import { Paged, page } from '../pager.js';
import type {
  CreateExperimentResponse,
  Experiment,
  GetExperimentResponse,
  GetMetricHistoryBulkIntervalResponse,
  GetMetricHistoryResponse,
  ListArtifactsResponse,
  Metric,
  MetricWithRunId,
  RequestOf,
  Run,
  RunInfo,
  RunResponse,
  SearchExperimentsResponse,
  SearchRunsResponse,
  UpdateRunResponse,
} from '../types.js';
import type { FileInfo } from '@darwin-mlflow/contract';

export type Tags = Record<string, string> | { key: string; value: string }[];

/** `{k: v}` or `[{key, value}]` to MLflow's list form. */
export function tagList(tags: Tags | undefined): { key: string; value: string }[] {
  if (tags === undefined) return [];
  return Array.isArray(tags) ? tags : Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export interface SearchExperimentsOptions {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  /** Page size (server default 1000). */
  maxResults?: number;
}

export class Experiments {
  constructor(private readonly api: Api) {}

  async create(name: string, options: { artifactLocation?: string; tags?: Tags } = {}): Promise<string> {
    const req: RequestOf<typeof tracking.createExperiment> = { name, artifact_location: options.artifactLocation, tags: tagList(options.tags) };
    return (await this.api.call<CreateExperimentResponse>(tracking.createExperiment, req)).experiment_id;
  }

  async get(experimentId: string): Promise<Experiment> {
    return (await this.api.call<GetExperimentResponse>(tracking.getExperiment, { experiment_id: experimentId })).experiment;
  }

  async getByName(name: string): Promise<Experiment> {
    return (await this.api.call<GetExperimentResponse>(tracking.getExperimentByName, { experiment_name: name })).experiment;
  }

  searchPage(req: RequestOf<typeof tracking.searchExperiments>): Promise<SearchExperimentsResponse> {
    return this.api.call(tracking.searchExperiments, req);
  }

  search(options: SearchExperimentsOptions = {}): Paged<Experiment> {
    return new Paged(async (token) => {
      const res = await this.searchPage({
        filter: options.filter,
        order_by: options.orderBy,
        view_type: options.viewType,
        max_results: options.maxResults,
        page_token: token,
      });
      return page(res.experiments, res.next_page_token);
    });
  }

  async delete(experimentId: string): Promise<void> {
    await this.api.call(tracking.deleteExperiment, { experiment_id: experimentId });
  }

  async restore(experimentId: string): Promise<void> {
    await this.api.call(tracking.restoreExperiment, { experiment_id: experimentId });
  }

  async update(experimentId: string, newName: string): Promise<void> {
    await this.api.call(tracking.updateExperiment, { experiment_id: experimentId, new_name: newName });
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.api.call(tracking.setExperimentTag, { experiment_id: experimentId, key, value });
  }
}

export interface SearchRunsOptions {
  filter?: string;
  orderBy?: string[];
  runViewType?: ViewType;
  /** Page size (server default 1000, at most 50000). */
  maxResults?: number;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
}

export interface LogBatchRequest {
  metrics?: MetricPoint[];
  params?: { key: string; value: string }[];
  tags?: { key: string; value: string }[];
}

export class Runs {
  constructor(private readonly api: Api) {}

  async create(req: RequestOf<typeof tracking.createRun>): Promise<Run> {
    return (await this.api.call<RunResponse>(tracking.createRun, { start_time: Date.now(), ...req })).run;
  }

  async get(runId: string): Promise<Run> {
    return (await this.api.call<RunResponse>(tracking.getRun, { run_id: runId })).run;
  }

  async update(runId: string, req: Omit<RequestOf<typeof tracking.updateRun>, 'run_id' | 'run_uuid'>): Promise<RunInfo> {
    return (await this.api.call<UpdateRunResponse>(tracking.updateRun, { run_id: runId, ...req })).run_info;
  }

  async delete(runId: string): Promise<void> {
    await this.api.call(tracking.deleteRun, { run_id: runId });
  }

  async restore(runId: string): Promise<void> {
    await this.api.call(tracking.restoreRun, { run_id: runId });
  }

  searchPage(req: RequestOf<typeof tracking.searchRuns>): Promise<SearchRunsResponse> {
    return this.api.call(tracking.searchRuns, req);
  }

  search(experimentIds: string[], options: SearchRunsOptions = {}): Paged<Run> {
    return new Paged(async (token) => {
      const res = await this.searchPage({
        experiment_ids: experimentIds,
        filter: options.filter,
        order_by: options.orderBy,
        run_view_type: options.runViewType,
        max_results: options.maxResults,
        page_token: token,
      });
      return page(res.runs, res.next_page_token);
    });
  }

  async logMetric(runId: string, key: string, value: number, options: { step?: number; timestamp?: number } = {}): Promise<void> {
    await this.api.call(tracking.logMetric, { run_id: runId, key, value: wireDouble(value), timestamp: options.timestamp ?? Date.now(), step: options.step ?? 0 });
  }

  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.api.call(tracking.logParam, { run_id: runId, key, value });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.api.call(tracking.setTag, { run_id: runId, key, value });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.api.call(tracking.deleteTag, { run_id: runId, key });
  }

  /** One `log-batch` request; at most 1000 metrics, 100 params, 100 tags (the RunLogger splits for you). */
  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    const metrics = (batch.metrics ?? []).map((m) => ({ ...m, value: wireDouble(m.value), timestamp: m.timestamp ?? Date.now(), step: m.step ?? 0 }));
    await this.api.call(tracking.logBatch, { run_id: runId, metrics, params: batch.params ?? [], tags: batch.tags ?? [] });
  }

  /** `log-model`: records an MLmodel description (JSON string) in the run's `mlflow.log-model.history` tag. */
  async logModel(runId: string, modelJson: string): Promise<void> {
    await this.api.call(tracking.logModel, { run_id: runId, model_json: modelJson });
  }

  async logInputs(runId: string, datasets: RequestOf<typeof tracking.logInputs>['datasets']): Promise<void> {
    await this.api.call(tracking.logInputs, { run_id: runId, datasets });
  }
}

/** NaN and infinities travel as strings in proto JSON. */
function wireDouble(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export class Metrics {
  constructor(private readonly api: Api) {}

  /** Every point of one metric of one run, paged by the server. */
  history(runId: string, metricKey: string, options: { maxResults?: number } = {}): Paged<Metric> {
    return new Paged(async (token) => {
      const res = await this.api.call<GetMetricHistoryResponse>(tracking.getMetricHistory, {
        run_id: runId,
        metric_key: metricKey,
        max_results: options.maxResults ?? LIMITS.MAX_RESULTS_GET_METRIC_HISTORY,
        page_token: token,
      });
      return page(res.metrics, res.next_page_token);
    });
  }

  /** Up to `maxResults` points per run, sampled over the step range (MLflow's chart endpoint). */
  async historyBulkInterval(runIds: string[], metricKey: string, options: { startStep?: number; endStep?: number; maxResults?: number } = {}): Promise<MetricWithRunId[]> {
    const res = await this.api.call<GetMetricHistoryBulkIntervalResponse>(tracking.getMetricHistoryBulkInterval, {
      run_ids: runIds,
      metric_key: metricKey,
      start_step: options.startStep,
      end_step: options.endStep,
      max_results: options.maxResults,
    });
    return res.metrics ?? [];
  }

  /** The ajax-only bulk history (`/ajax-api/2.0/mlflow/metrics/get-history-bulk`). */
  async historyBulk(runIds: string[], metricKey: string, maxResults?: number): Promise<BulkMetric[]> {
    const res = await this.api.raw<GetMetricHistoryBulkResponse>('GET', `/ajax-api/2.0${ajax.getMetricHistoryBulk.path}`, {
      query: { run_id: runIds, metric_key: metricKey, max_results: maxResults },
    });
    return res.metrics;
  }
}

/** `artifacts/list` for a run (works whatever the server's artifact store). */
export async function listRunArtifacts(api: Api, runId: string, path?: string): Promise<{ rootUri: string | undefined; files: FileInfo[] }> {
  const files: FileInfo[] = [];
  let token: string | undefined;
  let rootUri: string | undefined;
  do {
    const res: ListArtifactsResponse = await api.call(tracking.listArtifacts, { run_id: runId, path, page_token: token });
    rootUri = res.root_uri;
    files.push(...(res.files ?? []));
    token = res.next_page_token || undefined;
  } while (token !== undefined);
  return { rootUri, files };
}
