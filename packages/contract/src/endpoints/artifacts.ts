/**
 * The artifact surface of MLflow 2.12.2: the seven RPCs of `MlflowArtifactsService`
 * (mlflow_artifacts.proto, spec §2.3) and the UI helper routes that move artifacts (§2.4).
 *
 * The proxy RPCs are mounted under `/api/2.0` and `<static-prefix>/ajax-api/2.0` like every proto
 * endpoint, but by the server's artifact module rather than the generic JSON mount: downloads
 * and uploads stream raw bytes, and `<path>` is a Flask `path` converter (written `*` here, the
 * rest of the URL after the fixed part). They are therefore not part of `ENDPOINTS`.
 */
import { endpoint } from '../endpoint.js';
import type { HttpMethod } from '../endpoint.js';
import { field, message, repeated } from '../proto.js';
import type { Int64 } from '../proto.js';
import type { FileInfo } from '../wire.js';

/** `GET /mlflow-artifacts/artifacts/<path>`: the file's bytes, as an attachment. */
export const downloadArtifact = endpoint({
  name: 'downloadArtifact',
  methods: ['GET'],
  path: '/mlflow-artifacts/artifacts/*',
  request: message('DownloadArtifact', {}),
  schema: {},
});

/** `PUT /mlflow-artifacts/artifacts/<path>`: the raw request body becomes the file. */
export const uploadArtifact = endpoint({
  name: 'uploadArtifact',
  methods: ['PUT'],
  path: '/mlflow-artifacts/artifacts/*',
  request: message('UploadArtifact', {}),
  schema: {},
});

/** `GET /mlflow-artifacts/artifacts?path=<dir>`: one level, basenames only. */
export const listArtifactsMlflowArtifacts = endpoint({
  name: 'listArtifactsMlflowArtifacts',
  methods: ['GET'],
  path: '/mlflow-artifacts/artifacts',
  request: message('ListArtifacts', { path: field('string') }),
  schema: {},
});

/** `DELETE /mlflow-artifacts/artifacts/<path>`: a file, or a directory recursively. */
export const deleteArtifact = endpoint({
  name: 'deleteArtifact',
  methods: ['DELETE'],
  path: '/mlflow-artifacts/artifacts/*',
  request: message('DeleteArtifact', {}),
  schema: {},
});

export const MultipartUploadPartMsg = message('MultipartUploadPart', {
  part_number: field('int64'),
  etag: field('string'),
  url: field('string'),
});

/** Object key = `<destination>/<path>/<basename(body.path)>`; 501 where the store has no multipart. */
export const createMultipartUpload = endpoint({
  name: 'createMultipartUpload',
  methods: ['POST'],
  path: '/mlflow-artifacts/mpu/create/*',
  request: message('CreateMultipartUpload', { path: field('string'), num_parts: field('int64') }),
  schema: { path: ['required', 'string'], num_parts: ['intlike'] },
});

export const completeMultipartUpload = endpoint({
  name: 'completeMultipartUpload',
  methods: ['POST'],
  path: '/mlflow-artifacts/mpu/complete/*',
  request: message('CompleteMultipartUpload', {
    path: field('string'),
    upload_id: field('string'),
    parts: repeated(MultipartUploadPartMsg),
  }),
  schema: { path: ['required', 'string'], upload_id: ['string'], parts: ['required'] },
});

export const abortMultipartUpload = endpoint({
  name: 'abortMultipartUpload',
  methods: ['POST'],
  path: '/mlflow-artifacts/mpu/abort/*',
  request: message('AbortMultipartUpload', { path: field('string'), upload_id: field('string') }),
  schema: { path: ['required', 'string'], upload_id: ['string'] },
});

export const ARTIFACT_ENDPOINTS = [
  downloadArtifact,
  uploadArtifact,
  listArtifactsMlflowArtifacts,
  deleteArtifact,
  createMultipartUpload,
  completeMultipartUpload,
  abortMultipartUpload,
] as const;

/** A non-proto route that moves artifacts (spec §2.4). */
export interface ArtifactUiRoute {
  readonly name: string;
  readonly methods: readonly HttpMethod[];
  /** Path after the static prefix (`<prefix>/get-artifact`) or after `<prefix>/ajax-api/2.0`. */
  readonly path: string;
  readonly family: 'prefixed' | 'ajax';
  /** Answered with 503 when the server runs with `--artifacts-only` (MLflow's decorator). */
  readonly trackingOnly: boolean;
}

/** Query `run_id` (or `run_uuid`) and `path`: a run artifact as an attachment. */
export const getArtifact = {
  name: 'getArtifact',
  methods: ['GET'],
  path: '/get-artifact',
  family: 'prefixed',
  trackingOnly: false,
} as const satisfies ArtifactUiRoute;

/** Query `name`, `version`, `path`: a file below a model version's download location. */
export const getModelVersionArtifact = {
  name: 'getModelVersionArtifact',
  methods: ['GET'],
  path: '/model-versions/get-artifact',
  family: 'prefixed',
  trackingOnly: true,
} as const satisfies ArtifactUiRoute;

/** Query `run_uuid` and `path`, raw body (at most 10 MiB): one run artifact. Empty 200 response. */
export const uploadRunArtifact = {
  name: 'uploadRunArtifact',
  methods: ['POST'],
  path: '/mlflow/upload-artifact',
  family: 'ajax',
  trackingOnly: false,
} as const satisfies ArtifactUiRoute;

/** JSON body (see `CreatePromptlabRunRequest`); answers `{run}`. */
export const createPromptlabRun = {
  name: 'createPromptlabRun',
  methods: ['POST'],
  path: '/mlflow/runs/create-promptlab-run',
  family: 'ajax',
  trackingOnly: true,
} as const satisfies ArtifactUiRoute;

/** MLflow 3.x: query `request_id`; the trace's spans (`traces.json`) as an attachment. */
export const getTraceArtifact = {
  name: 'getTraceArtifact',
  methods: ['GET'],
  path: '/mlflow/get-trace-artifact',
  family: 'ajax',
  trackingOnly: true,
} as const satisfies ArtifactUiRoute;

export const ARTIFACT_UI_ROUTES: readonly ArtifactUiRoute[] = [
  getArtifact,
  getModelVersionArtifact,
  uploadRunArtifact,
  createPromptlabRun,
  getTraceArtifact,
];

/** Largest body `upload-artifact` accepts (MLflow: 10 MB by Content-Length). */
export const UPLOAD_ARTIFACT_MAX_BYTES = 10 * 1024 * 1024;

export interface ListArtifactsMlflowArtifactsResponse {
  files?: FileInfo[];
}

export interface MultipartUploadCredential {
  url: string;
  part_number: Int64;
  headers?: Record<string, string>;
}

export interface CreateMultipartUploadResponse {
  upload_id?: string;
  credentials?: MultipartUploadCredential[];
}

export interface KeyValueParam {
  key: string;
  value: string;
}

export interface CreatePromptlabRunRequest {
  experiment_id: string;
  run_name?: string;
  tags?: KeyValueParam[];
  prompt_template: string;
  prompt_parameters: KeyValueParam[];
  model_route: string;
  model_parameters?: KeyValueParam[];
  model_input: string;
  model_output?: string;
  model_output_parameters?: KeyValueParam[];
  mlflow_version: string;
  user_id?: string;
  start_time?: Int64;
}
