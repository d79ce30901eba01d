/**
 * Artifact URI resolution as MLflow's client does it:
 * - `runs:/<run_id>/<path>`: below the run's artifact URI;
 * - `models:/<name>/<version>`, `models:/<name>/<stage>`, `models:/<name>/latest`, `models:/<name>@<alias>`:
 *   the model version's download URI (`get-download-uri`);
 * - `mlflow-artifacts:/<path>` (and `http(s)://…/api/2.0/mlflow-artifacts/artifacts/<path>`): the proxy.
 */
import { MlflowError } from './errors.js';
import { joinPath, locationFromArtifactUri } from './resources/artifacts.js';
import type { ArtifactLocation } from './resources/artifacts.js';
import type { ModelVersions, RegisteredModels } from './resources/registry.js';
import type { Runs } from './resources/tracking.js';
import type { ModelVersion } from './types.js';

export type ParsedUri =
  | { readonly scheme: 'runs'; readonly runId: string; readonly path: string }
  | { readonly scheme: 'models'; readonly name: string; readonly version?: string; readonly stage?: string; readonly alias?: string; readonly latest?: boolean; readonly path: string }
  | { readonly scheme: 'artifacts'; readonly uri: string };

const STAGES = new Set(['none', 'staging', 'production', 'archived']);

export function parseArtifactUri(uri: string): ParsedUri {
  if (uri.startsWith('runs:')) {
    const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri);
    if (m === null) throw badUri(uri, 'runs:/<run_id>/<path>');
    return { scheme: 'runs', runId: m[1] as string, path: trimSlashes(m[2] ?? '') };
  }
  if (uri.startsWith('models:')) return parseModelsUri(uri);
  return { scheme: 'artifacts', uri };
}

function parseModelsUri(uri: string): ParsedUri {
  const rest = uri.replace(/^models:\/+/, '');
  const alias = /^([^/@]+)@([^/]+)\/?(.*)$/.exec(rest);
  if (alias !== null) return { scheme: 'models', name: alias[1] as string, alias: alias[2] as string, path: trimSlashes(alias[3] ?? '') };
  const m = /^([^/]+)\/([^/]+)\/?(.*)$/.exec(rest);
  if (m === null) throw badUri(uri, 'models:/<name>/<version|stage|latest> or models:/<name>@<alias>');
  const [, name, which, sub] = m as unknown as [string, string, string, string];
  const path = trimSlashes(sub ?? '');
  if (/^\d+$/.test(which)) return { scheme: 'models', name, version: which, path };
  if (which.toLowerCase() === 'latest') return { scheme: 'models', name, latest: true, path };
  if (STAGES.has(which.toLowerCase())) return { scheme: 'models', name, stage: which, path };
  throw badUri(uri, 'a version number, a stage (None, Staging, Production, Archived), latest, or @<alias>');
}

function badUri(uri: string, expected: string): MlflowError {
  return new MlflowError(`Cannot read the artifact URI '${uri}': expected ${expected}.`, 'INVALID_PARAMETER_VALUE', 0);
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');

export class UriResolver {
  constructor(
    private readonly runs: Runs,
    private readonly registeredModels: RegisteredModels,
    private readonly modelVersions: ModelVersions,
  ) {}

  /** The model version a `models:/` URI names. */
  async modelVersion(parsed: Extract<ParsedUri, { scheme: 'models' }>): Promise<ModelVersion> {
    if (parsed.version !== undefined) return this.modelVersions.get(parsed.name, parsed.version);
    if (parsed.alias !== undefined) return this.registeredModels.getVersionByAlias(parsed.name, parsed.alias);
    const stages = parsed.stage === undefined ? undefined : [parsed.stage];
    const versions = await this.registeredModels.getLatestVersions(parsed.name, stages);
    const latest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (latest === undefined) {
      throw new MlflowError(`No versions of model '${parsed.name}'${parsed.stage === undefined ? '' : ` in stage ${parsed.stage}`} were found.`, 'RESOURCE_DOES_NOT_EXIST', 404);
    }
    return latest;
  }

  /** Where the bytes of `uri` are reached through the server. */
  async resolve(uri: string): Promise<ArtifactLocation> {
    const parsed = parseArtifactUri(uri);
    if (parsed.scheme === 'artifacts') return locationFromArtifactUri(parsed.uri);
    if (parsed.scheme === 'runs') {
      const run = await this.runs.get(parsed.runId);
      return locationFromArtifactUri(run.info.artifact_uri ?? '', parsed.runId, parsed.path);
    }
    const version = await this.modelVersion(parsed);
    const downloadUri = await this.modelVersions.getDownloadUri(version.name, version.version);
    return this.resolveModelSource(downloadUri, version, parsed.path);
  }

  private async resolveModelSource(downloadUri: string, version: ModelVersion, sub: string): Promise<ArtifactLocation> {
    if (downloadUri.startsWith('runs:') || downloadUri.startsWith('models:')) {
      const inner = await this.resolve(downloadUri);
      return { ...inner, path: joinPath(inner.path, sub) };
    }
    try {
      return locationFromArtifactUri(downloadUri, undefined, sub);
    } catch (err) {
      // A source below the run's artifact root is reachable through the run-scoped routes.
      const runId = version.run_id;
      if (runId === undefined || runId === '') throw err;
      const run = await this.runs.get(runId);
      const root = (run.info.artifact_uri ?? '').replace(/\/+$/, '');
      if (root === '' || !downloadUri.startsWith(`${root}/`)) throw err;
      return { kind: 'run', runId, path: joinPath(downloadUri.slice(root.length + 1), sub) };
    }
  }
}
