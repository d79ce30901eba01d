import { enumType } from './proto.js';

export const VIEW_TYPE = enumType('ViewType', { ACTIVE_ONLY: 1, DELETED_ONLY: 2, ALL: 3 });
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export const RUN_STATUS = enumType('RunStatus', {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
});
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export const MODEL_VERSION_STATUS = enumType('ModelVersionStatus', {
  PENDING_REGISTRATION: 1,
  FAILED_REGISTRATION: 2,
  READY: 3,
});
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export const LIFECYCLE_ACTIVE = 'active';
export const LIFECYCLE_DELETED = 'deleted';
export type LifecycleStage = 'active' | 'deleted';

export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelVersionStage = (typeof MODEL_VERSION_STAGES)[number];

/** MLflow 3.x's LoggedModelStatus (service.proto). */
export const LOGGED_MODEL_STATUS = enumType('LoggedModelStatus', {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 0,
  LOGGED_MODEL_PENDING: 1,
  LOGGED_MODEL_READY: 2,
  LOGGED_MODEL_UPLOAD_FAILED: 3,
});
export type LoggedModelStatus = keyof typeof LOGGED_MODEL_STATUS.values;
