/**
 * MLflow 3.x's logged-model RPCs (service.proto at 3.6), with the handler schemas of
 * mlflow/server/handlers.py, plus the two other 3.x tracking RPCs a 3.x client calls
 * (`runs/outputs`, `experiments/delete-experiment-tag`). Path parameters (`{model_id}`) are
 * fields of the request message, as in MLflow's routes.
 */
import { endpoint } from '../endpoint.js';
import { LOGGED_MODEL_STATUS } from '../enums.js';
import { field, message, repeated } from '../proto.js';

export const LoggedModelTagMsg = message('LoggedModelTag', { key: field('string'), value: field('string') });
export const LoggedModelParameterMsg = message('LoggedModelParameter', { key: field('string'), value: field('string') });
export const ModelInputMsg = message('ModelInput', { model_id: field('string') });
export const ModelOutputMsg = message('ModelOutput', { model_id: field('string'), step: field('int64') });

const MODEL = '/mlflow/logged-models/:model_id';

export const createLoggedModel = endpoint({
  name: 'createLoggedModel',
  methods: ['POST'],
  path: '/mlflow/logged-models',
  since: '3.x',
  request: message('CreateLoggedModel', {
    experiment_id: field('string'),
    name: field('string'),
    model_type: field('string'),
    source_run_id: field('string'),
    params: repeated(LoggedModelParameterMsg),
    tags: repeated(LoggedModelTagMsg),
  }),
  schema: {
    experiment_id: ['string', 'required'],
    name: ['string'],
    model_type: ['string'],
    source_run_id: ['string'],
    params: ['array'],
    tags: ['array'],
  },
});

export const getLoggedModel = endpoint({
  name: 'getLoggedModel',
  methods: ['GET'],
  path: MODEL,
  since: '3.x',
  request: message('GetLoggedModel', { model_id: field('string') }),
  schema: {},
});

export const finalizeLoggedModel = endpoint({
  name: 'finalizeLoggedModel',
  methods: ['PATCH'],
  path: MODEL,
  since: '3.x',
  request: message('FinalizeLoggedModel', { model_id: field('string'), status: field(LOGGED_MODEL_STATUS) }),
  schema: { model_id: ['string', 'required'], status: ['intlike', 'required'] },
});

export const deleteLoggedModel = endpoint({
  name: 'deleteLoggedModel',
  methods: ['DELETE'],
  path: MODEL,
  since: '3.x',
  request: message('DeleteLoggedModel', { model_id: field('string') }),
  schema: {},
});

export const SearchLoggedModelsDatasetMsg = message('SearchLoggedModels.Dataset', {
  dataset_name: field('string'),
  dataset_digest: field('string'),
});

export const SearchLoggedModelsOrderByMsg = message('SearchLoggedModels.OrderBy', {
  field_name: field('string'),
  ascending: field('bool'),
  dataset_name: field('string'),
  dataset_digest: field('string'),
});

export const searchLoggedModels = endpoint({
  name: 'searchLoggedModels',
  methods: ['POST'],
  path: '/mlflow/logged-models/search',
  since: '3.x',
  request: message('SearchLoggedModels', {
    experiment_ids: repeated('string'),
    filter: field('string'),
    datasets: repeated(SearchLoggedModelsDatasetMsg),
    max_results: field('int32'),
    order_by: repeated(SearchLoggedModelsOrderByMsg),
    page_token: field('string'),
  }),
  schema: {
    experiment_ids: ['array', 'itemTypeString', 'required'],
    filter: ['string'],
    datasets: ['array'],
    max_results: ['intlike'],
    order_by: ['array'],
    page_token: ['string'],
  },
});

export const setLoggedModelTags = endpoint({
  name: 'setLoggedModelTags',
  methods: ['PATCH'],
  path: `${MODEL}/tags`,
  since: '3.x',
  request: message('SetLoggedModelTags', { model_id: field('string'), tags: repeated(LoggedModelTagMsg) }),
  schema: { tags: ['array'] },
});

export const deleteLoggedModelTag = endpoint({
  name: 'deleteLoggedModelTag',
  methods: ['DELETE'],
  path: `${MODEL}/tags/:tag_key`,
  since: '3.x',
  request: message('DeleteLoggedModelTag', { model_id: field('string'), tag_key: field('string') }),
  schema: {},
});

export const listLoggedModelArtifacts = endpoint({
  name: 'listLoggedModelArtifacts',
  methods: ['GET'],
  path: `${MODEL}/artifacts/directories`,
  since: '3.x',
  request: message('ListLoggedModelArtifacts', {
    model_id: field('string'),
    artifact_directory_path: field('string'),
    page_token: field('string'),
  }),
  schema: { artifact_directory_path: ['string'] },
});

export const logLoggedModelParams = endpoint({
  name: 'logLoggedModelParams',
  methods: ['POST'],
  path: `${MODEL}/params`,
  since: '3.x',
  request: message('LogLoggedModelParamsRequest', { model_id: field('string'), params: repeated(LoggedModelParameterMsg) }),
  schema: { model_id: ['string', 'required'], params: ['array'] },
});

export const logOutputs = endpoint({
  name: 'logOutputs',
  methods: ['POST'],
  path: '/mlflow/runs/outputs',
  since: '3.x',
  request: message('LogOutputs', { run_id: field('string'), models: repeated(ModelOutputMsg) }),
  schema: { run_id: ['required', 'string'], models: ['required', 'array'] },
});

export const deleteExperimentTag = endpoint({
  name: 'deleteExperimentTag',
  methods: ['POST'],
  path: '/mlflow/experiments/delete-experiment-tag',
  since: '3.x',
  request: message('DeleteExperimentTag', { experiment_id: field('string'), key: field('string') }),
  schema: { experiment_id: ['required', 'string'], key: ['required', 'string'] },
});

export const LOGGED_MODEL_ENDPOINTS = [
  createLoggedModel,
  getLoggedModel,
  finalizeLoggedModel,
  deleteLoggedModel,
  searchLoggedModels,
  setLoggedModelTags,
  deleteLoggedModelTag,
  listLoggedModelArtifacts,
  logLoggedModelParams,
  logOutputs,
  deleteExperimentTag,
] as const;
