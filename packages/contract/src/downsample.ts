/**
 * `GET <prefix>/ajax-api/2.0/darwin/metrics/downsample` (ours, not MLflow's): a run's metric in
 * equal-width step buckets, for the web UI's charts.
 */

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

export interface DownsampledMetric {
  start_step: number | null;
  end_step: number | null;
  total_count: number;
  buckets: MetricBucket[];
}
