import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys';
import { searchModelVersionsOfRun } from '../api/registry';
import { deleteRunTag, getRun, searchRuns, setRunTag } from '../api/tracking';

export const PARENT_TAG = 'mlflow.parentRunId';

/** A run; polled every few seconds while it is RUNNING so the page follows it. */
export function useRun(runId: string) {
  return useQuery({
    queryKey: queryKeys.run(runId),
    queryFn: () => getRun(runId),
    enabled: runId !== '',
    refetchInterval: (query) => (query.state.data?.info.status === 'RUNNING' ? 3000 : false),
  });
}

export function useChildRuns(experimentId: string, runId: string) {
  return useQuery({
    queryKey: queryKeys.childRuns(experimentId, runId),
    queryFn: () =>
      searchRuns({ experimentIds: [experimentId], filter: `tags.\`${PARENT_TAG}\` = '${runId}'`, orderBy: ['attributes.start_time DESC'], viewType: 'ACTIVE_ONLY', maxResults: 100 }),
    enabled: runId !== '' && experimentId !== '',
  });
}

/** The registered model versions whose source run is this one. */
export function useRunModelVersions(runId: string) {
  return useQuery({ queryKey: queryKeys.runModelVersions(runId), queryFn: () => searchModelVersionsOfRun(runId), enabled: runId !== '' });
}

export function useRunTagMutations(runId: string) {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: queryKeys.run(runId) });
  return {
    setTag: useMutation({ mutationFn: (t: { key: string; value: string }) => setRunTag(runId, t.key, t.value), onSuccess: done }),
    deleteTag: useMutation({ mutationFn: (key: string) => deleteRunTag(runId, key), onSuccess: done }),
  };
}

/** Several runs by id (compare and metric pages), each polled while RUNNING. */
export function useRunsById(runIds: readonly string[]) {
  return useQueries({
    queries: runIds.map((id) => ({
      queryKey: queryKeys.run(id),
      queryFn: () => getRun(id),
      refetchInterval: (query: { state: { data?: Awaited<ReturnType<typeof getRun>> } }) => (query.state.data?.info.status === 'RUNNING' ? 3000 : false),
    })),
  });
}
