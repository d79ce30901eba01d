/** One place for every query key, so invalidation after a write hits what it should. */
export const queryKeys = {
  authMe: ['auth', 'me'] as const,
  experiments: (search: string, viewType: string, pageToken: string | undefined) => ['experiments', search, viewType, pageToken ?? ''] as const,
  experiment: (id: string) => ['experiment', id] as const,
  runs: (experimentIds: readonly string[], filter: string, orderBy: string, viewType: string) =>
    ['runs', experimentIds.join(','), filter, orderBy, viewType] as const,
  runsKeys: (experimentIds: readonly string[]) => ['runs-keys', experimentIds.join(',')] as const,
  run: (runId: string) => ['run', runId] as const,
  runModelVersions: (runId: string) => ['model-versions-of-run', runId] as const,
  childRuns: (experimentId: string, runId: string) => ['child-runs', experimentId, runId] as const,
  artifacts: (runId: string, path: string) => ['artifacts', runId, path] as const,
  metricHistory: (runId: string, key: string) => ['metric-history', runId, key] as const,
};
