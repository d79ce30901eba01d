/**
 * The artifact proxy API (`MlflowArtifactsService`, spec §2.3) under `/api/2.0/mlflow-artifacts`
 * and `<static-prefix>/ajax-api/2.0/mlflow-artifacts`. Uploads stream the raw request body into
 * the store (they are registered in the streaming context); downloads stream the file out.
 * With `--no-serve-artifacts` every route answers MLflow's 503.
 */
import { artifacts as contract } from '@darwin-mlflow/contract';
import type { DecodedMessage, Endpoint, HttpMethod, MessageType } from '@darwin-mlflow/contract';
import { pipeline, Transform } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeRequest } from '../../http/decode.js';
import { encodeJson } from '../../http/json.js';
import { familyPrefix, mountMethodNotAllowed, readRaw } from '../../http/mount.js';
import type { ArtifactService } from '../service/artifacts.js';
import { presentFileInfo } from './presenters.js';
import { flaskRule, replyServingDisabled, sendRangedDownload, wildcardPath } from './common.js';

export interface ProxyRouteOptions {
  readonly staticPrefix: string;
  readonly serveArtifacts: boolean;
  /** Sees the bytes of the uploads it accepts once they are stored (MLflow 3.x traces.json). */
  readonly uploadObserver?: UploadObserver;
}

/**
 * A reader of some uploads: the body is teed while it streams to the store (at most `maxBytes`
 * are kept; a larger upload is not shown), and shown after the store has it. What the observer
 * does cannot fail the upload: its errors are logged.
 */
export interface UploadObserver {
  readonly maxBytes: number;
  /** A cheap test on the raw path, before anything is buffered or read. */
  accepts(rawPath: string): boolean;
  stored(rawPath: string, body: Buffer, log: FastifyBaseLogger): Promise<unknown>;
}

type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** `json` routes go to the context with the app's text body parser, `raw` ones to the streaming one. */
export function registerProxyRoutes(
  json: FastifyInstance,
  raw: FastifyInstance,
  service: ArtifactService,
  options: ProxyRouteOptions,
): void {
  const handlers = proxyHandlers(service, options.uploadObserver);
  const methodsByUrl = new Map<string, Set<HttpMethod>>();
  for (const family of ['api', 'ajax'] as const) {
    for (const endpoint of contract.ARTIFACT_ENDPOINTS) {
      const url = `${familyPrefix(family, options.staticPrefix)}${endpoint.path}`;
      const method = endpoint.methods[0] as HttpMethod;
      const rule = flaskRule(url);
      const handler = handlers[endpoint.name] as RouteHandler;
      const target = endpoint.name === 'uploadArtifact' ? raw : json;
      target.route({
        method,
        url,
        handler: async (request, reply) => {
          if (!options.serveArtifacts) return replyServingDisabled(reply, rule);
          return handler(request, reply);
        },
      });
      const methods = methodsByUrl.get(url) ?? new Set<HttpMethod>();
      methods.add(method);
      methodsByUrl.set(url, methods);
    }
  }
  mountMethodNotAllowed(json, methodsByUrl);
}

function proxyHandlers(service: ArtifactService, observer: UploadObserver | undefined): Record<string, RouteHandler> {
  const sendJson = (reply: FastifyReply, body: object) => reply.type('application/json').send(encodeJson(body));
  return {
    downloadArtifact: (request, reply) => sendRangedDownload(request, reply, (range) => service.openProxied(wildcardPath(request), range)),
    uploadArtifact: async (request, reply) => {
      const rawPath = wildcardPath(request);
      if (!observer?.accepts(rawPath)) {
        await service.writeProxied(rawPath, request.raw);
        return sendJson(reply, {});
      }
      const tee = new CappedTee(observer.maxBytes);
      // the request's errors (an aborted upload) reach the store through the tee
      pipeline(request.raw, tee, () => undefined);
      await service.writeProxied(rawPath, tee);
      const body = tee.captured();
      if (body === undefined) {
        request.log.warn({ bytes: tee.bytes, limit: observer.maxBytes }, 'upload stored; larger than its observer reads, not shown to it');
      } else {
        try {
          await observer.stored(rawPath, body, request.log);
        } catch (err) {
          request.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'upload stored; its observer failed');
        }
      }
      return sendJson(reply, {});
    },
    listArtifactsMlflowArtifacts: async (request, reply) => {
      const req = decode(contract.listArtifactsMlflowArtifacts, request);
      const files = await service.listProxied(req.path);
      return sendJson(reply, files.length > 0 ? { files: files.map(presentFileInfo) } : {});
    },
    deleteArtifact: async (request, reply) => {
      await service.deleteProxied(wildcardPath(request));
      return sendJson(reply, {});
    },
    createMultipartUpload: async (request, reply) => {
      const req = decode(contract.createMultipartUpload, request);
      const created = await service.createMultipartUpload(wildcardPath(request), req.path ?? '', Number(req.num_parts ?? 0));
      return sendJson(reply, {
        upload_id: created.uploadId,
        credentials: created.credentials.map((c) => ({ url: c.url, part_number: c.partNumber, headers: c.headers })),
      });
    },
    completeMultipartUpload: async (request, reply) => {
      const req = decode(contract.completeMultipartUpload, request);
      const parts = req.parts.map((p) => ({ partNumber: Number(p.part_number ?? 0), etag: p.etag ?? '' }));
      await service.completeMultipartUpload(wildcardPath(request), req.path ?? '', req.upload_id ?? '', parts);
      return sendJson(reply, {});
    },
    abortMultipartUpload: async (request, reply) => {
      const req = decode(contract.abortMultipartUpload, request);
      await service.abortMultipartUpload(wildcardPath(request), req.path ?? '', req.upload_id ?? '');
      return sendJson(reply, {});
    },
  };
}

/** Passes the bytes through, keeping a copy of the first `limit` (none once the body is larger). */
class CappedTee extends Transform {
  private chunks: Buffer[] | undefined = [];
  bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.chunks && this.bytes <= this.limit) this.chunks.push(chunk);
    else this.chunks = undefined;
    done(null, chunk);
  }

  captured(): Buffer | undefined {
    return this.chunks && Buffer.concat(this.chunks);
  }
}

function decode<M extends MessageType>(endpoint: Endpoint<M>, request: FastifyRequest): DecodedMessage<M> {
  return decodeRequest(endpoint, readRaw(endpoint as Endpoint, request));
}
