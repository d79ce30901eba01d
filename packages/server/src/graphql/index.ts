/**
 * `/graphql` (GET and POST), un-prefixed as in MLflow 2.12.2 (spec §2.4): no /api, no static
 * prefix, still served with --artifacts-only. The answer is rendered like Flask's jsonify
 * (keys sorted at every level), so `data` keys come out alphabetically, as MLflow's do.
 */
import type { FastifyInstance } from 'fastify';
import { encodeJson } from '../http/json.js';
import { mountMethodNotAllowed } from '../http/mount.js';
import { sortKeysDeep } from '../tracking/ajaxPresenters.js';
import { GRAPHQL_BODY_LIMIT, readGraphqlRequest } from './request.js';
import type { GraphqlAccess, GraphqlServices } from './schema.js';
import { requestAuth } from '../auth/requestAuth.js';
import type { RequestAuth } from '../auth/requestAuth.js';

export const GRAPHQL_PATH = '/graphql';

export function mountGraphql(app: FastifyInstance, services: GraphqlServices): void {
  app.route({
    method: ['GET', 'POST'],
    url: GRAPHQL_PATH,
    bodyLimit: GRAPHQL_BODY_LIMIT,
    handler: async (request, reply) => {
      const graphqlRequest = await readGraphqlRequest(request, reply);
      const auth = requestAuth(request);
      const access = auth && !auth.principal.isAdmin ? graphqlAccess(auth) : undefined;
      // graphql-js and the schema are loaded by the first GraphQL request
      const { runGraphql } = await import('./execute.js');
      const response = await runGraphql(graphqlRequest, { ...services, access }, request.log);
      return reply.type('application/json').send(encodeJson(sortKeysDeep(response)));
    },
  });
  mountMethodNotAllowed(app, new Map([[GRAPHQL_PATH, new Set(['GET', 'POST'] as const)]]));
}

function graphqlAccess({ principal, access }: RequestAuth): GraphqlAccess {
  return {
    canReadExperiment: (id) => access.canOnExperiment(principal, id, 'read'),
    canReadRun: (id) => access.canOnRun(principal, id, 'read'),
    modelVisibility: () => access.modelVisibility(principal),
  };
}

export type { GraphqlServices } from './schema.js';
