/** The model registry calls the run page makes (the registry's own pages come with part 2). */
import type { ModelVersion } from '@darwin-mlflow/contract';
import { MLFLOW, get } from './client';

/** Model versions registered from one run (MLflow's `run_id = '…'` filter). */
export function searchModelVersionsOfRun(runId: string): Promise<ModelVersion[]> {
  return get<{ model_versions?: ModelVersion[] }>(`${MLFLOW}model-versions/search`, { filter: `run_id = '${runId.replace(/'/g, '')}'`, max_results: 200 }).then(
    (r) => r.model_versions ?? [],
  );
}
