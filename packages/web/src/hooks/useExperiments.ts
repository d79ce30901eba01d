import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys';
import * as tracking from '../api/tracking';
import type { ViewType } from '../api/tracking';

export const EXPERIMENTS_PAGE_SIZE = 50;

/** The experiment search for the list: a LIKE on the name, one page of results at a time. */
export function experimentFilter(search: string): string | undefined {
  const term = search.trim();
  if (!term) return undefined;
  // MLflow's grammar has no escape inside a string: quote with the quote the term lacks
  return term.includes("'") ? `name ILIKE "%${term.replace(/"/g, '')}%"` : `name ILIKE '%${term}%'`;
}

export function useExperimentPage(search: string, viewType: ViewType, pageToken: string | undefined) {
  return useQuery({
    queryKey: queryKeys.experiments(search, viewType, pageToken),
    queryFn: () => tracking.searchExperiments({ filter: experimentFilter(search), viewType, pageToken, maxResults: EXPERIMENTS_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
}

export function useExperiment(id: string) {
  return useQuery({ queryKey: queryKeys.experiment(id), queryFn: () => tracking.getExperiment(id), enabled: id !== '' });
}

export function useExperimentMutations() {
  const client = useQueryClient();
  const done = () => Promise.all([client.invalidateQueries({ queryKey: ['experiments'] }), client.invalidateQueries({ queryKey: ['experiment'] })]);
  return {
    create: useMutation({ mutationFn: (name: string) => tracking.createExperiment(name), onSuccess: done }),
    rename: useMutation({ mutationFn: (a: { id: string; name: string }) => tracking.renameExperiment(a.id, a.name), onSuccess: done }),
    remove: useMutation({ mutationFn: (id: string) => tracking.deleteExperiment(id), onSuccess: done }),
    restore: useMutation({ mutationFn: (id: string) => tracking.restoreExperiment(id), onSuccess: done }),
    setTag: useMutation({ mutationFn: (a: { id: string; key: string; value: string }) => tracking.setExperimentTag(a.id, a.key, a.value), onSuccess: done }),
  };
}
