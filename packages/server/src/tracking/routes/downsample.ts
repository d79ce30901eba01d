/**
 * `GET <prefix>/ajax-api/2.0/darwin/metrics/downsample?run_id=&metric_key=&buckets=&start_step=&end_step=`:
 * a run's metric in at most `buckets` step buckets (count, min, max, first, last, step and
 * time bounds), so the UI draws any history with a bounded number of points and loses no spike.
 */
import type { FastifyInstance } from 'fastify';
import { replyArtifactsOnly } from '../../artifacts/routes/common.js';
import { encodeJson } from '../../http/json.js';
import type { MetricBucketService } from '../service/metricBuckets.js';
import { requestArgs } from './metrics.js';

export const DOWNSAMPLE_PATH = '/ajax-api/2.0/darwin/metrics/downsample';

export function mountDownsampleRoute(app: FastifyInstance, service: MetricBucketService, options: { staticPrefix: string; artifactsOnly: boolean }): void {
  const url = `${options.staticPrefix}${DOWNSAMPLE_PATH}`;
  app.get(url, async (request, reply) => {
    if (options.artifactsOnly) return replyArtifactsOnly(reply, url);
    const args = requestArgs(request);
    const result = await service.downsample({
      runId: args.get('run_id') ?? undefined,
      metricKey: args.get('metric_key') ?? undefined,
      buckets: args.get('buckets') ?? undefined,
      startStep: args.get('start_step') ?? undefined,
      endStep: args.get('end_step') ?? undefined,
    });
    return reply.type('application/json').send(encodeJson(result));
  });
}
