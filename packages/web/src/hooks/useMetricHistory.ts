import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { downsampleMetric } from '../api/metrics';

const LIVE_INTERVAL_MS = 2000;

/** Min and max of each metric over its whole history (one bucket each). */
export function useMetricSummaries(runId: string, keys: readonly string[], live: boolean) {
  const results = useQueries({
    queries: keys.slice(0, 100).map((key) => ({
      queryKey: ['metric-summary', runId, key],
      queryFn: () => downsampleMetric(runId, key, 1),
      refetchInterval: live ? LIVE_INTERVAL_MS * 2 : (false as const),
    })),
  });
  const out = new Map<string, { min: number; max: number }>();
  keys.slice(0, 100).forEach((key, i) => {
    const b = results[i]?.data?.buckets[0];
    if (b) out.set(key, { min: b.min, max: b.max });
  });
  return out;
}

export interface ChartSeriesRequest {
  runId: string;
  key: string;
  live: boolean;
}

/** About two points per pixel of a chart's width (each bucket draws up to four). */
export const CHART_BUCKETS = 500;

type StepRange = { start: number; end: number } | undefined;

/** The query of one (run, metric) series: the charts' and the route loaders' prefetch. */
export function downsampledSeriesQuery(runId: string, key: string, buckets: number, range: StepRange) {
  return {
    queryKey: ['metric-downsample', runId, key, buckets, range?.start ?? null, range?.end ?? null],
    queryFn: () => downsampleMetric(runId, key, buckets, range),
  };
}

/** One downsampled query per (run, metric); RUNNING runs are polled until they end. */
export function useDownsampledSeries(requests: readonly ChartSeriesRequest[], buckets: number, range: StepRange) {
  return useQueries({
    queries: requests.map((r) => ({
      ...downsampledSeriesQuery(r.runId, r.key, buckets, range),
      refetchInterval: r.live ? LIVE_INTERVAL_MS : (false as const),
      placeholderData: keepPreviousData,
    })),
  });
}
