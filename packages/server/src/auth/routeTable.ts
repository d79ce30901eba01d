/**
 * Looks up the rule of a mounted route (method + Fastify URL pattern) in the permission table.
 * Catalogue endpoints are found by name through their paths; a known path with another method
 * (the 405 and OPTIONS answers) needs authentication only; an unknown route has no rule.
 */
import { AJAX_ROUTES, ARTIFACT_ENDPOINTS, ARTIFACT_UI_ROUTES, ENDPOINTS } from '@darwin-mlflow/contract';
import type { HttpMethod } from '@darwin-mlflow/contract';
import { AUTHENTICATED, ENDPOINT_RULES, ROUTE_RULES } from './rules.js';
import type { Rule } from './rules.js';

interface Named {
  readonly name: string;
  readonly apiVersion?: 2 | 3;
  readonly methods: readonly HttpMethod[];
  readonly path: string;
}

/** Marks the keys of `/api/3.0` routes. */
const V3_KEY = '/3.0';

const CATALOGUE: readonly Named[] = [...ENDPOINTS, ...AJAX_ROUTES, ...ARTIFACT_ENDPOINTS, ...ARTIFACT_UI_ROUTES];

export class PermissionTable {
  private readonly rules = new Map<string, Rule>();
  private readonly knownPaths = new Set<string>();
  private readonly mounted: Array<{ method: string; url: string }> = [];

  constructor(private readonly staticPrefix: string) {
    for (const endpoint of CATALOGUE) {
      const rule = ENDPOINT_RULES[endpoint.name];
      if (!rule) continue;
      const path = endpoint.apiVersion === 3 ? `${V3_KEY}${endpoint.path}` : endpoint.path;
      for (const method of endpoint.methods) this.add(`${method} ${path}`, rule);
    }
    for (const [key, rule] of Object.entries(ROUTE_RULES)) this.add(key, rule);
  }

  private add(key: string, rule: Rule): void {
    this.rules.set(key, rule);
    this.knownPaths.add(key.slice(key.indexOf(' ') + 1));
  }

  /**
   * The path a rule is keyed by: without `/api/2.0`, `<prefix>/ajax-api/2.0` or the static prefix;
   * `/api/3.0` and `<prefix>/ajax-api/3.0` routes keep a `/3.0` mark, because MLflow has RPCs of
   * both versions on the same relative path (`POST /mlflow/traces`) that read different fields.
   */
  keyPath(url: string): string {
    const ajax = `${this.staticPrefix}/ajax-api/2.0`;
    const ajax3 = `${this.staticPrefix}/ajax-api/3.0`;
    if (url.startsWith('/api/3.0/')) return V3_KEY + url.slice('/api/3.0'.length);
    if (url.startsWith(`${ajax3}/`)) return V3_KEY + url.slice(ajax3.length);
    if (url.startsWith('/api/2.0/')) return url.slice('/api/2.0'.length);
    if (url === '/api/2.0') return '/';
    if (url.startsWith(`${ajax}/`)) return url.slice(ajax.length);
    if (this.staticPrefix !== '' && (url === this.staticPrefix || url.startsWith(`${this.staticPrefix}/`))) {
      return url.slice(this.staticPrefix.length) || '/';
    }
    return url;
  }

  noteMounted(method: string, url: string): void {
    this.mounted.push({ method, url });
  }

  /** Every route mounted since the hooks were installed. */
  mountedRoutes(): ReadonlyArray<{ method: string; url: string }> {
    return this.mounted;
  }

  /** The table's own entry for the route, without the 405 fallback. */
  explicitRule(method: string, url: string): Rule | undefined {
    return this.rules.get(`${method === 'HEAD' ? 'GET' : method} ${this.keyPath(url)}`);
  }

  ruleFor(method: string, url: string): Rule | undefined {
    const path = this.keyPath(url);
    const rule = this.explicitRule(method, url);
    if (rule) return rule;
    // 405 / OPTIONS answers on a known path reveal nothing about any resource
    return this.knownPaths.has(path) ? AUTHENTICATED : undefined;
  }
}
