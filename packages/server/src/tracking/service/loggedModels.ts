/** Logged-model use cases: MLflow 3.x's handler and store rules over the logged-model store. */
import { LOGGED_MODEL_STATUS, MlflowError, loggedModels } from '@darwin-mlflow/contract';
import type { DecodedMessage } from '@darwin-mlflow/contract';
import type { LoggedModelStore } from '../store/loggedModels.js';
import type { LoggedModelOrder, LoggedModelSearch } from '../store/loggedModelSearch.js';
import type { LoggedModel } from '../loggedModelEntities.js';
import type { KeyValue } from '../entities.js';
import type { Visibility } from '../../search/visibility.js';
import { parseExperimentId } from '../store/experiments.js';
import { parseLoggedModelFilter, resolveLoggedModelColumn } from '../../search/loggedModelsFilter.js';
import { pyTupleRepr } from '../../search/python.js';
import { pyRepr } from '../../http/pyrepr.js';
import { generateRunName } from '../../util/runNames.js';
import { decodeSearchToken, encodeSearchToken } from './loggedModelTokens.js';
import type { TokenOrderBy } from './loggedModelTokens.js';

type CreateRequest = DecodedMessage<typeof loggedModels.createLoggedModel.request>;
type SearchRequest = DecodedMessage<typeof loggedModels.searchLoggedModels.request>;

/** SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT */
const DEFAULT_MAX_RESULTS = 100;
const BAD_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];

const keyValues = (items: readonly { key?: string; value?: string }[]): KeyValue[] =>
  items.map((i) => ({ key: i.key ?? '', value: i.value ?? '' }));

export class LoggedModelService {
  constructor(private readonly store: LoggedModelStore) {}

  create(req: CreateRequest): Promise<LoggedModel> {
    const name = req.name || undefined;
    if (name !== undefined && BAD_NAME_CHARS.some((c) => name.includes(c))) {
      throw MlflowError.invalidParameter(
        `Invalid model name (${pyRepr(name)}) provided. Model name must be a non-empty string and cannot contain the following characters: ${pyTupleRepr(BAD_NAME_CHARS)}`,
      );
    }
    return this.store.create({
      experimentId: req.experiment_id ?? '',
      name: name ?? generateRunName(),
      modelType: req.model_type ?? '',
      sourceRunId: req.source_run_id ?? '',
      params: keyValues(req.params),
      tags: keyValues(req.tags),
    });
  }

  get(modelId: string): Promise<LoggedModel> {
    return this.store.get(modelId);
  }

  finalize(modelId: string, status: string | undefined): Promise<LoggedModel> {
    const value = LOGGED_MODEL_STATUS.values[(status ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED') as keyof typeof LOGGED_MODEL_STATUS.values];
    return this.store.finalize(modelId, value ?? 0);
  }

  delete(modelId: string): Promise<void> {
    return this.store.delete(modelId);
  }

  setTags(modelId: string, tags: readonly { key?: string; value?: string }[]): Promise<void> {
    return this.store.setTags(modelId, keyValues(tags));
  }

  deleteTag(modelId: string, key: string): Promise<void> {
    return this.store.deleteTag(modelId, key);
  }

  logParams(modelId: string, params: readonly { key?: string; value?: string }[]): Promise<void> {
    return this.store.logParams(modelId, keyValues(params));
  }

  async search(req: SearchRequest, visible?: Visibility): Promise<{ models: LoggedModel[]; nextPageToken?: string }> {
    if (req.datasets.some((d) => !d.dataset_name)) {
      throw MlflowError.invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
    }
    const filter = req.filter || null;
    const orderBy: TokenOrderBy[] | null =
      req.order_by.length > 0
        ? req.order_by.map((o) => ({
            field_name: o.field_name ?? '',
            ascending: o.ascending ?? true,
            dataset_name: o.dataset_name || null,
            dataset_digest: o.dataset_digest || null,
          }))
        : null;
    const offset = req.page_token ? decodeSearchToken(req.page_token, req.experiment_ids, filter, orderBy) : 0;
    const maxResults = req.max_results || DEFAULT_MAX_RESULTS;
    const query: LoggedModelSearch = {
      experimentIds: req.experiment_ids.map((id) => parseExperimentId(id) ?? -1),
      comparisons: parseLoggedModelFilter(filter ?? undefined),
      datasets: req.datasets.map((d) => ({ name: d.dataset_name ?? '', digest: d.dataset_digest || null })),
      orderBy: (orderBy ?? []).map(toOrder),
      offset,
      maxResults,
      ...(visible ? { visible } : {}),
    };
    const { models, nextOffset } = await this.store.search(query);
    if (nextOffset === undefined) return { models };
    return { models, nextPageToken: encodeSearchToken(req.experiment_ids, filter, orderBy, nextOffset) };
  }
}

function toOrder(o: TokenOrderBy): LoggedModelOrder {
  const field = o.field_name;
  if (!field.includes('.')) {
    const column = resolveLoggedModelColumn(field);
    if (!column) throw MlflowError.invalidParameter(`Invalid order by field name: ${field}`);
    return { kind: 'column', column, ascending: o.ascending };
  }
  const [entity, name] = [field.slice(0, field.indexOf('.')), field.slice(field.indexOf('.') + 1)];
  if (entity !== 'metrics') throw MlflowError.invalidParameter(`Invalid order by field name: ${field}. Only metrics are supported.`);
  return {
    kind: 'metric',
    name,
    ascending: o.ascending,
    ...(o.dataset_name ? { datasetName: o.dataset_name } : {}),
    ...(o.dataset_digest ? { datasetDigest: o.dataset_digest } : {}),
  };
}
