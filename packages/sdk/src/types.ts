/**
 * Request and response types of every call. Requests reuse the contract's proto messages (every
 * field optional here: the server validates, and the client methods take the required ones as
 * arguments); responses are MLflow 2.12.2's JSON shapes built from the contract's wire types.
 */
import type {
  DecodedMessage,
  Endpoint,
  Experiment,
  FileInfo,
  Int64,
  Metric,
  MetricWithRunId,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
} from '@darwin-mlflow/contract';

/** The request body or query of an endpoint, with every field optional. */
export type RequestOf<E extends Endpoint> = Partial<DecodedMessage<E['request']>>;

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string | undefined;
}

export interface CreateExperimentResponse { experiment_id: string }
export interface GetExperimentResponse { experiment: Experiment }
export interface SearchExperimentsResponse { experiments?: Experiment[]; next_page_token?: string }
export interface RunResponse { run: Run }
export interface UpdateRunResponse { run_info: RunInfo }
export interface SearchRunsResponse { runs?: Run[]; next_page_token?: string }
export interface ListArtifactsResponse { root_uri?: string; files?: FileInfo[]; next_page_token?: string }
export interface GetMetricHistoryResponse { metrics?: Metric[]; next_page_token?: string }
export interface GetMetricHistoryBulkIntervalResponse { metrics?: MetricWithRunId[] }
export interface RegisteredModelResponse { registered_model: RegisteredModel }
export interface SearchRegisteredModelsResponse { registered_models?: RegisteredModel[]; next_page_token?: string }
export interface ModelVersionResponse { model_version: ModelVersion }
export interface ModelVersionsResponse { model_versions?: ModelVersion[] }
export interface SearchModelVersionsResponse { model_versions?: ModelVersion[]; next_page_token?: string }
export interface GetModelVersionDownloadUriResponse { artifact_uri: string }

/** MLflow basic-auth permissions. */
export type Permission = 'READ' | 'EDIT' | 'MANAGE' | 'NO_PERMISSIONS';

export interface ExperimentPermission { experiment_id: string; user_id: Int64; permission: Permission }
export interface RegisteredModelPermission { name: string; user_id: Int64; permission: Permission }
export interface User {
  id: Int64;
  username: string;
  is_admin: boolean;
  experiment_permissions?: ExperimentPermission[];
  registered_model_permissions?: RegisteredModelPermission[];
}

/** `GET auth/me`. */
export interface SessionInfo {
  auth_enabled: boolean;
  /** `via`: how the caller authenticated (`basic`, `token`, `session`), on Darwin servers. */
  user: { id: Int64; username: string; is_admin: boolean; via?: string } | null;
  csrf_token: string | null;
}

// ---- Darwin /v1 API -------------------------------------------------------------------------

export interface V1Experiment {
  experiment_id: string;
  experiment_name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  created_by?: string | null;
  creation_time?: Int64;
  last_update_time?: Int64;
  tags?: Record<string, string>;
}
export interface V1CreatedRun {
  run_name: string;
  run_id: string;
  experiment_id: string;
  run_status: string;
  start_time: Int64;
  artifact_uri: string;
}
export interface V1ArtifactListing { root_uri: string; files: FileInfo[] }
export interface V1User { id: Int64; username: string; is_admin: boolean }
export interface V1PermissionEntry { username: string; permission: Permission }
export interface V1Token { id: Int64 | string; name: string; created_at: Int64 | string; expires_at: Int64 | string | null; last_used_at?: Int64 | string | null }
export interface V1CreatedToken extends V1Token { token: string }
export interface V1AuditEntry { id: Int64 | string; time: Int64 | string; username: string | null; action: string; target: string | null; client: string | null }
export interface V1LogData {
  metrics?: { key: string; value: number; step?: number; timestamp?: number }[];
  params?: { key: string; value: string }[];
  tags?: { key: string; value: string }[];
}

export type { Experiment, FileInfo, Metric, MetricWithRunId, ModelVersion, RegisteredModel, Run, RunInfo };
