/** `/openapi.json` and the `/docs` page, generated from the /v1 route list. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface V1Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  readonly handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
}

const ERROR = {
  description: 'Error: {"error_code", "message", "detail"}',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function openApiPath(path: string): string {
  return path.replace(/:([a-z_]+)/g, '{$1}');
}

export function openApiDocument(routes: readonly V1Route[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    const params = [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[p] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      parameters: params,
      ...(r.method === 'POST' || r.method === 'PUT' ? { requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } } : {}),
      responses: {
        [/; 201$/.test(r.summary) ? '201' : '200']: { description: '{"status": "SUCCESS", "data" | "message": ...}' },
        400: ERROR,
        401: ERROR,
        403: ERROR,
        404: ERROR,
      },
      security: [{ basic: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Darwin MLflow /v1 API', version: '1.0.0', description: 'Darwin app-layer API. Authenticate with HTTP Basic or a personal access token (Bearer).' },
    paths,
    components: {
      securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', properties: { error_code: { type: 'string' }, message: { type: 'string' }, detail: { type: 'string' } }, required: ['error_code', 'message'] },
      },
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function docsPage(routes: readonly V1Route[]): string {
  const rows = routes
    .map((r) => `<tr><td><code>${r.method}</code></td><td><code>${escapeHtml(openApiPath(r.path))}</code></td><td>${escapeHtml(r.summary)}</td></tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Darwin MLflow /v1 API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:2em;max-width:70em}td{padding:4px 10px;border-bottom:1px solid #eee;vertical-align:top}code{white-space:nowrap}</style></head>
<body><h1>Darwin MLflow <code>/v1</code> API</h1>
<p>Envelope: <code>{"status": "SUCCESS", "data": ...}</code>; errors: <code>{"error_code", "message", "detail"}</code>.
Authenticate with HTTP Basic or <code>Authorization: Bearer &lt;token&gt;</code> (create one with <code>POST /v1/tokens</code>).
The machine-readable description is <a href="openapi.json">openapi.json</a>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
