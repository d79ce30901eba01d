import { useQuery } from '@tanstack/react-query';
import { readArtifactHead } from '../api/artifacts';
import { queryKeys } from '../api/queryKeys';
import { listArtifacts } from '../api/tracking';

export function useArtifactList(runId: string, path: string, enabled = true) {
  return useQuery({ queryKey: queryKeys.artifacts(runId, path), queryFn: () => listArtifacts(runId, path), enabled });
}

/** The first `limit` bytes of a file, as text. */
export function useArtifactHead(runId: string, path: string, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: ['artifact-head', runId, path, limit],
    queryFn: () => readArtifactHead(runId, path, limit),
    enabled,
    staleTime: 60_000,
  });
}
