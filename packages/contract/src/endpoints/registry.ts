/**
 * The 21 RPCs of MLflow 2.12.2's ModelRegistryService (model_registry.proto) with the handler
 * schemas of mlflow/server/handlers.py, in MLflow's order.
 */
import { endpoint } from '../endpoint.js';
import { LIMITS } from '../limits.js';
import { field, message, repeated } from '../proto.js';

export const RegisteredModelTagMsg = message('RegisteredModelTag', { key: field('string'), value: field('string') });
export const ModelVersionTagMsg = message('ModelVersionTag', { key: field('string'), value: field('string') });

export const createRegisteredModel = endpoint({
  name: 'createRegisteredModel',
  methods: ['POST'],
  path: '/mlflow/registered-models/create',
  request: message('CreateRegisteredModel', {
    name: field('string'),
    tags: repeated(RegisteredModelTagMsg),
    description: field('string'),
  }),
  schema: { name: ['string', 'required'], tags: ['array'], description: ['string'] },
});

export const renameRegisteredModel = endpoint({
  name: 'renameRegisteredModel',
  methods: ['POST'],
  path: '/mlflow/registered-models/rename',
  request: message('RenameRegisteredModel', { name: field('string'), new_name: field('string') }),
  schema: { name: ['string', 'required'], new_name: ['string', 'required'] },
});

export const updateRegisteredModel = endpoint({
  name: 'updateRegisteredModel',
  methods: ['PATCH'],
  path: '/mlflow/registered-models/update',
  request: message('UpdateRegisteredModel', { name: field('string'), description: field('string') }),
  schema: { name: ['string', 'required'], description: ['string'] },
});

export const deleteRegisteredModel = endpoint({
  name: 'deleteRegisteredModel',
  methods: ['DELETE'],
  path: '/mlflow/registered-models/delete',
  request: message('DeleteRegisteredModel', { name: field('string') }),
  schema: { name: ['string', 'required'] },
});

export const getRegisteredModel = endpoint({
  name: 'getRegisteredModel',
  methods: ['GET'],
  path: '/mlflow/registered-models/get',
  request: message('GetRegisteredModel', { name: field('string') }),
  schema: { name: ['string', 'required'] },
});

export const searchRegisteredModels = endpoint({
  name: 'searchRegisteredModels',
  methods: ['GET'],
  path: '/mlflow/registered-models/search',
  request: message('SearchRegisteredModels', {
    filter: field('string'),
    max_results: field('int64'),
    order_by: repeated('string'),
    page_token: field('string'),
  }),
  schema: {
    filter: ['string'],
    max_results: ['intlike', { kind: 'max', max: LIMITS.SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD }],
    order_by: ['array', 'itemTypeString'],
    page_token: ['string'],
  },
});

export const getLatestVersions = endpoint({
  name: 'getLatestVersions',
  methods: ['POST', 'GET'],
  path: '/mlflow/registered-models/get-latest-versions',
  request: message('GetLatestVersions', { name: field('string'), stages: repeated('string') }),
  schema: { name: ['string', 'required'], stages: ['array', 'itemTypeString'] },
});

const createModelVersionRequest = message('CreateModelVersion', {
  name: field('string'),
  source: field('string'),
  run_id: field('string'),
  tags: repeated(ModelVersionTagMsg),
  run_link: field('string'),
  description: field('string'),
});

const createModelVersionSchema = {
  name: ['string', 'required'],
  source: ['string', 'required'],
  run_id: ['string'],
  tags: ['array'],
  run_link: ['string'],
  description: ['string'],
} as const;

export const createModelVersion = endpoint({
  name: 'createModelVersion',
  methods: ['POST'],
  path: '/mlflow/model-versions/create',
  request: createModelVersionRequest,
  schema: createModelVersionSchema,
  v3: {
    request: message('CreateModelVersion', { ...createModelVersionRequest.fields, model_id: field('string') }),
    schema: { ...createModelVersionSchema, model_id: ['string'] },
  },
});

export const updateModelVersion = endpoint({
  name: 'updateModelVersion',
  methods: ['PATCH'],
  path: '/mlflow/model-versions/update',
  request: message('UpdateModelVersion', { name: field('string'), version: field('string'), description: field('string') }),
  schema: { name: ['string', 'required'], version: ['string', 'required'], description: ['string'] },
});

export const transitionModelVersionStage = endpoint({
  name: 'transitionModelVersionStage',
  methods: ['POST'],
  path: '/mlflow/model-versions/transition-stage',
  request: message('TransitionModelVersionStage', {
    name: field('string'),
    version: field('string'),
    stage: field('string'),
    archive_existing_versions: field('bool'),
  }),
  schema: {
    name: ['string', 'required'],
    version: ['string', 'required'],
    stage: ['string', 'required'],
    archive_existing_versions: ['bool'],
  },
});

export const deleteModelVersion = endpoint({
  name: 'deleteModelVersion',
  methods: ['DELETE'],
  path: '/mlflow/model-versions/delete',
  request: message('DeleteModelVersion', { name: field('string'), version: field('string') }),
  schema: { name: ['string', 'required'], version: ['string', 'required'] },
});

export const getModelVersion = endpoint({
  name: 'getModelVersion',
  methods: ['GET'],
  path: '/mlflow/model-versions/get',
  request: message('GetModelVersion', { name: field('string'), version: field('string') }),
  schema: { name: ['string', 'required'], version: ['string', 'required'] },
});

export const searchModelVersions = endpoint({
  name: 'searchModelVersions',
  methods: ['GET'],
  path: '/mlflow/model-versions/search',
  request: message('SearchModelVersions', {
    filter: field('string'),
    max_results: field('int64'),
    order_by: repeated('string'),
    page_token: field('string'),
  }),
  schema: {
    filter: ['string'],
    max_results: ['intlike', { kind: 'max', max: LIMITS.SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD }],
    order_by: ['array', 'itemTypeString'],
    page_token: ['string'],
  },
});

/** MLflow's handler declares no schema here; the store rejects an empty name. */
export const getModelVersionDownloadUri = endpoint({
  name: 'getModelVersionDownloadUri',
  methods: ['GET'],
  path: '/mlflow/model-versions/get-download-uri',
  request: message('GetModelVersionDownloadUri', { name: field('string'), version: field('string') }),
  schema: {},
});

export const setRegisteredModelTag = endpoint({
  name: 'setRegisteredModelTag',
  methods: ['POST'],
  path: '/mlflow/registered-models/set-tag',
  request: message('SetRegisteredModelTag', { name: field('string'), key: field('string'), value: field('string') }),
  schema: { name: ['string', 'required'], key: ['string', 'required'], value: ['string'] },
});

export const setModelVersionTag = endpoint({
  name: 'setModelVersionTag',
  methods: ['POST'],
  path: '/mlflow/model-versions/set-tag',
  request: message('SetModelVersionTag', {
    name: field('string'),
    version: field('string'),
    key: field('string'),
    value: field('string'),
  }),
  schema: {
    name: ['string', 'required'],
    version: ['string', 'required'],
    key: ['string', 'required'],
    value: ['string'],
  },
});

export const deleteRegisteredModelTag = endpoint({
  name: 'deleteRegisteredModelTag',
  methods: ['DELETE'],
  path: '/mlflow/registered-models/delete-tag',
  request: message('DeleteRegisteredModelTag', { name: field('string'), key: field('string') }),
  schema: { name: ['string', 'required'], key: ['string', 'required'] },
});

export const deleteModelVersionTag = endpoint({
  name: 'deleteModelVersionTag',
  methods: ['DELETE'],
  path: '/mlflow/model-versions/delete-tag',
  request: message('DeleteModelVersionTag', { name: field('string'), version: field('string'), key: field('string') }),
  schema: { name: ['string', 'required'], version: ['string', 'required'], key: ['string', 'required'] },
});

export const setRegisteredModelAlias = endpoint({
  name: 'setRegisteredModelAlias',
  methods: ['POST'],
  path: '/mlflow/registered-models/alias',
  request: message('SetRegisteredModelAlias', { name: field('string'), alias: field('string'), version: field('string') }),
  schema: { name: ['string', 'required'], alias: ['string', 'required'], version: ['string', 'required'] },
});

export const deleteRegisteredModelAlias = endpoint({
  name: 'deleteRegisteredModelAlias',
  methods: ['DELETE'],
  path: '/mlflow/registered-models/alias',
  request: message('DeleteRegisteredModelAlias', { name: field('string'), alias: field('string') }),
  schema: { name: ['string', 'required'], alias: ['string', 'required'] },
});

export const getModelVersionByAlias = endpoint({
  name: 'getModelVersionByAlias',
  methods: ['GET'],
  path: '/mlflow/registered-models/alias',
  request: message('GetModelVersionByAlias', { name: field('string'), alias: field('string') }),
  schema: { name: ['string', 'required'], alias: ['string', 'required'] },
});

export const REGISTRY_ENDPOINTS = [
  createRegisteredModel,
  renameRegisteredModel,
  updateRegisteredModel,
  deleteRegisteredModel,
  getRegisteredModel,
  searchRegisteredModels,
  getLatestVersions,
  createModelVersion,
  updateModelVersion,
  transitionModelVersionStage,
  deleteModelVersion,
  getModelVersion,
  searchModelVersions,
  getModelVersionDownloadUri,
  setRegisteredModelTag,
  setModelVersionTag,
  deleteRegisteredModelTag,
  deleteModelVersionTag,
  setRegisteredModelAlias,
  deleteRegisteredModelAlias,
  getModelVersionByAlias,
] as const;
