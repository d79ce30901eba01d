/**
 * Registered-model and model-version search (spec §5.4–§5.6): MLflow's checks in its order
 * (max_results, filter, order_by, page token), then one page of rows plus one more to decide
 * whether a next-page token is due.
 */
import type { Visibility } from '../../search/visibility.js';
import { LIMITS, MlflowError } from '@darwin-mlflow/contract';
import type { DecodedMessage, Int64, registry } from '@darwin-mlflow/contract';
import { createPageToken, parseModelVersionSearch, parseRegisteredModelSearch } from '../../search/index.js';
import type { ModelVersion, Page, RegisteredModel } from '../entities.js';
import type { RegistrySearchStore } from '../store/search.js';

type SearchModelsRequest = DecodedMessage<typeof registry.searchRegisteredModels.request>;
type SearchVersionsRequest = DecodedMessage<typeof registry.searchModelVersions.request>;

/**
 * MLflow 2.12.2 accepts max_results 0 or negative for registered models and then pages
 * forever (a token pointing at the same offset); we reject it like the version search does.
 */
function checkMaxResults(value: Int64 | undefined, fallback: number, threshold: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (n < 1) throw MlflowError.invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${value}`);
  if (n > threshold) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${threshold}, but got value ${value}`,
    );
  }
  return n;
}

function page<T>(rows: T[], offset: number, maxResults: number): Page<T> {
  const more = rows.length > maxResults;
  return { items: more ? rows.slice(0, maxResults) : rows, nextPageToken: more ? createPageToken(offset + maxResults) : undefined };
}

export class RegistrySearchService {
  constructor(private readonly store: RegistrySearchStore) {}

  async searchRegisteredModels(req: SearchModelsRequest, visible?: Visibility): Promise<Page<RegisteredModel>> {
    const maxResults = checkMaxResults(
      req.max_results,
      LIMITS.SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
      LIMITS.SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD,
    );
    const parsed = parseRegisteredModelSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const rows = await this.store.searchRegisteredModels({ ...parsed, limit: maxResults + 1, visible });
    return page(rows, parsed.offset, maxResults);
  }

  async searchModelVersions(req: SearchVersionsRequest, visible?: Visibility): Promise<Page<ModelVersion>> {
    const maxResults = checkMaxResults(
      req.max_results,
      LIMITS.SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
      LIMITS.SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD,
    );
    const parsed = parseModelVersionSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const rows = await this.store.searchModelVersions({ ...parsed, limit: maxResults + 1, visible });
    return page(rows, parsed.offset, maxResults);
  }
}
