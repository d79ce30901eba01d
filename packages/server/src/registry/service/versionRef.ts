/** A requested (name, version) pair after MLflow's name and version checks. */
import type { VersionRef } from '../store/modelVersions.js';
import { parseModelVersion, validateModelName } from '../validation.js';

/** `mlflow3`: MLflow 3.x words a bad version as `Parameter 'version' must be an integer, got '...'.` */
export function versionRef(name: string | undefined, version: string | undefined, mlflow3 = false): VersionRef {
  const validName = validateModelName(name);
  return { name: validName, number: parseModelVersion(version, mlflow3), shown: version ?? 'None' };
}
