/** MLflow's basic-auth permissions and what each allows (spec §7.3). */
import { MlflowError } from '@darwin-mlflow/contract';

export const PERMISSION_NAMES = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** What a request needs on its resource, weakest first. */
export type Capability = 'read' | 'update' | 'delete' | 'manage';

const ALLOWS: Readonly<Record<PermissionName, readonly Capability[]>> = {
  READ: ['read'],
  EDIT: ['read', 'update'],
  MANAGE: ['read', 'update', 'delete', 'manage'],
  NO_PERMISSIONS: [],
};

export function isPermissionName(value: unknown): value is PermissionName {
  return typeof value === 'string' && (PERMISSION_NAMES as readonly string[]).includes(value);
}

export function allows(permission: PermissionName, capability: Capability): boolean {
  return ALLOWS[permission].includes(capability);
}

/** MLflow `_validate_permission`, with its message. */
export function validatePermission(value: unknown): PermissionName {
  if (isPermissionName(value)) return value;
  throw MlflowError.invalidParameter(
    `Invalid permission '${String(value)}'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`,
  );
}
