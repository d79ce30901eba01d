/**
 * The UI's artifact helpers (spec §2.4): `<prefix>/get-artifact`, `<prefix>/model-versions/get-artifact`
 * and `<prefix>/ajax-api/2.0/mlflow/upload-artifact`; MLflow 3.x's logged-model files and
 * `get-trace-artifact`. The path is validated before anything is
 * looked up, as MLflow does.
 *
 * Differences from MLflow 2.12.2: a missing `path` (or run id) is 400 instead of an HTML 500; a
 * missing file is 404 and a directory is 400 instead of 500.
 */
import { Readable } from 'node:stream';
import { MlflowError, UPLOAD_ARTIFACT_MAX_BYTES, artifacts as contract } from '@darwin-mlflow/contract';
import type { FastifyInstance } from 'fastify';
import { validateArtifactPath } from '../paths.js';
import { readCapped } from '../../http/readCapped.js';
import type { ArtifactService } from '../service/artifacts.js';
import { queryValues, replyArtifactsOnly, requireQuery, sendRangedDownload } from './common.js';

/** The registry's `getModelVersionDownloadUri`, when the registry is mounted. */
export type ModelVersionDownloadUri = (name: string | undefined, version: string | undefined) => Promise<string>;

export interface UiRouteOptions {
  readonly staticPrefix: string;
  readonly artifactsOnly: boolean;
  readonly modelVersionDownloadUri?: ModelVersionDownloadUri;
  /** MLflow 3.x: a logged model's artifact location (throws when the schema has none). */
  readonly loggedModelLocation?: (modelId: string) => Promise<string>;
  /** MLflow 3.x: a trace's stored spans as the JSON text to send (throws when the schema has none). */
  readonly traceData?: (traceId: string) => Promise<string>;
}

export function registerUiRoutes(
  json: FastifyInstance,
  raw: FastifyInstance,
  service: ArtifactService,
  options: UiRouteOptions,
): void {
  const prefix = options.staticPrefix;
  json.get(`${prefix}${contract.getArtifact.path}`, async (request, reply) => {
    const q = queryValues(request);
    const path = requireQuery(q, 'path');
    validateArtifactPath(path, 'entry');
    const runId = q.run_id || q.run_uuid;
    if (!runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
    return sendRangedDownload(request, reply, (range) => service.openRunArtifact(runId, path, range));
  });

  const lookup = options.modelVersionDownloadUri;
  if (lookup) {
    const url = `${prefix}${contract.getModelVersionArtifact.path}`;
    json.get(url, async (request, reply) => {
      if (options.artifactsOnly) return replyArtifactsOnly(reply, url);
      const q = queryValues(request);
      const path = requireQuery(q, 'path');
      validateArtifactPath(path, 'entry');
      const location = await lookup(q.name, q.version);
      return sendRangedDownload(request, reply, (range) => service.openAtLocation(location, path, range));
    });
  }

  const loggedModelLocation = options.loggedModelLocation;
  if (loggedModelLocation) {
    // MLflow 3.x's get_logged_model_artifact_handler (the UI's model page)
    const url = `${prefix}/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files`;
    json.get(url, async (request, reply) => {
      if (options.artifactsOnly) return replyArtifactsOnly(reply, url);
      const path = queryValues(request).artifact_file_path;
      if (!path) throw new MlflowError('Request must include the "artifact_file_path" query parameter.', 'BAD_REQUEST');
      validateArtifactPath(path, 'entry');
      const location = await loggedModelLocation((request.params as { model_id: string }).model_id);
      return sendRangedDownload(request, reply, (range) => service.openAtLocation(location, path, range));
    });
  }

  const traceData = options.traceData;
  if (traceData) {
    // MLflow 3.x's get_trace_artifact_handler (the UI's trace view): the spans as a download
    const url = `${prefix}/ajax-api/2.0${contract.getTraceArtifact.path}`;
    json.get(url, async (request, reply) => {
      if (options.artifactsOnly) return replyArtifactsOnly(reply, url);
      const traceId = queryValues(request).request_id;
      if (!traceId) throw new MlflowError('Request must include the "request_id" query parameter.', 'BAD_REQUEST');
      const body = await traceData(traceId);
      return reply
        .type('application/json')
        .header('content-disposition', 'attachment; filename=traces.json')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    });
  }

  raw.post(`${prefix}/ajax-api/2.0${contract.uploadRunArtifact.path}`, async (request, reply) => {
    const q = queryValues(request);
    if (!q.run_uuid) throw MlflowError.invalidParameter('Request must specify run_uuid.');
    if (!q.path) throw MlflowError.invalidParameter('Request must specify path.');
    validateArtifactPath(q.path, 'entry');
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > UPLOAD_ARTIFACT_MAX_BYTES) throw tooLarge();
    const data = await readCapped(request, UPLOAD_ARTIFACT_MAX_BYTES);
    if (data === undefined) {
      // stop reading the rest of an oversized body: the connection closes after the answer
      reply.header('connection', 'close');
      throw tooLarge();
    }
    if (data.length === 0) throw MlflowError.invalidParameter('Request must specify data.');
    await service.writeRunArtifact(q.run_uuid, q.path, Readable.from([data]));
    // MLflow answers an empty body with this content type
    return reply.type('application/json').send('');
  });
}

function tooLarge(): MlflowError {
  return MlflowError.invalidParameter('Artifact size is too large. Max size is 10MB.');
}
