export { MlflowClient } from './client.js';
export type { MlflowClientOptions, StartRunOptions } from './client.js';
export { ActiveRun, deployUri } from './run.js';
export type { MetricOptions } from './run.js';
export { BatchLogger } from './batching.js';
export type { BatchingOptions } from './batching.js';
export { ConfigError, DEFAULT_TRACKING_URI, loadClientConfig } from './config.js';
export type { ClientConfig, ClientOptions, Env } from './config.js';
export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  FlushError,
  MlflowError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './errors.js';
export { HttpTransport, retryAfterMs } from './http.js';
export type { HttpRequest, HttpResponse, Query } from './http.js';
export { Paged } from './pager.js';
export { Artifacts, locationFromArtifactUri, listLocalFiles } from './resources/artifacts.js';
export type { ArtifactLocation, TransferOptions, TransferProgress } from './resources/artifacts.js';
export { Permissions, ResourcePermissions, Users } from './resources/auth.js';
export { DarwinApi } from './resources/darwin.js';
export { ModelVersions, RegisteredModels } from './resources/registry.js';
export type { SearchOptions } from './resources/registry.js';
export { Experiments, Metrics, Runs } from './resources/tracking.js';
export type { LogBatchRequest, MetricPoint, SearchExperimentsOptions, SearchRunsOptions, Tags } from './resources/tracking.js';
export { UriResolver, parseArtifactUri } from './uri.js';
export type { ParsedUri } from './uri.js';
export type * from './types.js';
