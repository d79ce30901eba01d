/** Typed calls to MLflow's tracking endpoints, with the wire types from `contract`. */
import type { Experiment, FileInfo, Metric, Run } from '@darwin-mlflow/contract';
import { MLFLOW, get, post } from './client';

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface ExperimentPage {
  experiments?: Experiment[];
  next_page_token?: string;
}

export function searchExperiments(args: { filter?: string; viewType: ViewType; pageToken?: string; maxResults: number }): Promise<ExperimentPage> {
  return post(`${MLFLOW}experiments/search`, {
    max_results: args.maxResults,
    filter: args.filter || undefined,
    view_type: args.viewType,
    page_token: args.pageToken,
    order_by: ['last_update_time DESC'],
  });
}

export const getExperiment = (id: string) => get<{ experiment: Experiment }>(`${MLFLOW}experiments/get`, { experiment_id: id }).then((r) => r.experiment);
export const createExperiment = (name: string) => post<{ experiment_id: string }>(`${MLFLOW}experiments/create`, { name });
export const renameExperiment = (id: string, name: string) => post(`${MLFLOW}experiments/update`, { experiment_id: id, new_name: name });
export const deleteExperiment = (id: string) => post(`${MLFLOW}experiments/delete`, { experiment_id: id });
export const restoreExperiment = (id: string) => post(`${MLFLOW}experiments/restore`, { experiment_id: id });
export const setExperimentTag = (id: string, key: string, value: string) =>
  post(`${MLFLOW}experiments/set-experiment-tag`, { experiment_id: id, key, value });

export interface RunPage {
  runs?: Run[];
  next_page_token?: string;
}

export function searchRuns(args: { experimentIds: readonly string[]; filter: string; orderBy: string[]; viewType: ViewType; pageToken?: string; maxResults: number }): Promise<RunPage> {
  return post(`${MLFLOW}runs/search`, {
    experiment_ids: args.experimentIds,
    filter: args.filter,
    run_view_type: args.viewType,
    max_results: args.maxResults,
    order_by: args.orderBy,
    page_token: args.pageToken,
  });
}

export const getRun = (runId: string) => get<{ run: Run }>(`${MLFLOW}runs/get`, { run_id: runId }).then((r) => r.run);
export const deleteRun = (runId: string) => post(`${MLFLOW}runs/delete`, { run_id: runId });
export const restoreRun = (runId: string) => post(`${MLFLOW}runs/restore`, { run_id: runId });
export const setRunTag = (runId: string, key: string, value: string) => post(`${MLFLOW}runs/set-tag`, { run_id: runId, key, value });
export const deleteRunTag = (runId: string, key: string) => post(`${MLFLOW}runs/delete-tag`, { run_id: runId, key });

export const listArtifacts = (runId: string, path: string) =>
  get<{ root_uri?: string; files?: FileInfo[] }>(`${MLFLOW}artifacts/list`, { run_id: runId, path: path || undefined });

export async function getMetricHistory(runId: string, key: string): Promise<Metric[]> {
  const out: Metric[] = [];
  let pageToken: string | undefined;
  do {
    const page = await get<{ metrics?: Metric[]; next_page_token?: string }>(`${MLFLOW}metrics/get-history`, {
      run_id: runId,
      metric_key: key,
      max_results: 25000,
      page_token: pageToken,
    });
    out.push(...(page.metrics ?? []));
    pageToken = page.next_page_token;
  } while (pageToken);
  return out;
}
