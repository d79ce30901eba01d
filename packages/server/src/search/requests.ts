/**
 * Parsing of a whole search request's filter, order_by and page token, in the order MLflow
 * 2.12.2 checks them, so a request with several mistakes gets MLflow's first message.
 * (max_results is the caller's: its limits and messages differ per endpoint.)
 */
import type {
  ColumnOrder,
  ExperimentClause,
  ExperimentOrderColumn,
  ModelVersionClause,
  ModelVersionOrderColumn,
  RegisteredModelClause,
  RegisteredModelOrderColumn,
  RunClause,
  RunOrderKey,
} from './ast.js';
import { checkRunClauses, parseRunFilter } from './runsFilter.js';
import { parseExperimentFilter } from './experimentsFilter.js';
import { parseModelVersionFilter, parseRegisteredModelFilter } from './registryFilter.js';
import { parseExperimentOrderBy, parseModelVersionOrderBy, parseRegisteredModelOrderBy, parseRunOrderBy } from './orderBy.js';
import { parsePageToken } from './pageToken.js';

export interface SearchRequestText {
  readonly filter?: string | null;
  readonly orderBy?: readonly string[] | null;
  readonly pageToken?: string | null;
}

export interface ParsedSearch<C, O> {
  readonly clauses: C[];
  readonly orderBy: O[];
  readonly offset: number;
}

/** Runs: filter syntax, then order_by, then the filter's comparators, then the page token. */
export function parseRunSearch(req: SearchRequestText): ParsedSearch<RunClause, RunOrderKey> {
  const drafts = parseRunFilter(req.filter);
  const orderBy = parseRunOrderBy(req.orderBy);
  const clauses = checkRunClauses(drafts);
  return { clauses, orderBy, offset: parsePageToken(req.pageToken) };
}

/** Experiments: filter (comparators included), then order_by, then the page token. */
export function parseExperimentSearch(
  req: SearchRequestText,
): ParsedSearch<ExperimentClause, ColumnOrder<ExperimentOrderColumn>> {
  const clauses = parseExperimentFilter(req.filter);
  const orderBy = parseExperimentOrderBy(req.orderBy);
  return { clauses, orderBy, offset: parsePageToken(req.pageToken) };
}

export function parseRegisteredModelSearch(
  req: SearchRequestText,
): ParsedSearch<RegisteredModelClause, ColumnOrder<RegisteredModelOrderColumn>> {
  const clauses = parseRegisteredModelFilter(req.filter);
  const orderBy = parseRegisteredModelOrderBy(req.orderBy);
  return { clauses, orderBy, offset: parsePageToken(req.pageToken) };
}

export function parseModelVersionSearch(
  req: SearchRequestText,
): ParsedSearch<ModelVersionClause, ColumnOrder<ModelVersionOrderColumn>> {
  const clauses = parseModelVersionFilter(req.filter);
  const orderBy = parseModelVersionOrderBy(req.orderBy);
  return { clauses, orderBy, offset: parsePageToken(req.pageToken) };
}
