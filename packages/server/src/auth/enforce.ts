/**
 * The one place permissions are enforced, as Fastify hooks on every route:
 * - onRequest: identify the caller (401 with `WWW-Authenticate: Basic realm="mlflow"` when the
 *   route is not public and credentials are missing or wrong; 429 when throttled), and require
 *   the CSRF token on cookie-authenticated writes;
 * - preHandler: look up the route's rule (./rules.ts) and check it on the resolved resource
 *   (403 PERMISSION_DENIED); admins pass every check, routes with no rule are denied;
 * - onSend, on the routes in UPKEEP_ROUTES only: after a successful create, rename or delete, keep the permission rows in step
 *   (creator gets MANAGE; a deleted model's grants go, a renamed model's move with it).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../errors/errorHandler.js';
import { requestBody } from '../http/mount.js';
import { parseQueryString } from '../http/queryString.js';
import type { Principal } from './credentials.js';
import type { AuthService } from './service.js';
import { UPKEEP_ROUTES } from './service.js';
import type { Capability } from './permissions.js';
import type { ExperimentSource, Rule } from './rules.js';
import { setRequestAuth } from './requestAuth.js';
import { PermissionTable } from './routeTable.js';

export const UNAUTHENTICATED_MESSAGE =
  'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface State {
  rule: Rule | undefined;
  principal: Principal | undefined;
  body: Record<string, unknown> | undefined;
}

const STATE = Symbol('darwin.authState');
type WithState = FastifyRequest & { [STATE]?: State };

export function installAuth(app: FastifyInstance, auth: AuthService, staticPrefix: string): PermissionTable {
  const table = new PermissionTable(staticPrefix);
  // every route mounted after this point is recorded, so a test can list the ones with no rule
  const upkeep = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const state = (request as WithState)[STATE];
    if (!state?.principal || reply.statusCode >= 400) return payload;
    const key = `${request.method} ${table.keyPath(request.routeOptions.url ?? '')}`;
    await auth.afterSuccess(key, state.principal, () => requestValues(request, state), payload, request.ip);
    return payload;
  };
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    for (const method of methods) table.noteMounted(method, route.url);
    // only the routes whose success changes permission rows pay for an onSend hook
    if (methods.some((method) => UPKEEP_ROUTES.has(`${method} ${table.keyPath(route.url)}`))) {
      route.onSend = [...[route.onSend ?? []].flat(), upkeep];
    }
  });
  app.decorate('permissionTable', table);

  // per mounted route pattern and method, so the cache is bounded by the route table
  const rules = new Map<string, Rule | undefined>();
  const ruleOf = (method: string, url: string): Rule | undefined => {
    const key = `${method} ${url}`;
    if (!rules.has(key)) rules.set(key, table.ruleFor(method, url));
    return rules.get(key);
  };
  app.addHook('onRequest', async (request, reply) => {
    const rule = request.is404 ? undefined : ruleOf(request.method, request.routeOptions.url ?? '');
    const state: State = { rule, principal: undefined, body: undefined };
    (request as WithState)[STATE] = state;
    const result = await auth.verifier.authenticate({
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
      trusted: auth.config.trustedHeader ? headerValue(request.headers[auth.config.trustedHeader]) : undefined,
      client: request.ip,
    });
    if (result.kind === 'ok') {
      state.principal = result.principal;
      setRequestAuth(request, { principal: result.principal, access: auth.access });
    }
    if (rule?.kind === 'public') return;
    if (result.kind === 'limited') return tooManyAttempts(reply, result.retryAfterSeconds);
    if (result.kind !== 'ok') return unauthenticated(reply);
    const principal = result.principal;
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== principal.csrfToken) {
      return sendError(reply, new MlflowError('Missing or wrong X-CSRF-Token header for a cookie-authenticated request.', 'PERMISSION_DENIED'));
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const state = (request as WithState)[STATE];
    if (!state || request.is404) return;
    const { rule, principal } = state;
    if (rule?.kind === 'public' || rule?.kind === 'authenticated') return;
    if (!principal) return unauthenticated(reply);
    if (principal.isAdmin) return;
    if (!rule || !(await allowed(auth, rule, principal, request, state))) return forbidden(reply, need(rule));
  });

  return table;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function unauthenticated(reply: FastifyReply): FastifyReply {
  return sendError(reply.header('www-authenticate', 'Basic realm="mlflow"'), new MlflowError(UNAUTHENTICATED_MESSAGE, 'UNAUTHENTICATED'));
}

export function forbidden(reply: FastifyReply, what: string): FastifyReply {
  return sendError(reply, new MlflowError(`Permission denied: ${what}.`, 'PERMISSION_DENIED'));
}

/** What the caller lacked, for the 403 message. */
function need(rule: Rule | undefined): string {
  if (!rule) return 'this route is for admins only';
  switch (rule.kind) {
    case 'admin':
      return 'only admins may do this';
    case 'self':
      return 'only the user themself or an admin may do this';
    case 'model':
      return `${rule.need} permission on the registered model is needed`;
    case 'experiment':
      return `${rule.need} permission on the experiment is needed`;
    default:
      return 'not allowed';
  }
}

export function tooManyAttempts(reply: FastifyReply, seconds: number): FastifyReply {
  return sendError(
    reply.header('retry-after', String(seconds)),
    new MlflowError(`Too many failed sign-in attempts; try again in ${seconds} s.`, 'REQUEST_LIMIT_EXCEEDED'),
  );
}

/** MLflow's `_get_request_param` sources: the query string for GET and raw-body routes, else the JSON body. */
function requestValues(request: FastifyRequest, state: State): Record<string, unknown> {
  if (state.body) return state.body;
  const q = request.url.indexOf('?');
  const query = q >= 0 ? parseQueryString(request.url.slice(q + 1)) : {};
  state.body = SAFE_METHODS.has(request.method) || request.body === undefined ? query : requestBody(request).values;
  return state.body;
}

function missing(name: string): MlflowError {
  return MlflowError.invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
}

/** One scalar parameter; a repeated one is refused so the check and the handler cannot read different values. */
function scalar(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  throw MlflowError.invalidParameter(`Parameter '${name}' must be given once, as a single value.`);
}

function required(values: Record<string, unknown>, name: string): string {
  const v = scalar(values, name);
  if (v === undefined) throw missing(name);
  return v;
}

function list(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

/** startTraceV3's experiment: 400 as a missing `experiment_id` when the body names none. */
function traceLocationExperiment(values: Record<string, unknown>): string {
  const at = (v: unknown, key: string): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);
  const id = ['trace', 'trace_info', 'trace_location', 'mlflow_experiment', 'experiment_id'].reduce(at, values as unknown);
  if (typeof id !== 'string' || id === '') throw missing('experiment_id');
  return id;
}

const EXPERIMENT_PREFIX = /^(\d+)\//;
/** A listing may name the experiment's folder itself. */
const EXPERIMENT_DIR = /^(\d+)(?:\/|$)/;

async function allowed(auth: AuthService, rule: Rule, principal: Principal, request: FastifyRequest, state: State): Promise<boolean> {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  switch (rule.kind) {
    case 'admin':
      return false;
    case 'self':
      return required(requestValues(request, state), 'username') === principal.username;
    case 'model': {
      const name = rule.source === 'path_model' ? params.name : required(requestValues(request, state), 'name');
      return name !== undefined && auth.access.canOnModel(principal, name, rule.need);
    }
    case 'experiment':
      return experimentAllowed(auth, rule.source, rule.need, principal, request, state);
    default:
      return false;
  }
}

async function experimentAllowed(
  auth: AuthService,
  source: ExperimentSource,
  need: Capability,
  principal: Principal,
  request: FastifyRequest,
  state: State,
): Promise<boolean> {
  const access = auth.access;
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const all = async (ids: string[]) => {
    for (const id of new Set(ids)) if (!(await access.canOnExperiment(principal, id, need))) return false;
    return true;
  };
  switch (source.from) {
    case 'experiment_id':
      return access.canOnExperiment(principal, required(requestValues(request, state), 'experiment_id'), need);
    case 'experiment_ids':
      return all(list(requestValues(request, state), 'experiment_ids'));
    case 'experiment_name':
      return access.canOnExperiment(principal, await access.experimentIdByName(required(requestValues(request, state), 'experiment_name')), need);
    case 'artifact_path':
    case 'artifact_list_path': {
      const path = source.from === 'artifact_path' ? (params['*'] ?? '') : (scalar(requestValues(request, state), 'path') ?? '');
      const m = (source.from === 'artifact_path' ? EXPERIMENT_PREFIX : EXPERIMENT_DIR).exec(path.replace(/^\/+/, ''));
      // only experiments' folders are reachable by non-admins
      return m !== null && access.canOnExperiment(principal, m[1]!, need);
    }
    case 'run': {
      const values = requestValues(request, state);
      const runId = source.param === 'run_uuid' ? (scalar(values, 'run_uuid') ?? scalar(values, 'run_id')) : (scalar(values, 'run_id') ?? scalar(values, 'run_uuid'));
      if (runId === undefined) throw missing('run_uuid');
      return access.canOnRun(principal, runId, need);
    }
    case 'runs': {
      const ids = list(requestValues(request, state), source.param);
      return all(await Promise.all([...new Set(ids)].map((id) => access.runExperimentId(id))));
    }
    case 'path_experiment':
      return params.experiment_id !== undefined && access.canOnExperiment(principal, params.experiment_id, need);
    case 'path_run':
      return params.run_id !== undefined && access.canOnRun(principal, params.run_id, need);
    case 'path_logged_model':
      return params.model_id !== undefined && access.canOnExperiment(principal, await access.loggedModelExperimentId(params.model_id), need);
    case 'path_trace': {
      const traceId = params.trace_id ?? params.request_id;
      return traceId !== undefined && access.canOnExperiment(principal, await access.traceExperimentId(traceId), need);
    }
    case 'query_trace':
      return access.canOnExperiment(principal, await access.traceExperimentId(required(requestValues(request, state), source.param)), need);
    case 'trace_location':
      return access.canOnExperiment(principal, traceLocationExperiment(requestValues(request, state)), need);
    case 'experiment_header': {
      const id = headerValue(request.headers['x-mlflow-experiment-id']);
      if (!id) throw MlflowError.invalidParameter("Missing value for required header 'x-mlflow-experiment-id'.");
      return access.canOnExperiment(principal, id, need);
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when authentication is on. */
    permissionTable?: PermissionTable;
  }
}
