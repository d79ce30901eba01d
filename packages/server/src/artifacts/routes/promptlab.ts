/** `<prefix>/ajax-api/2.0/mlflow/runs/create-promptlab-run` (UI only, spec §2.4). */
import { artifacts as contract } from '@darwin-mlflow/contract';
import type { FastifyInstance } from 'fastify';
import { encodeJson } from '../../http/json.js';
import { checkJsonContentType, parseBody } from '../../http/mount.js';
import { presentRun } from '../../tracking/presenters.js';
import type { PromptlabService } from '../service/promptlab.js';
import { replyArtifactsOnly } from './common.js';

export function registerPromptlabRoute(
  json: FastifyInstance,
  service: PromptlabService,
  options: { readonly staticPrefix: string; readonly artifactsOnly: boolean },
): void {
  const url = `${options.staticPrefix}/ajax-api/2.0${contract.createPromptlabRun.path}`;
  json.post(url, async (request, reply) => {
    if (options.artifactsOnly) return replyArtifactsOnly(reply, url);
    checkJsonContentType(request);
    const run = await service.createPromptlabRun(parseBody(request.body).values);
    return reply.type('application/json').send(encodeJson({ run: presentRun(run) }));
  });
}
