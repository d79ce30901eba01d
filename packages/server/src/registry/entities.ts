/** Model registry entities as the stores return them (plain data, MLflow's field names). */
import type { Int64, ModelVersionStatus } from '@darwin-mlflow/contract';

export interface RegistryTag {
  key: string;
  /** NULL in the database is possible for rows written by other tools. */
  value: string | null;
}

export interface RegisteredModelAlias {
  alias: string;
  version: number;
}

export interface ModelVersion {
  name: string;
  version: number;
  creation_time: Int64 | null;
  last_updated_time: Int64 | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: ModelVersionStatus | null;
  status_message: string | null;
  run_link: string | null;
  tags: RegistryTag[];
  /** Aliases pointing at this version; MLflow fills them only for single-version answers. */
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  creation_time: Int64 | null;
  last_updated_time: Int64 | null;
  description: string | null;
  /** Highest non-deleted version of each stage (their aliases are left empty, as in MLflow). */
  latest_versions: ModelVersion[];
  tags: RegistryTag[];
  aliases: RegisteredModelAlias[];
}

/** A page of search results; `nextPageToken` only when more rows exist. */
export interface Page<T> {
  items: T[];
  nextPageToken: string | undefined;
}

/** Stage of soft-deleted versions: they behave as non-existent everywhere. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';
