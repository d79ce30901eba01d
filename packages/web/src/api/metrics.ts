/**
 * Downsampled metric histories (our `darwin/metrics/downsample` endpoint): per step bucket the
 * count, min, max, first and last value, so a chart of any length shows every spike.
 */
import type { DownsampledMetric } from '@darwin-mlflow/contract';
import { get } from './client';

export function downsampleMetric(runId: string, key: string, buckets: number, range?: { start: number; end: number }): Promise<DownsampledMetric> {
  return get<DownsampledMetric>('ajax-api/2.0/darwin/metrics/downsample', {
    run_id: runId,
    metric_key: key,
    buckets,
    start_step: range ? Math.floor(range.start) : undefined,
    end_step: range ? Math.ceil(range.end) : undefined,
  });
}
