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

/** MLflow 3.x's prompt marker tag on registered models and versions. */
const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

/**
 * MLflow 3.x's prompt scoping (`_is_querying_prompt`, `_update_query_to_exclude_prompts`): a
 * search is for prompts only when its first is_prompt clause is `= 'true'` or `!= 'false'`;
 * otherwise every is_prompt clause is dropped and models tagged as prompts are left out, so a
 * model without the tag matches the 3.x client's ``tags.`mlflow.prompt.is_prompt` != 'true'``.
 */
function scopePrompts<C extends { type: string; key: string; test: { comparator: string; value?: unknown } }>(
  clauses: readonly C[],
): { clauses: C[]; excludePrompts: boolean } {
  const isPromptClause = (c: C) => c.type === 'tag' && c.key === IS_PROMPT_TAG;
  const first = clauses.find(isPromptClause);
  const value = typeof first?.test.value === 'string' ? first.test.value.toLowerCase() : undefined;
  const forPrompts = first !== undefined && ((first.test.comparator === '=' && value === 'true') || (first.test.comparator === '!=' && value === 'false'));
  if (forPrompts) return { clauses: [...clauses], excludePrompts: false };
  return { clauses: clauses.filter((c) => !isPromptClause(c)), excludePrompts: true };
}

export class RegistrySearchService {
  /** `mlflow3()`: the database is at MLflow 3.x's schema, where prompts are scoped out. */
  constructor(
    private readonly store: RegistrySearchStore,
    private readonly mlflow3: () => boolean = () => false,
  ) {}

  async searchRegisteredModels(req: SearchModelsRequest, visible?: Visibility): Promise<Page<RegisteredModel>> {
    const maxResults = checkMaxResults(
      req.max_results,
      LIMITS.SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
      LIMITS.SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD,
    );
    const parsed = parseRegisteredModelSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const scoped = this.mlflow3() ? scopePrompts(parsed.clauses) : { clauses: parsed.clauses, excludePrompts: false };
    const rows = await this.store.searchRegisteredModels({ ...parsed, ...scoped, limit: maxResults + 1, visible });
    return page(rows, parsed.offset, maxResults);
  }

  async searchModelVersions(req: SearchVersionsRequest, visible?: Visibility): Promise<Page<ModelVersion>> {
    const maxResults = checkMaxResults(
      req.max_results,
      LIMITS.SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
      LIMITS.SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD,
    );
    const parsed = parseModelVersionSearch({ filter: req.filter, orderBy: req.order_by, pageToken: req.page_token });
    const scoped = this.mlflow3() ? scopePrompts(parsed.clauses) : { clauses: parsed.clauses, excludePrompts: false };
    const rows = await this.store.searchModelVersions({ ...parsed, ...scoped, limit: maxResults + 1, visible });
    return page(rows, parsed.offset, maxResults);
  }
}
