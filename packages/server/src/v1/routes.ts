/**
 * The Darwin `/v1` API (spec darwin-original.md §2.2), on the same port as everything else,
 * with what the original got wrong fixed: the caller is the authenticated user, every route is
 * checked by the permission table (auth/rules.ts), a run must belong to the experiment in its
 * path, `POST /v1/user` really creates a user, `/v1/models` honours `page_size` and tag filters
 * and quotes names safely. Added: experiment and run listing, restore, tags, batch logging with
 * steps, artifact listing and download, permission grants, tokens and the audit log.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendRangedDownload } from '../artifacts/routes/common.js';
import { requestAuth, experimentVisibility, modelVisibility } from '../auth/requestAuth.js';
import type { Principal } from '../auth/credentials.js';
import type { AuthService } from '../auth/service.js';
import type { AppContext } from '../context.js';
import { parseJsonList } from '../http/json.js';
import { presentRun, presentRunRows } from '../tracking/presenters.js';
import type { Experiment, Run } from '../tracking/entities.js';
import type { ModelVersion } from '../registry/entities.js';
import { body, keyValues, optionalString, pageSize, param, query, requiredString, success, successMessage, utcText, withDetail } from './envelope.js';
import { openApiDocument, docsPage } from './openapi.js';
import type { V1Route } from './openapi.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

function caller(request: FastifyRequest): Principal | undefined {
  return requestAuth(request)?.principal;
}

function authOn(auth: AuthService | undefined): AuthService {
  if (!auth) throw new MlflowError('Users and permissions are off on this server: start it with --app-name basic-auth (or MLFLOW_AUTH_ENABLED=true).', 'BAD_REQUEST');
  return auth;
}

function signedIn(request: FastifyRequest): Principal {
  const p = caller(request);
  if (!p) throw new MlflowError('You are not authenticated.', 'UNAUTHENTICATED');
  return p;
}

/** MLflow filter string literal: single quotes, or double quotes when the text holds a single quote. */
function literal(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  throw MlflowError.invalidParameter('A name filter cannot contain both single and double quotes.');
}

function experimentSummary(e: Experiment) {
  return {
    experiment_id: e.experiment_id,
    experiment_name: e.name,
    artifact_location: e.artifact_location,
    lifecycle_stage: e.lifecycle_stage,
    creation_time: e.creation_time,
    last_update_time: e.last_update_time,
    tags: tagObject(e.tags),
  };
}

function tagObject(tags: ReadonlyArray<{ key: string; value: string | null }>): Record<string, string | null> {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

function runSummary(run: Run) {
  return {
    run_name: run.info.run_name,
    run_id: run.info.run_id,
    experiment_id: run.info.experiment_id,
    run_status: run.info.status,
    start_time: run.info.start_time,
    end_time: run.info.end_time,
    artifact_uri: run.info.artifact_uri,
    lifecycle_stage: run.info.lifecycle_stage,
  };
}

function versionSummary(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    run_id: v.run_id,
    source: v.source,
    current_stage: v.current_stage,
    status: v.status,
    inputs: {},
    outputs: {},
    tags: tagObject(v.tags),
    created_at: utcText(v.creation_time),
  };
}

export function v1Routes(ctx: AppContext): V1Route[] {
  const auth = ctx.auth;

  async function runInExperiment(request: FastifyRequest): Promise<Run> {
    const experimentId = param(request, 'experiment_id');
    const runId = param(request, 'run_id');
    const run = await ctx.runs.getRun(runId);
    if (run.info.experiment_id !== experimentId) throw MlflowError.notFound(`Run '${runId}' not found in experiment ${experimentId}.`);
    return run;
  }

  async function experimentJson(id: string) {
    const e = await ctx.experiments.getExperiment(id);
    const owners = auth ? (await auth.store.listExperimentPermissions(id)).filter((p) => p.permission === 'MANAGE') : [];
    return { ...experimentSummary(e), created_by: owners[0]?.username ?? null };
  }

  const routes: V1Route[] = [
    {
      method: 'GET', path: '/healthcheck', summary: 'Liveness, Darwin style',
      handler: async (_request, reply) => reply.type('application/json').send(JSON.stringify({ status: 'SUCCESS', message: 'OK' })),
    },
    {
      method: 'GET', path: '/v1/experiments', summary: 'List and search experiments the caller may read (query: search, filter, view_type, order_by, page_size, page_token)',
      handler: async (request, reply) => {
        const q = query(request);
        const filters = [q.search ? `name LIKE ${literal(`%${q.search}%`)}` : undefined, q.filter].filter((f): f is string => !!f);
        const page = await ctx.search.searchExperiments(
          {
            max_results: pageSize(q.page_size, 100, 1000),
            filter: filters.join(' AND ') || undefined,
            order_by: q.order_by ? [q.order_by] : [],
            view_type: q.view_type ?? 'ACTIVE_ONLY',
            page_token: q.page_token,
          },
          await experimentVisibility(request),
        );
        return success(reply, page.items.map(experimentSummary), { next_page_token: page.nextPageToken ?? null });
      },
    },
    {
      method: 'POST', path: '/v1/experiment', summary: 'Create an experiment ({experiment_name, artifact_location?, tags?}); the caller manages it',
      handler: async (request, reply) => {
        const b = body(request);
        const name = requiredString(b, 'experiment_name', 500);
        const id = await ctx.experiments.createExperiment(name, optionalString(b, 'artifact_location'), keyValues(b.tags, 'tags'));
        const p = caller(request);
        if (auth && p) await auth.experimentCreated(id, p);
        return success(reply, { experiment_id: id, experiment_name: name });
      },
    },
    {
      method: 'GET', path: '/v1/experiment/:experiment_id', summary: 'Get an experiment',
      handler: async (request, reply) => success(reply, await experimentJson(param(request, 'experiment_id'))),
    },
    {
      method: 'PUT', path: '/v1/experiment/:experiment_id', summary: 'Rename an experiment ({experiment_name})',
      handler: async (request, reply) => {
        const id = param(request, 'experiment_id');
        const name = requiredString(body(request), 'experiment_name', 500);
        await ctx.experiments.renameExperiment(id, name);
        return success(reply, { experiment_id: id, experiment_name: name });
      },
    },
    {
      method: 'DELETE', path: '/v1/experiment/:experiment_id', summary: 'Delete an experiment (restorable)',
      handler: async (request, reply) => {
        const id = param(request, 'experiment_id');
        await ctx.experiments.deleteExperiment(id);
        const p = caller(request);
        if (auth && p) await auth.experimentDeleted(id, p, request.ip);
        return success(reply, { experiment_id: id });
      },
    },
    {
      method: 'POST', path: '/v1/experiment/:experiment_id/restore', summary: 'Restore a deleted experiment',
      handler: async (request, reply) => {
        const id = param(request, 'experiment_id');
        await ctx.experiments.restoreExperiment(id);
        const p = caller(request);
        if (auth && p) await auth.experimentRestored(id, p);
        return success(reply, { experiment_id: id });
      },
    },
    {
      method: 'POST', path: '/v1/experiment/:experiment_id/tags', summary: 'Set an experiment tag ({key, value})',
      handler: async (request, reply) => {
        const id = param(request, 'experiment_id');
        const b = body(request);
        await ctx.experiments.setExperimentTag(id, { key: requiredString(b, 'key', 250), value: optionalString(b, 'value') ?? '' });
        return successMessage(reply, 'Tag set');
      },
    },
    {
      method: 'GET', path: '/v1/experiment/:experiment_id/runs', summary: 'Search the runs of an experiment (query: filter, order_by, view_type, page_size, page_token)',
      handler: async (request, reply) => {
        const q = query(request);
        const { page, nextPageToken } = await ctx.search.searchRuns({
          experiment_ids: [param(request, 'experiment_id')],
          filter: q.filter,
          order_by: q.order_by ? [q.order_by] : [],
          run_view_type: q.view_type ?? 'ACTIVE_ONLY',
          max_results: pageSize(q.page_size, 100, 1000),
          page_token: q.page_token,
        });
        const runs = page.json ? parseJsonList(page.json) : page.rows.map(presentRunRows);
        return success(reply, runs, { next_page_token: nextPageToken ?? null });
      },
    },
    {
      method: 'POST', path: '/v1/experiment/:experiment_id/run', summary: 'Create a run ({run_name?, tags?}); 201',
      handler: async (request, reply) => {
        const b = body(request);
        const run = await ctx.runs.createRun({
          experiment_id: param(request, 'experiment_id'),
          user_id: caller(request)?.username,
          run_name: optionalString(b, 'run_name'),
          start_time: Date.now(),
          tags: keyValues(b.tags, 'tags'),
        });
        return success(reply, runSummary(run), {}, 201);
      },
    },
    {
      method: 'GET', path: '/v1/experiment/:experiment_id/run/:run_id', summary: 'Get a run of the experiment',
      handler: async (request, reply) => {
        const run = await runInExperiment(request);
        const full = presentRun(run);
        return success(reply, { ...runSummary(run), data: full.data });
      },
    },
    {
      method: 'DELETE', path: '/v1/experiment/:experiment_id/run/:run_id', summary: 'Delete a run of the experiment (restorable)',
      handler: async (request, reply) => {
        const run = await runInExperiment(request);
        await ctx.runs.deleteRun(run.info.run_id);
        if (auth) await auth.audit(caller(request), 'run.delete', `run:${run.info.run_id}`, request.ip);
        return successMessage(reply, 'Run deleted successfully');
      },
    },
    {
      method: 'POST', path: '/v1/experiment/:experiment_id/run/:run_id/restore', summary: 'Restore a deleted run',
      handler: async (request, reply) => {
        const run = await runInExperiment(request);
        await ctx.runs.restoreRun(run.info.run_id);
        return successMessage(reply, 'Run restored successfully');
      },
    },
    {
      method: 'POST', path: '/v1/run/:run_id/log-data', summary: 'Log metrics (with step, timestamp), params and tags: one object or lists, one atomic batch',
      handler: async (request, reply) => {
        const b = body(request);
        const now = Date.now();
        const list = (v: unknown): Record<string, unknown>[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
        const metrics = list(b.metrics).map((m, i) => {
          if (!m || typeof m !== 'object' || typeof m.key !== 'string') throw MlflowError.invalidParameter(`metrics[${i}] needs a string 'key'.`);
          if (typeof m.value !== 'number') throw MlflowError.invalidParameter(`metrics[${i}].value must be a number.`);
          const step = m.step === undefined || m.step === null ? 0 : m.step;
          const timestamp = m.timestamp === undefined || m.timestamp === null ? now : m.timestamp;
          if (!Number.isInteger(step) || !Number.isInteger(timestamp)) throw MlflowError.invalidParameter(`metrics[${i}].step and .timestamp must be integers.`);
          return { key: m.key, value: m.value, step: step as number, timestamp: timestamp as number };
        });
        const params = keyValues(b.params === undefined || b.params === null ? undefined : list(b.params), 'params');
        const tags = keyValues(b.tags === undefined || b.tags === null ? undefined : list(b.tags), 'tags');
        if (metrics.length + params.length + tags.length > 0) {
          await ctx.runs.logBatch({ run_id: param(request, 'run_id'), metrics, params, tags });
        }
        return successMessage(reply, 'Log data success');
      },
    },
    {
      method: 'GET', path: '/v1/run/:run_id/artifacts', summary: "List a run's artifacts (query: path)",
      handler: async (request, reply) => {
        const listing = await ctx.artifacts.listRunArtifacts(param(request, 'run_id'), query(request).path || undefined);
        return success(reply, { root_uri: listing.rootUri, files: listing.files });
      },
    },
    {
      method: 'GET', path: '/v1/run/:run_id/artifacts/download', summary: 'Download one artifact file (query: path)',
      handler: async (request, reply) => {
        const path = query(request).path;
        if (!path) throw MlflowError.invalidParameter("'path' is required.");
        return sendRangedDownload(request, reply, (range) => ctx.artifacts.openRunArtifact(param(request, 'run_id'), path, range));
      },
    },
    {
      method: 'GET', path: '/v1/models', summary: 'Registered models with their latest versions (query: filters={"name": ..., "tags": {...}}, page_size, page_token)',
      handler: async (request, reply) => {
        const q = query(request);
        let filters: { name?: unknown; tags?: unknown } = {};
        if (q.filters) {
          try {
            filters = JSON.parse(q.filters) as typeof filters;
          } catch {
            throw MlflowError.invalidParameter("'filters' must be a JSON object such as {\"name\": \"churn\", \"tags\": {\"team\": \"ml\"}}.");
          }
          if (!filters || typeof filters !== 'object' || Array.isArray(filters)) throw MlflowError.invalidParameter("'filters' must be a JSON object.");
        }
        const clauses: string[] = [];
        if (filters.name !== undefined && filters.name !== null && filters.name !== '') clauses.push(`name LIKE ${literal(`%${String(filters.name)}%`)}`);
        for (const { key, value } of keyValues(filters.tags, 'filters.tags')) {
          if (key.includes('`')) throw MlflowError.invalidParameter('A tag key in filters cannot contain a backtick.');
          clauses.push(`tags.\`${key}\` = ${literal(value)}`);
        }
        const page = await ctx.registry.search.searchRegisteredModels(
          { filter: clauses.join(' AND ') || undefined, max_results: pageSize(q.page_size, 10, 1000), order_by: [], page_token: q.page_token },
          await modelVisibility(request),
        );
        const data = page.items.map((m) => ({
          name: m.name,
          description: m.description,
          tags: tagObject(m.tags),
          created_at: utcText(m.creation_time),
          versions: m.latest_versions.map(versionSummary),
        }));
        return success(reply, data, { next_page_token: page.nextPageToken ?? null });
      },
    },
    {
      method: 'POST', path: '/v1/user', summary: 'Create a user ({username, password, is_admin?}); admins only; 201',
      handler: async (request, reply) => {
        const a = authOn(auth);
        const b = body(request);
        const user = await a.createUser(b.username, b.password, signedIn(request), request.ip, false);
        if (b.is_admin === true) await a.updateAdmin(user.username, true, signedIn(request), request.ip);
        return success(reply, { id: user.id, username: user.username, is_admin: b.is_admin === true }, { message: 'User created successfully' }, 201);
      },
    },
    ...permissionRoutes('experiment', '/v1/experiment/:experiment_id/permissions', 'experiment_id', auth),
    ...permissionRoutes('model', '/v1/models/:name/permissions', 'name', auth),
    {
      method: 'POST', path: '/v1/tokens', summary: 'Create a personal access token ({name, expires_in_days?}); the token is shown once; 201',
      handler: async (request, reply) => {
        const b = body(request);
        const created = await authOn(auth).createToken(signedIn(request), b.name, b.expires_in_days, request.ip);
        return success(reply, { ...tokenJson(created.row), token: created.token }, {}, 201);
      },
    },
    {
      method: 'GET', path: '/v1/tokens', summary: "The caller's tokens (never their secrets)",
      handler: async (request, reply) => success(reply, (await authOn(auth).store.listTokens(signedIn(request).id)).map(tokenJson)),
    },
    {
      method: 'DELETE', path: '/v1/tokens/:token_id', summary: 'Revoke a token (yours; admins: anyone\'s)',
      handler: async (request, reply) => {
        await authOn(auth).revokeToken(signedIn(request), param(request, 'token_id'), request.ip);
        return successMessage(reply, 'Token revoked');
      },
    },
    {
      method: 'GET', path: '/v1/audit', summary: 'Audit log, newest first (admins; query: page_size, page_token)',
      handler: async (request, reply) => {
        const q = query(request);
        const limit = pageSize(q.page_size, 100, 1000);
        const before = q.page_token ? Number(q.page_token) : undefined;
        if (before !== undefined && !Number.isInteger(before)) throw MlflowError.invalidParameter(`Invalid page_token '${q.page_token}'.`);
        const rows = await authOn(auth).listAudit(limit + 1, before);
        const page = rows.slice(0, limit);
        const data = page.map((r) => ({ id: r.id, time: utcText(r.time), timestamp: r.time, username: r.username, action: r.action, target: r.target, client: r.client }));
        return success(reply, data, { next_page_token: rows.length > limit ? String(page[page.length - 1]!.id) : null });
      },
    },
  ];
  return routes;
}

function tokenJson(t: { id: string; name: string; createdAt: number; expiresAt: number | null; lastUsedAt: number | null }) {
  return { id: t.id, name: t.name, created_at: utcText(t.createdAt), expires_at: utcText(t.expiresAt), last_used_at: utcText(t.lastUsedAt) };
}

function permissionRoutes(kind: 'experiment' | 'model', base: string, key: string, auth: AuthService | undefined): V1Route[] {
  const resource = (request: FastifyRequest) => param(request, key);
  return [
    {
      method: 'GET', path: base, summary: `Who holds which permission on the ${kind} (managers only)`,
      handler: async (request, reply) => {
        const a = authOn(auth);
        const rows = kind === 'experiment' ? await a.store.listExperimentPermissions(resource(request)) : await a.store.listModelPermissions(resource(request));
        return success(reply, rows);
      },
    },
    {
      method: 'PUT', path: `${base}/:username`, summary: `Grant a permission on the ${kind} ({permission}: READ, EDIT, MANAGE, NO_PERMISSIONS)`,
      handler: async (request, reply) => {
        const a = authOn(auth);
        const permission = body(request).permission;
        const username = param(request, 'username');
        const granted = kind === 'experiment'
          ? await a.grantExperiment(resource(request), username, permission, signedIn(request), request.ip)
          : await a.grantModel(resource(request), username, permission, signedIn(request), request.ip);
        return success(reply, { username, permission: granted });
      },
    },
    {
      method: 'DELETE', path: `${base}/:username`, summary: `Revoke a user's permission on the ${kind} (the default permission applies again)`,
      handler: async (request, reply) => {
        const a = authOn(auth);
        const username = param(request, 'username');
        if (kind === 'experiment') await a.deleteExperimentPermission(resource(request), username, signedIn(request), request.ip);
        else await a.deleteModelPermission(resource(request), username, signedIn(request), request.ip);
        return successMessage(reply, 'Permission revoked');
      },
    },
  ];
}

export function mountV1(app: FastifyInstance, ctx: AppContext): void {
  const routes = v1Routes(ctx);
  void app.register(async (v1) => {
    v1.addHook('onSend', async (_request, reply, payload) => (reply.statusCode >= 400 ? withDetail(payload) : payload));
    for (const route of routes) v1.route({ method: route.method, url: route.path, handler: route.handler as Handler });
    v1.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(JSON.stringify(openApiDocument(routes))));
    v1.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage(routes)));
  });
}
