/**
 * Mounts every artifact route. Routes that take a raw body (proxy PUT, upload-artifact) live in
 * an encapsulated context whose only content-type parser passes the request through untouched,
 * so their bodies stream (no size limit, no buffering); the others use the app's parsers.
 */
import type { FastifyInstance } from 'fastify';
import type { ArtifactService } from '../service/artifacts.js';
import type { PromptlabService } from '../service/promptlab.js';
import { registerPromptlabRoute } from './promptlab.js';
import { registerProxyRoutes } from './proxy.js';
import type { UploadObserver } from './proxy.js';
import { registerUiRoutes } from './ui.js';
import type { ModelVersionDownloadUri } from './ui.js';

export type { ModelVersionDownloadUri } from './ui.js';
export type { UploadObserver } from './proxy.js';

export interface ArtifactRoutesOptions {
  readonly staticPrefix: string;
  readonly serveArtifacts: boolean;
  readonly artifactsOnly: boolean;
  /** Mounts `<prefix>/model-versions/get-artifact` when given. */
  readonly modelVersionDownloadUri?: ModelVersionDownloadUri;
  /** Mounts `<prefix>/ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files` when given (MLflow 3.x). */
  readonly loggedModelLocation?: (modelId: string) => Promise<string>;
  /** Mounts `<prefix>/ajax-api/2.0/mlflow/get-trace-artifact` when given (MLflow 3.x). */
  readonly traceData?: (traceId: string) => Promise<string>;
  /** Shown the proxy uploads it accepts once stored (MLflow 3.x: traces.json into the spans table). */
  readonly uploadObserver?: UploadObserver;
}

export async function registerArtifactRoutes(
  app: FastifyInstance,
  services: { artifacts: ArtifactService; promptlab: PromptlabService },
  options: ArtifactRoutesOptions,
): Promise<void> {
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_request, _payload, done) => done(null));
    registerProxyRoutes(app, raw, services.artifacts, options);
    registerUiRoutes(app, raw, services.artifacts, options);
  });
  registerPromptlabRoute(app, services.promptlab, options);
}
