/**
 * The UI's downsampled metric reads (not an MLflow endpoint): checks the request, that the run
 * exists, and asks the store for equal-width step buckets.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { DownsampledMetric } from '@darwin-mlflow/contract';
import { pyInt } from '../../http/decode.js';
import type { MetricBucketStore, StepRange } from '../store/metricBuckets.js';
import type { RunService } from './runs.js';

export const MAX_BUCKETS = 5000;
const DEFAULT_BUCKETS = 1000;

export interface DownsampleQuery {
  runId: string | undefined;
  metricKey: string | undefined;
  buckets: string | undefined;
  startStep: string | undefined;
  endStep: string | undefined;
}

export class MetricBucketService {
  constructor(
    private readonly store: MetricBucketStore,
    private readonly runs: Pick<RunService, 'getRun'>,
  ) {}

  async downsample(q: DownsampleQuery): Promise<DownsampledMetric> {
    if (!q.runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
    if (!q.metricKey) throw MlflowError.invalidParameter("Missing value for required parameter 'metric_key'.");
    const buckets = q.buckets === undefined ? DEFAULT_BUCKETS : integer('buckets', q.buckets);
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw MlflowError.invalidParameter(`buckets must be between 1 and ${MAX_BUCKETS}. Received ${q.buckets}.`);
    }
    const range = stepRange(q.startStep, q.endStep);
    await this.runs.getRun(q.runId);
    return this.store.downsample(q.runId, q.metricKey, range, buckets);
  }
}

function integer(name: string, raw: string): number {
  const v = pyInt(raw);
  if (v === undefined) throw MlflowError.invalidParameter(`Invalid value '${raw}' for parameter '${name}' supplied: it must be an integer.`);
  return Number(v);
}

function stepRange(start: string | undefined, end: string | undefined): StepRange | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) throw MlflowError.invalidParameter('If either start_step or end_step is given, both must be given.');
  const s = pyInt(start);
  const e = pyInt(end);
  if (s === undefined) throw MlflowError.invalidParameter(`Invalid value '${start}' for parameter 'start_step' supplied: it must be an integer.`);
  if (e === undefined) throw MlflowError.invalidParameter(`Invalid value '${end}' for parameter 'end_step' supplied: it must be an integer.`);
  if (s > e) throw MlflowError.invalidParameter(`end_step must not be less than start_step. Found start_step=${start} and end_step=${end}.`);
  return { start: BigInt(s), end: BigInt(e) };
}
