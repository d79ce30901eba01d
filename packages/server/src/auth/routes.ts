/**
 * MLflow 2.12.2's basic-auth routes (spec §2.5: users and permission CRUD, `/signup`) and the
 * browser-session endpoints (`<prefix>/auth/login`, `/auth/logout`, `/auth/me`). Parameters are
 * read as MLflow reads them: query string for GET, JSON body otherwise.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { encodeJson } from '../http/json.js';
import { checkJsonContentType, familyPrefix, parseBody } from '../http/mount.js';
import { parseQueryString } from '../http/queryString.js';
import { readCookie, SESSION_COOKIE } from './credentials.js';
import type { Principal } from './credentials.js';
import { tooManyAttempts } from './enforce.js';
import { requestAuth } from './requestAuth.js';
import type { AuthService } from './service.js';

type Params = Record<string, unknown>;

function params(request: FastifyRequest): Params {
  if (request.method === 'GET') {
    const q = request.url.indexOf('?');
    return q >= 0 ? parseQueryString(request.url.slice(q + 1)) : {};
  }
  checkJsonContentType(request);
  return parseBody(request.body).values;
}

/** MLflow `_get_request_param`. */
function param(values: Params, name: string): string {
  const v = values[name];
  if (v === undefined || v === null) {
    throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
  }
  if (typeof v === 'object') throw MlflowError.invalidParameter(`Invalid value for parameter '${name}': expected a single value.`);
  return String(v);
}

function caller(request: FastifyRequest): Principal {
  const auth = requestAuth(request);
  if (!auth) throw new MlflowError('Not authenticated.', 'UNAUTHENTICATED');
  return auth.principal;
}

function json(reply: FastifyReply, body: object): FastifyReply {
  return reply.type('application/json').send(encodeJson(body));
}

export function mountAuthRoutes(app: FastifyInstance, auth: AuthService, staticPrefix: string): void {
  for (const prefix of [familyPrefix('api', staticPrefix), familyPrefix('ajax', staticPrefix)]) {
    const route = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
      app.route({ method, url: `${prefix}/mlflow${path}`, handler });

    route('POST', '/users/create', async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'application/x-www-form-urlencoded') {
        const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
        const username = form.get('username') ?? '';
        if (await auth.store.findUser(username)) return alertPage(reply, `Username has already been taken: ${username}`, `${staticPrefix}/signup`);
        await auth.createUser(username, form.get('password'), caller(request), request.ip);
        return alertPage(reply, `Successfully signed up user: ${username}`, `${staticPrefix}/`);
      }
      if (type !== 'application/json') {
        return reply.status(400).type('text/html; charset=utf-8').send('Invalid content type. Must be one of: application/x-www-form-urlencoded, application/json');
      }
      const values = parseBody(request.body).values;
      const user = await auth.createUser(param(values, 'username'), param(values, 'password'), caller(request), request.ip);
      return json(reply, { user: await auth.userJson(user) });
    });
    route('GET', '/users/get', async (request, reply) => {
      const user = await auth.store.getUser(param(params(request), 'username'));
      return json(reply, { user: await auth.userJson(user) });
    });
    route('PATCH', '/users/update-password', async (request, reply) => {
      const values = params(request);
      await auth.updatePassword(param(values, 'username'), param(values, 'password'), caller(request), request.ip);
      return json(reply, {});
    });
    route('PATCH', '/users/update-admin', async (request, reply) => {
      const values = params(request);
      const isAdmin = values.is_admin;
      if (isAdmin === undefined || isAdmin === null) param(values, 'is_admin');
      await auth.updateAdmin(param(values, 'username'), isAdmin, caller(request), request.ip);
      return json(reply, {});
    });
    route('DELETE', '/users/delete', async (request, reply) => {
      await auth.deleteUser(param(params(request), 'username'), caller(request), request.ip);
      return json(reply, {});
    });

    route('POST', '/experiments/permissions/create', async (request, reply) => {
      const v = params(request);
      const row = await auth.createExperimentPermission(param(v, 'experiment_id'), param(v, 'username'), param(v, 'permission'), caller(request), request.ip);
      return json(reply, { experiment_permission: { experiment_id: row.experimentId, permission: row.permission, user_id: row.userId } });
    });
    route('GET', '/experiments/permissions/get', async (request, reply) => {
      const v = params(request);
      const row = await auth.store.getExperimentPermission(param(v, 'experiment_id'), param(v, 'username'));
      return json(reply, { experiment_permission: { experiment_id: row.experimentId, permission: row.permission, user_id: row.userId } });
    });
    route('PATCH', '/experiments/permissions/update', async (request, reply) => {
      const v = params(request);
      await auth.updateExperimentPermission(param(v, 'experiment_id'), param(v, 'username'), param(v, 'permission'), caller(request), request.ip);
      return json(reply, {});
    });
    route('DELETE', '/experiments/permissions/delete', async (request, reply) => {
      const v = params(request);
      await auth.deleteExperimentPermission(param(v, 'experiment_id'), param(v, 'username'), caller(request), request.ip);
      return json(reply, {});
    });

    route('POST', '/registered-models/permissions/create', async (request, reply) => {
      const v = params(request);
      const row = await auth.createModelPermission(param(v, 'name'), param(v, 'username'), param(v, 'permission'), caller(request), request.ip);
      return json(reply, { registered_model_permission: { name: row.name, permission: row.permission, user_id: row.userId } });
    });
    route('GET', '/registered-models/permissions/get', async (request, reply) => {
      const v = params(request);
      const row = await auth.store.getModelPermission(param(v, 'name'), param(v, 'username'));
      return json(reply, { registered_model_permission: { name: row.name, permission: row.permission, user_id: row.userId } });
    });
    route('PATCH', '/registered-models/permissions/update', async (request, reply) => {
      const v = params(request);
      await auth.updateModelPermission(param(v, 'name'), param(v, 'username'), param(v, 'permission'), caller(request), request.ip);
      return json(reply, {});
    });
    route('DELETE', '/registered-models/permissions/delete', async (request, reply) => {
      const v = params(request);
      await auth.deleteModelPermission(param(v, 'name'), param(v, 'username'), caller(request), request.ip);
      return json(reply, {});
    });
  }

  app.get('/signup', async (_request, reply) => reply.type('text/html; charset=utf-8').send(signupPage(`/api/2.0/mlflow/users/create`)));
}

/** `<prefix>/auth/*`: mounted whether or not authentication is on, so the UI can ask. */
export function mountSessionRoutes(app: FastifyInstance, auth: AuthService | undefined, staticPrefix: string): void {
  const base = `${staticPrefix}/auth`;
  app.get(`${base}/me`, async (request, reply) => {
    if (!auth) return json(reply, { auth_enabled: false, csrf_token: null, user: null });
    const current = requestAuth(request)?.principal;
    if (!current) return json(reply, { auth_enabled: true, csrf_token: null, user: null });
    const [experiments, models] = current.isAdmin
      ? [[], []]
      : await Promise.all([auth.store.listExperimentPermissionsOfUser(current.id), auth.store.listModelPermissionsOfUser(current.id)]);
    return json(reply, {
      auth_enabled: true,
      csrf_token: current.csrfToken ?? null,
      user: {
        id: current.id,
        username: current.username,
        is_admin: current.isAdmin,
        via: current.via,
        // what the caller may administer besides its own account (admins: everything)
        manages: {
          all: current.isAdmin,
          experiment_ids: experiments.filter((p) => p.permission === 'MANAGE').map((p) => p.experimentId),
          registered_models: models.filter((p) => p.permission === 'MANAGE').map((p) => p.name),
        },
      },
    });
  });
  app.post(`${base}/login`, async (request, reply) => {
    if (!auth) throw new MlflowError('Authentication is not enabled on this server.', 'BAD_REQUEST');
    checkJsonContentType(request);
    const body = parseBody(request.body).values;
    const result = await auth.login(body.username, body.password, request.ip);
    if ('cookie' in result) {
      reply.header('set-cookie', sessionCookie(request, staticPrefix, result.cookie, Math.floor((result.expiresAt - Date.now()) / 1000)));
      const p = result.principal;
      return json(reply, { csrf_token: result.csrfToken, user: { id: p.id, is_admin: p.isAdmin, username: p.username } });
    }
    if (result.kind === 'limited') return tooManyAttempts(reply, result.retryAfterSeconds);
    throw new MlflowError('Wrong username or password.', 'UNAUTHENTICATED');
  });
  app.post(`${base}/logout`, async (request, reply) => {
    if (auth) await auth.logout(readCookie(request.headers.cookie, SESSION_COOKIE), requestAuth(request)?.principal, request.ip);
    reply.header('set-cookie', sessionCookie(request, staticPrefix, '', 0));
    return json(reply, {});
  });
}

function sessionCookie(request: FastifyRequest, staticPrefix: string, value: string, maxAge: number): string {
  const secure = request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
  return `${SESSION_COOKIE}=${value}; Path=${staticPrefix || '/'}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function alertPage(reply: FastifyReply, message: string, href: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(href)}">Continue</a></p>`);
}

function signupPage(action: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign up</title>
<style>form{background:#f5f5f5;border:1px solid #ccc;border-radius:4px;padding:20px;max-width:400px;margin:40px auto;font:14px/1.5 sans-serif}
input[type=text],input[type=password]{width:100%;padding:10px;margin-bottom:10px;border:1px solid #ccc;border-radius:4px;box-sizing:border-box}
input[type=submit]{background:#2272b4;color:#fff;border:0;border-radius:4px;padding:10px 20px;font-weight:bold}</style></head>
<body><form action="${action}" method="post"><label for="username">Username:</label><br><input type="text" id="username" name="username"><br>
<label for="password">Password:</label><br><input type="password" id="password" name="password"><br><br><input type="submit" value="Sign up"></form></body></html>`;
}
