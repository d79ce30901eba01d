/**
 * Rules for user-supplied artifact locations (experiments/create): MLflow's checks (no URL
 * fragment or params, no `..` in the query) plus the security checklist's: no `..` segment in
 * the path either, in any encoding. Relative local paths become absolute against the server's
 * working directory, as MLflow's `resolve_uri_if_local` does.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { absolutizeLocalUri } from '../config/serverConfig.js';
import { decodeToFixedPoint, urlparse } from './uri.js';

export function validateArtifactLocation(location: string, cwd: string): string {
  // MLflow's client refuses these (_validate_experiment_artifact_location); its server does not
  if (location.startsWith('runs:')) {
    throw MlflowError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
  const parsed = urlparse(location);
  if (parsed.fragment || parsed.params) {
    throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
  }
  const decodedQuery = decodeToFixedPoint(parsed.query);
  if (decodedQuery === undefined || decodedQuery.includes('..')) throw MlflowError.invalidParameter('Invalid query string');
  // the same decoder as artifact paths (Python's unquote to a fixed point), so both agree on `..`
  const decodedPath = decodeToFixedPoint(`${parsed.netloc}/${parsed.path}`);
  if (decodedPath === undefined || decodedPath.includes('\u0000') || decodedPath.split(/[/\\]/).includes('..')) {
    throw MlflowError.invalidParameter(
      `Invalid artifact location '${location}': it must not contain '..' path segments.`,
    );
  }
  return absolutizeLocalUri(location, cwd);
}
