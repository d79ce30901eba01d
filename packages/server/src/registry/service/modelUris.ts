/**
 * `models:/` URIs used as a model version source (MLflow `_parse_model_uri`). Only the
 * `models:/<name>/<version>` form names a stored location; MLflow 2.12.2 fails the other forms
 * (stage, `latest`, `@alias`) with a 500, and we answer 400.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { urlparse } from '../../artifacts/uri.js';

export function isModelsUri(source: string): boolean {
  return urlparse(source).scheme === 'models';
}

function improper(uri: string): MlflowError {
  return MlflowError.invalidParameter(
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  );
}

/**
 * MLflow 3.x: `models:/<model id>` (one path segment, no alias) names a logged model.
 * Returns the id, or undefined for the registered-model forms.
 */
export function loggedModelIdOf(uri: string): string | undefined {
  const rawPath = urlparse(uri).path;
  if (!rawPath.startsWith('/') || rawPath.length <= 1) return undefined;
  const parts = rawPath.replace(/^\/+/, '').split('/');
  if (parts.length !== 1 || (parts[0] ?? '').trim() === '' || rawPath.includes('@')) return undefined;
  return parts[0];
}

/** The (name, version) a `models:/<name>/<version>` source points at. */
export function parseModelsVersionUri(uri: string): { name: string; version: string } {
  // sources with a fragment were already rejected by the source rules
  const rawPath = urlparse(uri).path;
  if (!rawPath.startsWith('/') || rawPath.length <= 1) throw improper(uri);
  const parts = rawPath.replace(/^\/+/, '').split('/');
  if (parts.length > 2 || (parts[0] ?? '').trim() === '') throw improper(uri);
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string];
    if (suffix.trim() === '') throw improper(uri);
    if (/^[0-9]+$/.test(suffix)) return { name, version: suffix };
  }
  throw MlflowError.invalidParameter(
    `Unable to fetch model from model URI source artifact location '${uri}'. Only models:/<name>/<version> sources are supported when registering a model version.`,
  );
}
