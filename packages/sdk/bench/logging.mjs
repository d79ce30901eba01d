// Time to log N metric points with background batching vs one log-metric request per point,
// and the peak RSS of this process. Usage: MLFLOW_TRACKING_URI=http://127.0.0.1:5000 node packages/sdk/bench/logging.mjs [N]
import { MlflowClient } from 'darwin-mlflow-sdk';

const n = Number(process.argv[2] ?? 10_000);
const client = new MlflowClient({ endRunsOnExit: false });

const batched = await client.startRun({ experimentName: 'bench-logging', runName: 'batched' });
let t = performance.now();
for (let i = 0; i < n; i++) await batched.logMetric('loss', Math.random(), { step: i });
await batched.endRun();
const batchedMs = performance.now() - t;

const single = await client.startRun({ experimentName: 'bench-logging', runName: 'one-per-point' });
t = performance.now();
for (let i = 0; i < n; i++) await client.runs.logMetric(single.runId, 'loss', Math.random(), { step: i });
await single.endRun();
const singleMs = performance.now() - t;

console.log(JSON.stringify({
  points: n,
  batched_ms: Math.round(batchedMs),
  batched_requests: batched.logger.requests,
  one_per_point_ms: Math.round(singleMs),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
await client.close();
