/** Handlers of runs/search and experiments/search. */
import type { tracking } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import type { SearchService } from '../service/search.js';
import { presentExperiment, presentRunRows } from '../presenters.js';

type T = typeof tracking;

export function searchRoutes(search: SearchService) {
  const searchRuns: Handler<T['searchRuns']['request']> = async (req) => {
    const page = await search.searchRuns(req);
    return { runs: page.items.length > 0 ? page.items.map(presentRunRows) : undefined, next_page_token: page.nextPageToken };
  };
  const searchExperiments: Handler<T['searchExperiments']['request']> = async (req) => {
    const page = await search.searchExperiments(req);
    return {
      experiments: page.items.length > 0 ? page.items.map(presentExperiment) : undefined,
      next_page_token: page.nextPageToken,
    };
  };
  return { searchRuns, searchExperiments };
}
