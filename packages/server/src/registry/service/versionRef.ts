/** A requested (name, version) pair after MLflow's name and version checks. */
import type { VersionRef } from '../store/modelVersions.js';
import { parseModelVersion, validateModelName } from '../validation.js';

export function versionRef(name: string | undefined, version: string | undefined): VersionRef {
  const validName = validateModelName(name);
  return { name: validName, number: parseModelVersion(version), shown: version ?? 'None' };
}
