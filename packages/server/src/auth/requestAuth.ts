/**
 * What handlers may ask about the caller: who it is and, for searches and GraphQL, what it may
 * read. Undefined when authentication is off, so handlers then filter nothing.
 */
import type { FastifyRequest } from 'fastify';
import type { AccessControl } from './access.js';
import type { Principal } from './credentials.js';

export interface RequestAuth {
  readonly principal: Principal;
  readonly access: AccessControl;
}

const KEY = Symbol('darwin.requestAuth');
type WithAuth = FastifyRequest & { [KEY]?: RequestAuth };

export function setRequestAuth(request: FastifyRequest, auth: RequestAuth): void {
  (request as WithAuth)[KEY] = auth;
}

export function requestAuth(request: FastifyRequest | undefined): RequestAuth | undefined {
  return request ? (request as WithAuth)[KEY] : undefined;
}

/** Experiment visibility of the caller for searches (undefined: everything). */
export async function experimentVisibility(request: FastifyRequest | undefined) {
  const auth = requestAuth(request);
  return auth ? auth.access.experimentVisibility(auth.principal) : undefined;
}

export async function modelVisibility(request: FastifyRequest | undefined) {
  const auth = requestAuth(request);
  return auth ? auth.access.modelVisibility(auth.principal) : undefined;
}
