/**
 * `POST /v1/traces`: OTLP/HTTP span export into the experiment named by the
 * `x-mlflow-experiment-id` header, as MLflow 3.x's server mounts it (mlflow/server/otel_api.py).
 * Binary protobuf (what MLflow 3.4+ clients send) and OTLP/JSON are read; the answer is an empty
 * ExportTraceServiceResponse in the request's encoding. Errors use MLflow's JSON envelope.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance } from 'fastify';
import { replyArtifactsOnly } from '../../artifacts/routes/common.js';
import type { SchemaGeneration } from '../../db/migrate.js';
import { HEAD_2X_REVISION, HEAD_REVISION } from '../../db/schema/revisions.js';
import { decodeExportRequest, exportResponse, otlpEncoding } from '../otlp/decode.js';
import type { SpanService } from '../service/spans.js';

export const OTLP_TRACES_PATH = '/v1/traces';
export const EXPERIMENT_ID_HEADER = 'x-mlflow-experiment-id';
/** Larger bodies answer 413: an exporter sends a batch of spans, not a data set. */
export const OTLP_BODY_LIMIT = 32 * 1024 * 1024;

export interface OtlpRouteOptions {
  generation: SchemaGeneration;
  artifactsOnly: boolean;
}

export function mountOtlpRoutes(app: FastifyInstance, spans: SpanService, options: OtlpRouteOptions): void {
  // a scope of its own, so that protobuf bodies reach the handler as bytes (the app reads text)
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-protobuf', { parseAs: 'buffer', bodyLimit: OTLP_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scope.post(OTLP_TRACES_PATH, { bodyLimit: OTLP_BODY_LIMIT }, async (request, reply) => {
      if (options.artifactsOnly) return replyArtifactsOnly(reply, OTLP_TRACES_PATH);
      if (options.generation !== '3.x') throw needsSpanTable();
      const header = request.headers[EXPERIMENT_ID_HEADER];
      const experimentId = Array.isArray(header) ? header[0] : header;
      if (!experimentId) throw MlflowError.invalidParameter(`Missing value for required header '${EXPERIMENT_ID_HEADER}'.`);
      const encoding = otlpEncoding(request.headers['content-type']);
      const body = request.body as Buffer | string | undefined;
      await spans.exportSpans(experimentId, decodeExportRequest(body ?? '', encoding));
      const answer = exportResponse(encoding);
      return reply.type(answer.contentType).send(answer.body);
    });
  });
}

function needsSpanTable(): MlflowError {
  return new MlflowError(
    // the MLflow client stops exporting spans on this phrase (mlflow/tracing/export/mlflow_v3.py)
    `REST OTLP span logging is not supported on this database: it needs MLflow 3.x's schema (revision ${HEAD_REVISION}) for its spans table; this server's database is at ` +
      `MLflow 2.12.2's (revision ${HEAD_2X_REVISION}). Take a backup of the database, then run 'darwin-mlflow db upgrade <database_uri>'.`,
    'NOT_IMPLEMENTED',
  );
}
