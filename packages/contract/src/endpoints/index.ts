import { REGISTRY_ENDPOINTS } from './registry.js';
import { TRACKING_ENDPOINTS } from './tracking.js';
import { LOGGED_MODEL_ENDPOINTS } from './loggedModels.js';
import { TRACE_ENDPOINTS } from './traces.js';

export * as tracking from './tracking.js';
export { TRACKING_ENDPOINTS } from './tracking.js';
export * as ajax from './ajax.js';
export { AJAX_ROUTES } from './ajax.js';
export type { AjaxRoute, BulkMetric, GatewayProxyRequest, GetMetricHistoryBulkResponse, SearchDatasetsRequest, SearchDatasetsResponse } from './ajax.js';
export * as registry from './registry.js';
export * as loggedModels from './loggedModels.js';
export { LOGGED_MODEL_ENDPOINTS } from './loggedModels.js';
export * as traces from './traces.js';
export { TRACE_ENDPOINTS } from './traces.js';
export { REGISTRY_ENDPOINTS } from './registry.js';
// Artifact proxy RPCs stream raw bodies: mounted by the server's artifact module, not via ENDPOINTS.
export * as artifacts from './artifacts.js';
export { ARTIFACT_ENDPOINTS, ARTIFACT_UI_ROUTES, UPLOAD_ARTIFACT_MAX_BYTES } from './artifacts.js';
export type {
  ArtifactUiRoute,
  CreateMultipartUploadResponse,
  CreatePromptlabRunRequest,
  ListArtifactsMlflowArtifactsResponse,
  MultipartUploadCredential,
} from './artifacts.js';

/** MLflow 3.x's RPCs beyond 2.12.2's (served on a database at MLflow 3.x's schema). */
export const MLFLOW3_ENDPOINTS = [...LOGGED_MODEL_ENDPOINTS, ...TRACE_ENDPOINTS] as const;

/** Every proto endpoint, mounted under /api/2.0 and /ajax-api/2.0. */
export const ENDPOINTS = [...TRACKING_ENDPOINTS, ...REGISTRY_ENDPOINTS, ...MLFLOW3_ENDPOINTS] as const;
