/**
 * NPMI of two trace filters from their counts (mlflow/store/analytics/trace_correlation.py):
 * NaN when undefined, -1 when both filters match but never together, and a smoothed value with
 * Jeffreys' prior.
 */

export interface CorrelationCounts {
  total: number;
  filter1: number;
  filter2: number;
  joint: number;
}

export interface Npmi {
  npmi: number;
  npmiSmoothed: number;
}

/** Recommended smoothing: Jeffreys prior. */
const JEFFREYS_PRIOR = 0.5;

function npmiCore(n11: number, n10: number, n01: number, n00: number, smoothing: number): number {
  const s11 = n11 + smoothing;
  const s10 = n10 + smoothing;
  const s01 = n01 + smoothing;
  const s00 = n00 + smoothing;
  const n = s11 + s10 + s01 + s00;
  const n1 = s11 + s10;
  const n2 = s11 + s01;
  if (n1 <= 0 || n2 <= 0 || s11 <= 0) return NaN;
  // perfect co-occurrence, judged on the counts before smoothing
  if (n10 === 0 && n01 === 0 && n00 === 0) return 1;
  const pmi = Math.log(s11) + Math.log(n) - (Math.log(n1) + Math.log(n2));
  const npmi = pmi / -(Math.log(s11) - Math.log(n));
  return Math.max(-1, Math.min(1, npmi));
}

/** calculate_npmi_from_counts */
export function npmiFromCounts(c: CorrelationCounts): Npmi {
  const undefinedResult = { npmi: NaN, npmiSmoothed: NaN };
  if (c.total <= 0 || c.filter1 === 0 || c.filter2 === 0) return undefinedResult;
  const n11 = c.joint;
  const n10 = c.filter1 - c.joint;
  const n01 = c.filter2 - c.joint;
  const n00 = c.total - c.filter1 - c.filter2 + c.joint;
  if (Math.min(n11, n10, n01, n00) < 0) return undefinedResult;
  const npmi = c.joint === 0 ? -1 : npmiCore(n11, n10, n01, n00, 0);
  return { npmi, npmiSmoothed: npmiCore(n11, n10, n01, n00, JEFFREYS_PRIOR) };
}
