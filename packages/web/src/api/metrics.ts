/**
 * Downsampled metric histories (our `darwin/metrics/downsample` endpoint): per step bucket the
 * count, min, max, first and last value, so a chart of any length shows every spike.
 */
import { get } from './client';

export interface MetricBucket {
  start_step: number;
  end_step: number;
  start_timestamp: number;
  end_timestamp: number;
  count: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

export interface Downsampled {
  start_step: number | null;
  end_step: number | null;
  total_count: number;
  buckets: MetricBucket[];
}

export function downsampleMetric(runId: string, key: string, buckets: number, range?: { start: number; end: number }): Promise<Downsampled> {
  return get<Downsampled>('ajax-api/2.0/darwin/metrics/downsample', {
    run_id: runId,
    metric_key: key,
    buckets,
    start_step: range ? Math.floor(range.start) : undefined,
    end_step: range ? Math.ceil(range.end) : undefined,
  });
}
