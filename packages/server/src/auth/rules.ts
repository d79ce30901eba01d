/**
 * The permission table: what every mounted route requires, in one place. Routes of the endpoint
 * catalogues are keyed by endpoint name (their `/api/2.0` and `/ajax-api/2.0` twins share the
 * entry); other routes by `METHOD path` (path without the API or static prefix). A route with no
 * entry is denied to everyone but admins, and a test fails when a mounted route has none.
 *
 * Resource parameters are read as MLflow's basic-auth reads them (query string for GET, JSON
 * body otherwise; `run_id` falls back to `run_uuid`); see ./resolve.ts.
 */
import type { Capability } from './permissions.js';

export type ExperimentSource =
  | { from: 'experiment_id' }
  | { from: 'experiment_ids' }
  | { from: 'experiment_name' }
  /** The artifact proxy: the leading `<digits>/` of the route's path (or of the `path` query value for listings). */
  | { from: 'artifact_path' }
  | { from: 'artifact_list_path' }
  | { from: 'run'; param: 'run_id' | 'run_uuid' }
  | { from: 'runs'; param: 'run_id' | 'run_ids' }
  /** A /v1 path parameter. */
  | { from: 'path_experiment' }
  | { from: 'path_run' }
  /** MLflow 3.x: the experiment of the logged model named by the `model_id` path parameter. */
  | { from: 'path_logged_model' }
  /** MLflow 3.x: the experiment of the trace named by the `trace_id` / `request_id` path parameter. */
  | { from: 'path_trace' }
  /** MLflow 3.x: the experiment of the trace named by a query parameter (getTrace, get-trace-artifact). */
  | { from: 'query_trace'; param: 'trace_id' | 'request_id' }
  /** MLflow 3.x startTraceV3: `trace.trace_info.trace_location.mlflow_experiment.experiment_id` of the body. */
  | { from: 'trace_location' }
  /** MLflow 3.x OTLP export: the `x-mlflow-experiment-id` request header. */
  | { from: 'experiment_header' };

export type Rule =
  /** No credentials needed. */
  | { kind: 'public' }
  /** Any signed-in user; what the route returns is filtered to what the caller may read. */
  | { kind: 'authenticated' }
  | { kind: 'admin' }
  /** The `username` parameter must be the caller (or the caller an admin). */
  | { kind: 'self' }
  | { kind: 'experiment'; need: Capability; source: ExperimentSource }
  | { kind: 'model'; need: Capability; source: 'name' | 'path_model' };

export const PUBLIC: Rule = { kind: 'public' };
export const AUTHENTICATED: Rule = { kind: 'authenticated' };
export const ADMIN: Rule = { kind: 'admin' };
export const SELF: Rule = { kind: 'self' };

const byExperiment = (need: Capability, source: ExperimentSource = { from: 'experiment_id' }): Rule => ({ kind: 'experiment', need, source });
const byRun = (need: Capability, param: 'run_id' | 'run_uuid' = 'run_id'): Rule => byExperiment(need, { from: 'run', param });
const byRuns = (need: Capability, param: 'run_id' | 'run_ids'): Rule => byExperiment(need, { from: 'runs', param });
const byModel = (need: Capability, source: 'name' | 'path_model' = 'name'): Rule => ({ kind: 'model', need, source });
const byLoggedModel = (need: Capability): Rule => byExperiment(need, { from: 'path_logged_model' });
const byTrace = (need: Capability): Rule => byExperiment(need, { from: 'path_trace' });
const byQueryTrace = (need: Capability, param: 'trace_id' | 'request_id'): Rule => byExperiment(need, { from: 'query_trace', param });
const proxy = (need: Capability): Rule => byExperiment(need, { from: 'artifact_path' });

/** Catalogue endpoints (tracking, registry, artifacts, ajax extras, UI artifact helpers) by name. */
export const ENDPOINT_RULES: Readonly<Record<string, Rule>> = {
  // experiments
  createExperiment: AUTHENTICATED,
  searchExperiments: AUTHENTICATED,
  getExperiment: byExperiment('read'),
  getExperimentByName: byExperiment('read', { from: 'experiment_name' }),
  deleteExperiment: byExperiment('delete'),
  restoreExperiment: byExperiment('delete'),
  updateExperiment: byExperiment('update'),
  setExperimentTag: byExperiment('update'),
  searchDatasets: byExperiment('read', { from: 'experiment_ids' }),
  // runs
  createRun: byExperiment('update'),
  getRun: byRun('read'),
  updateRun: byRun('update'),
  deleteRun: byRun('delete'),
  restoreRun: byRun('delete'),
  logMetric: byRun('update'),
  logParam: byRun('update'),
  logBatch: byRun('update'),
  logModel: byRun('update'),
  logInputs: byRun('update'),
  setTag: byRun('update'),
  deleteTag: byRun('update'),
  searchRuns: AUTHENTICATED,
  listArtifacts: byRun('read'),
  getMetricHistory: byRun('read'),
  getMetricHistoryBulk: byRuns('read', 'run_id'),
  getMetricHistoryBulkInterval: byRuns('read', 'run_ids'),
  // MLflow 3.x logged models: their experiment's permissions (MLflow basic-auth's rules)
  createLoggedModel: byExperiment('update'),
  getLoggedModel: byLoggedModel('read'),
  finalizeLoggedModel: byLoggedModel('update'),
  deleteLoggedModel: byLoggedModel('delete'),
  setLoggedModelTags: byLoggedModel('update'),
  deleteLoggedModelTag: byLoggedModel('delete'),
  logLoggedModelParams: byLoggedModel('update'),
  listLoggedModelArtifacts: byLoggedModel('read'),
  searchLoggedModels: AUTHENTICATED,
  logOutputs: byRun('update'),
  deleteExperimentTag: byExperiment('update'),
  // MLflow 3.x traces and assessments: their experiment's permissions; a trace's spans go through
  // the artifact proxy under `<experiment id>/traces/...`, checked like any artifact there
  startTraceV3: byExperiment('update', { from: 'trace_location' }),
  getTraceInfoV3: byTrace('read'),
  getTrace: byQueryTrace('read', 'trace_id'),
  // answers only the traces of experiments the caller may read (the others are left out)
  batchGetTraces: AUTHENTICATED,
  searchTracesV3: AUTHENTICATED,
  calculateTraceFilterCorrelation: AUTHENTICATED,
  // the deprecated 2.x trace RPCs MLflow 3.x still serves
  startTrace: byExperiment('update'),
  endTrace: byTrace('update'),
  getTraceInfo: byTrace('read'),
  searchTraces: AUTHENTICATED,
  deleteTraces: byExperiment('delete'),
  deleteTracesV3: byExperiment('delete'),
  setTraceTag: byTrace('update'),
  setTraceTagV3: byTrace('update'),
  deleteTraceTag: byTrace('delete'),
  deleteTraceTagV3: byTrace('delete'),
  linkTracesToRun: byRun('update'),
  createAssessment: byTrace('update'),
  getAssessment: byTrace('read'),
  updateAssessment: byTrace('update'),
  deleteAssessment: byTrace('delete'),
  // registry
  createRegisteredModel: AUTHENTICATED,
  searchRegisteredModels: AUTHENTICATED,
  searchModelVersions: AUTHENTICATED,
  getRegisteredModel: byModel('read'),
  getLatestVersions: byModel('read'),
  getModelVersion: byModel('read'),
  getModelVersionDownloadUri: byModel('read'),
  getModelVersionByAlias: byModel('read'),
  renameRegisteredModel: byModel('update'),
  updateRegisteredModel: byModel('update'),
  createModelVersion: byModel('update'),
  updateModelVersion: byModel('update'),
  transitionModelVersionStage: byModel('update'),
  setRegisteredModelTag: byModel('update'),
  deleteRegisteredModelTag: byModel('update'),
  setModelVersionTag: byModel('update'),
  setRegisteredModelAlias: byModel('update'),
  deleteRegisteredModel: byModel('delete'),
  deleteModelVersion: byModel('delete'),
  deleteModelVersionTag: byModel('delete'),
  deleteRegisteredModelAlias: byModel('delete'),
  // artifact proxy (both families, unlike MLflow which leaves the ajax twins unchecked)
  downloadArtifact: proxy('read'),
  uploadArtifact: proxy('update'),
  deleteArtifact: proxy('manage'),
  listArtifactsMlflowArtifacts: byExperiment('read', { from: 'artifact_list_path' }),
  createMultipartUpload: proxy('update'),
  completeMultipartUpload: proxy('update'),
  abortMultipartUpload: proxy('update'),
  // UI helpers
  getArtifact: byRun('read', 'run_uuid'),
  getModelVersionArtifact: byModel('read'),
  uploadRunArtifact: byRun('update', 'run_uuid'),
  createPromptlabRun: byExperiment('update'),
  // MLflow 3.x: a trace's spans, READ on its experiment (MLflow's validate_can_read_trace_artifact)
  getTraceArtifact: byQueryTrace('read', 'request_id'),
  // forwards to the configured deployments server; touches no tracked resource
  gatewayProxy: AUTHENTICATED,
};

/** Everything else, by `METHOD path`. */
export const ROUTE_RULES: Readonly<Record<string, Rule>> = {
  // the web UI's files (index and assets) carry no data
  'GET /': PUBLIC,
  'GET /experiments': PUBLIC,
  'GET /experiments/*': PUBLIC,
  'GET /static-files/*': PUBLIC,
  // the UI's downsampled metric histories (tracking/routes/downsample.ts)
  'GET /darwin/metrics/downsample': byRun('read'),
  'GET /health': PUBLIC,
  // MLflow 3.x: the UI's logged-model file reads
  'GET /mlflow/logged-models/:model_id/artifacts/files': byLoggedModel('read'),
  'GET /healthcheck': PUBLIC,
  // readiness for probes and load balancers: says only "ok" or "unavailable" per dependency
  'GET /ready': PUBLIC,
  'GET /version': AUTHENTICATED,
  // MLflow 3.x OTLP span export into the experiment the `x-mlflow-experiment-id` header names
  'POST /v1/traces': byExperiment('update', { from: 'experiment_header' }),
  'GET /metrics': AUTHENTICATED,
  'GET /graphql': AUTHENTICATED,
  'POST /graphql': AUTHENTICATED,
  // MLflow basic-auth routes (/api/2.0 only, as MLflow)
  'GET /signup': ADMIN,
  'POST /mlflow/users/create': ADMIN,
  'GET /mlflow/users/get': SELF,
  'PATCH /mlflow/users/update-password': SELF,
  'PATCH /mlflow/users/update-admin': ADMIN,
  'DELETE /mlflow/users/delete': ADMIN,
  'POST /mlflow/experiments/permissions/create': byExperiment('manage'),
  'GET /mlflow/experiments/permissions/get': byExperiment('manage'),
  'PATCH /mlflow/experiments/permissions/update': byExperiment('manage'),
  'DELETE /mlflow/experiments/permissions/delete': byExperiment('manage'),
  'POST /mlflow/registered-models/permissions/create': byModel('manage'),
  'GET /mlflow/registered-models/permissions/get': byModel('manage'),
  'PATCH /mlflow/registered-models/permissions/update': byModel('manage'),
  'DELETE /mlflow/registered-models/permissions/delete': byModel('manage'),
  // browser sessions
  'POST /auth/login': PUBLIC,
  'POST /auth/logout': PUBLIC,
  'GET /auth/me': PUBLIC,
  // Darwin /v1
  'GET /openapi.json': PUBLIC,
  'GET /docs': PUBLIC,
  'POST /v1/user': ADMIN,
  'GET /v1/experiments': AUTHENTICATED,
  'POST /v1/experiment': AUTHENTICATED,
  'GET /v1/experiment/:experiment_id': byExperiment('read', { from: 'path_experiment' }),
  'PUT /v1/experiment/:experiment_id': byExperiment('update', { from: 'path_experiment' }),
  'DELETE /v1/experiment/:experiment_id': byExperiment('delete', { from: 'path_experiment' }),
  'POST /v1/experiment/:experiment_id/restore': byExperiment('delete', { from: 'path_experiment' }),
  'POST /v1/experiment/:experiment_id/tags': byExperiment('update', { from: 'path_experiment' }),
  'GET /v1/experiment/:experiment_id/runs': byExperiment('read', { from: 'path_experiment' }),
  'POST /v1/experiment/:experiment_id/run': byExperiment('update', { from: 'path_experiment' }),
  'GET /v1/experiment/:experiment_id/run/:run_id': byExperiment('read', { from: 'path_experiment' }),
  'DELETE /v1/experiment/:experiment_id/run/:run_id': byExperiment('delete', { from: 'path_experiment' }),
  'POST /v1/experiment/:experiment_id/run/:run_id/restore': byExperiment('delete', { from: 'path_experiment' }),
  'GET /v1/experiment/:experiment_id/permissions': byExperiment('manage', { from: 'path_experiment' }),
  'PUT /v1/experiment/:experiment_id/permissions/:username': byExperiment('manage', { from: 'path_experiment' }),
  'DELETE /v1/experiment/:experiment_id/permissions/:username': byExperiment('manage', { from: 'path_experiment' }),
  'POST /v1/run/:run_id/log-data': byExperiment('update', { from: 'path_run' }),
  'GET /v1/run/:run_id/artifacts': byExperiment('read', { from: 'path_run' }),
  'GET /v1/run/:run_id/artifacts/download': byExperiment('read', { from: 'path_run' }),
  'GET /v1/models': AUTHENTICATED,
  'GET /v1/models/:name/permissions': byModel('manage', 'path_model'),
  'PUT /v1/models/:name/permissions/:username': byModel('manage', 'path_model'),
  'DELETE /v1/models/:name/permissions/:username': byModel('manage', 'path_model'),
  'POST /v1/tokens': AUTHENTICATED,
  'GET /v1/tokens': AUTHENTICATED,
  'DELETE /v1/tokens/:token_id': AUTHENTICATED,
  'GET /v1/audit': ADMIN,
};
