/** Handlers of runs/search and experiments/search. */
import { experimentVisibility } from '../../auth/requestAuth.js';
import { isVisible } from '../../search/visibility.js';
import type { tracking } from '@darwin-mlflow/contract';
import type { Handler } from '../../http/mount.js';
import { encodeJson, rawJsonList } from '../../http/json.js';
import { jsonListParts, mapChunks, StreamedJson } from '../../http/streamedJson.js';
import type { SearchService } from '../service/search.js';
import { presentExperiment, presentRunRows } from '../presenters.js';

type T = typeof tracking;

export function searchRoutes(search: SearchService) {
  const searchRuns: Handler<T['searchRuns']['request']> = async (req, { request }) => {
    // runs inherit their experiment's permission: unreadable experiments are left out of the search
    const visible = await experimentVisibility(request);
    const experimentIds = visible ? (req.experiment_ids ?? []).filter((id) => isVisible(visible, String(id))) : req.experiment_ids;
    const runSearch = visible ? { ...req, experiment_ids: experimentIds } : req;
    const stream = search.streamRuns(runSearch);
    if (stream) return new StreamedJson(jsonListParts('runs', mapChunks(stream.pages, (page) => page.json ?? page.rows.map((run) => encodeJson(presentRunRows(run)))), (n) => ({ next_page_token: stream.nextPageToken(n) })));
    const { page, nextPageToken } = await search.searchRuns(runSearch);
    if (page.json) return rawJsonList('runs', page.json, { next_page_token: nextPageToken });
    return { runs: page.rows.length > 0 ? page.rows.map(presentRunRows) : undefined, next_page_token: nextPageToken };
  };
  const searchExperiments: Handler<T['searchExperiments']['request']> = async (req, { request }) => {
    const page = await search.searchExperiments(req, await experimentVisibility(request));
    return {
      experiments: page.items.length > 0 ? page.items.map(presentExperiment) : undefined,
      next_page_token: page.nextPageToken,
    };
  };
  return { searchRuns, searchExperiments };
}
