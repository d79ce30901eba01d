import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys';
import { deleteRun, restoreRun, searchRuns, setRunTag } from '../api/tracking';
import type { ViewType } from '../api/tracking';

export const RUNS_PAGE_SIZE = 500;

/** Runs page by page in the server's order; the table asks for the next page near its end. */
export function useRunsSearch(experimentIds: readonly string[], filter: string, orderBy: string, viewType: ViewType) {
  return useInfiniteQuery({
    queryKey: queryKeys.runs(experimentIds, filter, orderBy, viewType),
    queryFn: ({ pageParam }) =>
      searchRuns({ experimentIds, filter, orderBy: orderBy.startsWith('attributes.start_time') ? [orderBy] : [orderBy, 'attributes.start_time DESC'], viewType, pageToken: pageParam, maxResults: RUNS_PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token || undefined,
    enabled: experimentIds.length > 0,
    placeholderData: keepPreviousData,
  });
}

export function useRunBulkActions() {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: ['runs'] });
  const each = (fn: (id: string) => Promise<unknown>) => async (ids: readonly string[]) => {
    for (const id of ids) await fn(id);
  };
  return {
    remove: useMutation({ mutationFn: each(deleteRun), onSettled: done }),
    restore: useMutation({ mutationFn: each(restoreRun), onSettled: done }),
    tag: useMutation({
      mutationFn: async (a: { ids: readonly string[]; key: string; value: string }) => {
        for (const id of a.ids) await setRunTag(id, a.key, a.value);
      },
      onSettled: done,
    }),
  };
}
