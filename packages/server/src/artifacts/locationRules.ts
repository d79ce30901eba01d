/**
 * Rules for user-supplied artifact locations (experiments/create): MLflow's checks (no URL
 * fragment or params, no `..` in the query) plus the security checklist's: no `..` segment in
 * the path either, in any encoding. Relative local paths become absolute against the server's
 * working directory, as MLflow's `resolve_uri_if_local` does.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { absolutizeLocalUri } from '../config/serverConfig.js';
import { decodeFully, urlparse } from './uri.js';

export function validateArtifactLocation(location: string, cwd: string): string {
  const parsed = urlparse(location);
  if (parsed.fragment || parsed.params) {
    throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
  }
  if (decodeFully(parsed.query).includes('..')) throw MlflowError.invalidParameter('Invalid query string');
  const decodedPath = decodeFully(`${parsed.netloc}/${parsed.path}`);
  if (decodedPath.includes('\u0000') || decodedPath.split(/[/\\]/).includes('..')) {
    throw MlflowError.invalidParameter(
      `Invalid artifact location '${location}': it must not contain '..' path segments.`,
    );
  }
  return absolutizeLocalUri(location, cwd);
}
