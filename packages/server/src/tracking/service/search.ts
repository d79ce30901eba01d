/**
 * runs/search and experiments/search: MLflow's parameter rules, filter grammar and paging
 * (runs: a token whenever the page is full; experiments: only when another row exists).
 */
import type { Visibility } from '../../search/visibility.js';
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import type { ViewType } from '@darwin-mlflow/contract';
import { createPageToken, parseExperimentSearch, parseRunSearch } from '../../search/index.js';
import { runPageSize, STREAMED_SEARCH } from '../store/search.js';
import type { RunPage, RunSearch, SearchStore } from '../store/search.js';
import type { Experiment } from '../entities.js';

export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: string;
  max_results?: number;
  order_by: string[];
  page_token?: string;
}

export interface SearchExperimentsRequest {
  max_results?: number | bigint;
  page_token?: string;
  filter?: string;
  order_by: string[];
  view_type?: string;
}

/** A large runs/search page as chunks, and its page token once the number of runs is known. */
export interface RunStream {
  pages: AsyncIterable<RunPage>;
  nextPageToken(count: number): string | undefined;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | undefined;
}

export class SearchService {
  constructor(private readonly store: SearchStore) {}

  async searchRuns(req: SearchRunsRequest): Promise<{ page: RunPage; nextPageToken: string | undefined }> {
    const { search, nextPageToken } = this.runSearch(req);
    const runs = await this.store.searchRuns(search);
    return { page: runs, nextPageToken: nextPageToken(runPageSize(runs)) };
  }

  /** A page of more than STREAMED_SEARCH runs, chunk by chunk (docs/streaming.md), or undefined for a smaller one, which searchRuns reads whole. */
  streamRuns(req: SearchRunsRequest): RunStream | undefined {
    const { search, nextPageToken } = this.runSearch(req);
    if (search.limit <= STREAMED_SEARCH) return undefined;
    return { pages: this.store.streamRuns(search), nextPageToken };
  }

  /** MLflow's checks of a runs/search request, and its page token rule (a token when the page is full). */
  private runSearch(req: SearchRunsRequest): { search: RunSearch; nextPageToken: (count: number) => string | undefined } {
    const maxResults = req.max_results ?? LIMITS.SEARCH_MAX_RESULTS_DEFAULT;
    if (maxResults < 1) {
      // MLflow passes 0 and negatives to the database (0 then loops forever on its page token)
      throw MlflowError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer.`);
    }
    const parsed = parseRunSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const search: RunSearch = {
      experimentIds: req.experiment_ids,
      viewType: (req.run_view_type ?? 'ACTIVE_ONLY') as ViewType,
      clauses: parsed.clauses,
      orderBy: parsed.orderBy,
      offset: parsed.offset,
      limit: maxResults,
    };
    return { search, nextPageToken: (count) => (count === maxResults ? createPageToken(parsed.offset + maxResults) : undefined) };
  }

  async searchExperiments(req: SearchExperimentsRequest, visible?: Visibility): Promise<Page<Experiment>> {
    const maxResults = Number(req.max_results ?? 0);
    if (maxResults < 1) {
      throw MlflowError.invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${maxResults}`);
    }
    if (maxResults > LIMITS.SEARCH_MAX_RESULTS_THRESHOLD) {
      throw MlflowError.invalidParameter(
        `Invalid value for max_results. It must be at most ${LIMITS.SEARCH_MAX_RESULTS_THRESHOLD}, but got ${maxResults}`,
      );
    }
    const parsed = parseExperimentSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const rows = await this.store.searchExperiments({
      visible,
      viewType: (req.view_type ?? 'ACTIVE_ONLY') as ViewType,
      clauses: parsed.clauses,
      orderBy: parsed.orderBy,
      offset: parsed.offset,
      limit: maxResults + 1,
    });
    const more = rows.length > maxResults;
    return { items: rows.slice(0, maxResults), nextPageToken: more ? createPageToken(parsed.offset + maxResults) : undefined };
  }
}
