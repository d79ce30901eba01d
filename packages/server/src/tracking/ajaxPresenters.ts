/**
 * Wire JSON of the metric-history bulk reads and the UI-only ajax routes. Kept apart from
 * presenters.ts because the ajax extras are rendered by Flask's jsonify in MLflow (keys in
 * alphabetical order, empty lists kept), not by the proto JSON printer.
 */
import type * as wire from '@darwin-mlflow/contract';
import type { BulkMetric } from '@darwin-mlflow/contract';
import { wireDouble } from '../http/json.js';
import type { RunMetric } from './store/metrics.js';
import type { DatasetSummaryRow } from './store/inputs.js';

function value(m: RunMetric): wire.WireDouble {
  return m.is_nan ? 'NaN' : wireDouble(m.value);
}

/** MetricWithRunId of get-history-bulk-interval (proto field order). */
export function presentMetricWithRunId(m: RunMetric): wire.MetricWithRunId {
  return { key: m.key, value: value(m), timestamp: m.timestamp, step: m.step, run_id: m.run_id };
}

/**
 * A point of the ajax get-history-bulk (jsonify order). NaN is written as the string "NaN", as
 * in proto responses: MLflow's bare `NaN` token is not JSON, and the MLflow UI's strict parser
 * rejects it; the Python client reads "NaN" as float('nan') through float().
 */
export function presentBulkMetric(m: RunMetric): BulkMetric {
  return { key: m.key, run_id: m.run_id, step: m.step, timestamp: m.timestamp, value: value(m) };
}

/** A dataset summary of search-datasets (jsonify order; context null when untagged). */
export function presentDatasetSummary(d: DatasetSummaryRow): Required<wire.DatasetSummary> {
  return { context: d.context, digest: d.digest, experiment_id: d.experiment_id, name: d.name };
}

/** Flask's jsonify sorts keys at every level; upstream JSON (gateway-proxy) is re-keyed likewise. */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    Object.defineProperty(out, k, { value: sortKeysDeep((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
