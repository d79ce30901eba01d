/**
 * MLflow 2.12.2's hash routes and their query strings, read into ours. MLflow writes run and
 * experiment lists as JSON arrays (`?runs=["a","b"]`); a bad value reads as an empty list.
 */

export function jsonList(value: string | null): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
    if (typeof parsed === 'string' || typeof parsed === 'number') return [String(parsed)];
  } catch {
    // a plain comma-separated list, as people type it by hand
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function jsonString(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/** The runs and metrics of MLflow's metric page, `#/metric/<key>?runs=[...]&plot_metric_keys=[...]`. */
export function metricPageTarget(params: URLSearchParams, splat: string): { runIds: string[]; keys: string[] } {
  const key = jsonString(params.get('metric')) ?? decodeURIComponent(splat);
  const plotKeys = jsonList(params.get('plot_metric_keys'));
  return { runIds: jsonList(params.get('runs')), keys: plotKeys.length ? plotKeys : key ? [key] : [] };
}

/** The tab and artifact path in what follows `/experiments/:id/runs/:runId/`. */
export function runPageSplat(splat: string): { tab: 'overview' | 'charts' | 'artifacts'; artifactPath: string } {
  const parts = splat.split('/').filter(Boolean);
  const head = parts[0] ?? '';
  if (head === 'artifactPath' || head === 'artifacts') return { tab: 'artifacts', artifactPath: parts.slice(1).map(decodeURIComponent).join('/') };
  if (head === 'model-metrics' || head === 'metrics' || head === 'charts') return { tab: 'charts', artifactPath: '' };
  return { tab: 'overview', artifactPath: '' };
}

/** MLflow's old runs-page parameters (`searchFilter`, `lifecycleFilter`) as ours. */
export function legacyRunsParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(params);
  const filter = params.get('searchFilter');
  if (filter && !out.has('filter')) out.set('filter', filter);
  const lifecycle = params.get('lifecycleFilter');
  if (lifecycle && !out.has('lifecycle')) out.set('lifecycle', lifecycle.toLowerCase() === 'deleted' ? 'DELETED_ONLY' : 'ACTIVE_ONLY');
  out.delete('searchFilter');
  out.delete('lifecycleFilter');
  return out;
}
