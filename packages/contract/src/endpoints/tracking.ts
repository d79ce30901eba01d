/** The 24 RPCs of MLflow 2.12.2's MlflowService (service.proto) with their handler schemas. */
import { endpoint } from '../endpoint.js';
import { RUN_STATUS, VIEW_TYPE } from '../enums.js';
import { field, message, repeated } from '../proto.js';
import { LIMITS } from '../limits.js';

const KeyValueTag = (name: string) =>
  message(name, { key: field('string'), value: field('string') });

export const RunTagMsg = KeyValueTag('RunTag');
export const ExperimentTagMsg = KeyValueTag('ExperimentTag');
export const ParamMsg = KeyValueTag('Param');
export const InputTagMsg = KeyValueTag('InputTag');

export const MetricMsg = message('Metric', {
  key: field('string'),
  value: field('double'),
  timestamp: field('int64'),
  step: field('int64'),
});

/** MLflow 3.x's Metric: linked to a logged model and a dataset. */
export const MetricMsgV3 = message('Metric', {
  ...MetricMsg.fields,
  dataset_name: field('string'),
  dataset_digest: field('string'),
  model_id: field('string'),
  run_id: field('string'),
});

export const DatasetMsg = message('Dataset', {
  name: field('string'),
  digest: field('string'),
  source_type: field('string'),
  source: field('string'),
  schema: field('string'),
  profile: field('string'),
});

export const DatasetInputMsg = message('DatasetInput', {
  tags: repeated(InputTagMsg),
  dataset: field(DatasetMsg),
});

const runIdSchema = { run_id: ['required', 'string'] } as const;

export const getExperimentByName = endpoint({
  name: 'getExperimentByName',
  methods: ['GET'],
  path: '/mlflow/experiments/get-by-name',
  request: message('GetExperimentByName', { experiment_name: field('string') }),
  schema: { experiment_name: ['required', 'string'] },
});

export const createExperiment = endpoint({
  name: 'createExperiment',
  methods: ['POST'],
  path: '/mlflow/experiments/create',
  request: message('CreateExperiment', {
    name: field('string'),
    artifact_location: field('string'),
    tags: repeated(ExperimentTagMsg),
  }),
  schema: { name: ['required', 'string'], artifact_location: ['string'], tags: ['array'] },
});

export const searchExperiments = endpoint({
  name: 'searchExperiments',
  methods: ['POST', 'GET'],
  path: '/mlflow/experiments/search',
  request: message('SearchExperiments', {
    max_results: field('int64'),
    page_token: field('string'),
    filter: field('string'),
    order_by: repeated('string'),
    view_type: field(VIEW_TYPE),
  }),
  schema: {
    view_type: ['intlike'],
    max_results: ['intlike'],
    order_by: ['array'],
    filter: ['string'],
    page_token: ['string'],
  },
});

export const getExperiment = endpoint({
  name: 'getExperiment',
  methods: ['GET'],
  path: '/mlflow/experiments/get',
  request: message('GetExperiment', { experiment_id: field('string') }),
  schema: { experiment_id: ['required', 'string'] },
});

export const deleteExperiment = endpoint({
  name: 'deleteExperiment',
  methods: ['POST'],
  path: '/mlflow/experiments/delete',
  request: message('DeleteExperiment', { experiment_id: field('string') }),
  schema: { experiment_id: ['required', 'string'] },
});

export const restoreExperiment = endpoint({
  name: 'restoreExperiment',
  methods: ['POST'],
  path: '/mlflow/experiments/restore',
  request: message('RestoreExperiment', { experiment_id: field('string') }),
  schema: { experiment_id: ['required', 'string'] },
});

export const updateExperiment = endpoint({
  name: 'updateExperiment',
  methods: ['POST'],
  path: '/mlflow/experiments/update',
  request: message('UpdateExperiment', { experiment_id: field('string'), new_name: field('string') }),
  schema: { experiment_id: ['required', 'string'], new_name: ['string', 'required'] },
});

export const createRun = endpoint({
  name: 'createRun',
  methods: ['POST'],
  path: '/mlflow/runs/create',
  request: message('CreateRun', {
    experiment_id: field('string'),
    user_id: field('string'),
    run_name: field('string'),
    start_time: field('int64'),
    tags: repeated(RunTagMsg),
  }),
  schema: { experiment_id: ['string'], start_time: ['intlike'], run_name: ['string'] },
});

export const updateRun = endpoint({
  name: 'updateRun',
  methods: ['POST'],
  path: '/mlflow/runs/update',
  request: message('UpdateRun', {
    run_id: field('string'),
    run_uuid: field('string'),
    status: field(RUN_STATUS),
    end_time: field('int64'),
    run_name: field('string'),
  }),
  schema: {
    run_id: ['required', 'string'],
    end_time: ['intlike'],
    status: ['string'],
    run_name: ['string'],
  },
});

export const deleteRun = endpoint({
  name: 'deleteRun',
  methods: ['POST'],
  path: '/mlflow/runs/delete',
  request: message('DeleteRun', { run_id: field('string') }),
  schema: runIdSchema,
});

export const restoreRun = endpoint({
  name: 'restoreRun',
  methods: ['POST'],
  path: '/mlflow/runs/restore',
  request: message('RestoreRun', { run_id: field('string') }),
  schema: runIdSchema,
});

const logMetricRequest = message('LogMetric', {
  run_id: field('string'),
  run_uuid: field('string'),
  key: field('string'),
  value: field('double'),
  timestamp: field('int64'),
  step: field('int64'),
});

const logMetricSchema = {
  run_id: ['required', 'string'],
  key: ['required', 'string'],
  value: ['required', 'floatlike'],
  timestamp: ['intlike', 'required'],
  step: ['intlike'],
} as const;

export const logMetric = endpoint({
  name: 'logMetric',
  methods: ['POST'],
  path: '/mlflow/runs/log-metric',
  request: logMetricRequest,
  schema: logMetricSchema,
  v3: {
    request: message('LogMetric', {
      ...logMetricRequest.fields,
      model_id: field('string'),
      dataset_name: field('string'),
      dataset_digest: field('string'),
    }),
    schema: { ...logMetricSchema, model_id: ['string'], dataset_name: ['string'], dataset_digest: ['string'] },
  },
});

export const logParam = endpoint({
  name: 'logParam',
  methods: ['POST'],
  path: '/mlflow/runs/log-parameter',
  request: message('LogParam', {
    run_id: field('string'),
    run_uuid: field('string'),
    key: field('string'),
    value: field('string'),
  }),
  schema: { run_id: ['required', 'string'], key: ['required', 'string'], value: ['string'] },
});

export const setExperimentTag = endpoint({
  name: 'setExperimentTag',
  methods: ['POST'],
  path: '/mlflow/experiments/set-experiment-tag',
  request: message('SetExperimentTag', {
    experiment_id: field('string'),
    key: field('string'),
    value: field('string'),
  }),
  schema: { experiment_id: ['required', 'string'], key: ['required', 'string'], value: ['string'] },
});

export const setTag = endpoint({
  name: 'setTag',
  methods: ['POST'],
  path: '/mlflow/runs/set-tag',
  request: message('SetTag', {
    run_id: field('string'),
    run_uuid: field('string'),
    key: field('string'),
    value: field('string'),
  }),
  schema: { run_id: ['required', 'string'], key: ['required', 'string'], value: ['string'] },
});

export const deleteTag = endpoint({
  name: 'deleteTag',
  methods: ['POST'],
  path: '/mlflow/runs/delete-tag',
  request: message('DeleteTag', { run_id: field('string'), key: field('string') }),
  schema: { run_id: ['required', 'string'], key: ['required', 'string'] },
});

export const getRun = endpoint({
  name: 'getRun',
  methods: ['GET'],
  path: '/mlflow/runs/get',
  request: message('GetRun', { run_id: field('string'), run_uuid: field('string') }),
  schema: runIdSchema,
});

export const searchRuns = endpoint({
  name: 'searchRuns',
  methods: ['POST'],
  path: '/mlflow/runs/search',
  request: message('SearchRuns', {
    experiment_ids: repeated('string'),
    filter: field('string'),
    run_view_type: field(VIEW_TYPE),
    max_results: field('int32'),
    order_by: repeated('string'),
    page_token: field('string'),
  }),
  schema: {
    experiment_ids: ['array'],
    filter: ['string'],
    max_results: ['intlike', { kind: 'max', max: LIMITS.SEARCH_MAX_RESULTS_THRESHOLD }],
    order_by: ['array', 'itemTypeString'],
  },
});

export const listArtifacts = endpoint({
  name: 'listArtifacts',
  methods: ['GET'],
  path: '/mlflow/artifacts/list',
  request: message('ListArtifacts', {
    run_id: field('string'),
    run_uuid: field('string'),
    path: field('string'),
    page_token: field('string'),
  }),
  schema: { run_id: ['string', 'required'], path: ['string'], page_token: ['string'] },
});

export const getMetricHistory = endpoint({
  name: 'getMetricHistory',
  methods: ['GET'],
  path: '/mlflow/metrics/get-history',
  request: message('GetMetricHistory', {
    run_id: field('string'),
    run_uuid: field('string'),
    metric_key: field('string'),
    page_token: field('string'),
    max_results: field('int32'),
  }),
  schema: { run_id: ['string', 'required'], metric_key: ['string', 'required'] },
});

export const getMetricHistoryBulkInterval = endpoint({
  name: 'getMetricHistoryBulkInterval',
  methods: ['GET'],
  path: '/mlflow/metrics/get-history-bulk-interval',
  request: message('GetMetricHistoryBulkInterval', {
    run_ids: repeated('string'),
    metric_key: field('string'),
    start_step: field('int32'),
    end_step: field('int32'),
    max_results: field('int32'),
  }),
  schema: {
    run_ids: [
      'required',
      'array',
      'itemTypeString',
      {
        kind: 'maxLength',
        max: LIMITS.MAX_RUNS_GET_METRIC_HISTORY_BULK,
        message: `GetMetricHistoryBulkInterval request must specify at most ${LIMITS.MAX_RUNS_GET_METRIC_HISTORY_BULK} run_ids. Received {n} run_ids.`,
      },
    ],
    metric_key: ['required', 'string'],
    start_step: ['intlike'],
    end_step: ['intlike'],
    max_results: [
      'intlike',
      {
        kind: 'range',
        min: 1,
        max: LIMITS.MAX_RESULTS_PER_RUN_GET_METRIC_HISTORY_BULK_INTERVAL,
        message: `max_results must be between 1 and ${LIMITS.MAX_RESULTS_PER_RUN_GET_METRIC_HISTORY_BULK_INTERVAL}.`,
      },
    ],
  },
});

const logBatchSchema = {
  run_id: ['string', 'required'],
  metrics: ['array', { kind: 'itemsHave', keys: ['key', 'value', 'timestamp'] }],
  params: ['array', { kind: 'itemsHave', keys: ['key'] }],
  tags: ['array', { kind: 'itemsHave', keys: ['key'] }],
} as const;

export const logBatch = endpoint({
  name: 'logBatch',
  methods: ['POST'],
  path: '/mlflow/runs/log-batch',
  request: message('LogBatch', {
    run_id: field('string'),
    metrics: repeated(MetricMsg),
    params: repeated(ParamMsg),
    tags: repeated(RunTagMsg),
  }),
  schema: logBatchSchema,
  v3: {
    request: message('LogBatch', {
      run_id: field('string'),
      metrics: repeated(MetricMsgV3),
      params: repeated(ParamMsg),
      tags: repeated(RunTagMsg),
    }),
    schema: logBatchSchema,
  },
});

export const logModel = endpoint({
  name: 'logModel',
  methods: ['POST'],
  path: '/mlflow/runs/log-model',
  request: message('LogModel', { run_id: field('string'), model_json: field('string') }),
  schema: { run_id: ['string', 'required'], model_json: ['string', 'required'] },
});

export const logInputs = endpoint({
  name: 'logInputs',
  methods: ['POST'],
  path: '/mlflow/runs/log-inputs',
  request: message('LogInputs', { run_id: field('string'), datasets: repeated(DatasetInputMsg) }),
  schema: { run_id: ['required', 'string'], datasets: ['required', 'array'] },
  // MLflow 3.x: model inputs, and datasets no longer required
  v3: {
    request: message('LogInputs', {
      run_id: field('string'),
      datasets: repeated(DatasetInputMsg),
      models: repeated(message('ModelInput', { model_id: field('string') })),
    }),
    schema: { run_id: ['required', 'string'], datasets: ['array'], models: ['array'] },
  },
});

export const TRACKING_ENDPOINTS = [
  getExperimentByName,
  createExperiment,
  searchExperiments,
  getExperiment,
  deleteExperiment,
  restoreExperiment,
  updateExperiment,
  createRun,
  updateRun,
  deleteRun,
  restoreRun,
  logMetric,
  logParam,
  setExperimentTag,
  setTag,
  deleteTag,
  getRun,
  searchRuns,
  listArtifacts,
  getMetricHistory,
  getMetricHistoryBulkInterval,
  logBatch,
  logModel,
  logInputs,
] as const;
