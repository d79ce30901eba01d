/**
 * Page tokens of the logged-model search (MLflow's SearchLoggedModelsPaginationToken): base64
 * of Python's json.dumps of `{experiment_ids, filter_string, order_by, offset}`; a token is only
 * valid for the same experiments, filter and order_by.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { pyJsonDumps } from '../../http/pyjson.js';
import { pyRepr } from '../../http/pyrepr.js';

export interface TokenOrderBy {
  field_name: string;
  ascending: boolean;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export function encodeSearchToken(
  experimentIds: readonly string[],
  filter: string | null,
  orderBy: readonly TokenOrderBy[] | null,
  offset: number,
): string {
  const body = { experiment_ids: experimentIds, filter_string: filter, order_by: orderBy, offset };
  return Buffer.from(pyJsonDumps(body), 'utf8').toString('base64');
}

/** The offset of a token issued for this same search; MLflow's messages otherwise. */
export function decodeSearchToken(
  token: string,
  experimentIds: readonly string[],
  filter: string | null,
  orderBy: readonly TokenOrderBy[] | null,
): number {
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    parsed = value as Record<string, unknown>;
  } catch (err) {
    throw MlflowError.invalidParameter(`Invalid page token: ${token}. ${err instanceof Error ? err.message : String(err)}`);
  }
  const tokenIds = parsed.experiment_ids;
  const tokenFilter = parsed.filter_string || null;
  const tokenOrder = (parsed.order_by as unknown[] | undefined) || null;
  if (pyJsonDumps(tokenIds ?? null) !== pyJsonDumps(experimentIds)) {
    throw MlflowError.invalidParameter(
      `Experiment IDs in the page token do not match the requested experiment IDs. Expected: ${pyRepr(experimentIds)}. Found: ${pyRepr(tokenIds ?? null)}`,
    );
  }
  if (tokenFilter !== filter) {
    throw MlflowError.invalidParameter(
      `Filter string in the page token does not match the requested filter string. Expected: ${filter ?? 'None'}. Found: ${String(tokenFilter ?? 'None')}`,
    );
  }
  if (pyJsonDumps(tokenOrder) !== pyJsonDumps(orderBy)) {
    throw MlflowError.invalidParameter(
      `Order by in the page token does not match the requested order by. Expected: ${pyRepr(orderBy)}. Found: ${pyRepr(tokenOrder)}`,
    );
  }
  const offset = parsed.offset;
  return typeof offset === 'number' && Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}
