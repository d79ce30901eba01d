/**
 * The server's configuration: one typed, frozen object built from `mlflow server` flags and
 * environment variables (flags win over environment). Every problem is reported at once.
 * Nothing else in the server reads process.env.
 */
import path from 'node:path';
import { parseFlags } from './flags.js';
import type { FlagSpec } from './flags.js';
import { isDatabaseUri } from '../db/backendUri.js';
import { loadAuthConfig } from './authConfig.js';
import { darwinMysqlUri, nonEmpty } from './darwinEnv.js';
import type { AuthConfig } from './authConfig.js';

export interface ServerConfig {
  readonly backendStoreUri: string;
  readonly registryStoreUri: string;
  /** Root for new experiments' artifact locations (MLflow §8.1 rules applied). */
  readonly defaultArtifactRoot: string;
  readonly serveArtifacts: boolean;
  readonly artifactsDestination: string;
  readonly artifactsOnly: boolean;
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  /** '' or a prefix such as '/mlflow' for the UI and ajax routes. */
  readonly staticPrefix: string;
  readonly appName: string | undefined;
  /** Users and permissions (`--app-name basic-auth` or MLFLOW_AUTH_ENABLED=true); undefined when off. */
  readonly auth: AuthConfig | undefined;
  /** Directory for Prometheus metrics; enables /metrics when set. */
  readonly exposePrometheus: string | undefined;
  /** MLFLOW_TRUNCATE_LONG_VALUES: cut over-long param and tag values instead of failing. */
  readonly truncateLongValues: boolean;
  /** Connections per process for MySQL/PostgreSQL. */
  readonly poolSize: number;
  /** Working directory relative paths resolve against. */
  readonly cwd: string;
  /** Environment for components that follow their ecosystem's variables (AWS SDK). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** MLFLOW_DEPLOYMENTS_TARGET: the deployments server the UI's gateway-proxy forwards to. */
  readonly deploymentsTarget?: string | undefined;
  /** MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT (seconds, default 120) as ms, for gateway-proxy requests. */
  readonly deploymentsTimeoutMs?: number;
  /** --init-bucket: create the s3:// artifacts destination's bucket when missing and verify write access at startup. */
  readonly initBucket?: boolean;
}

export const SERVER_FLAGS: readonly FlagSpec[] = [
  { name: 'backend-store-uri', kind: 'string' },
  { name: 'registry-store-uri', kind: 'string' },
  { name: 'default-artifact-root', kind: 'string' },
  { name: 'serve-artifacts', kind: 'boolean', negatable: true },
  { name: 'artifacts-only', kind: 'boolean' },
  { name: 'artifacts-destination', kind: 'string' },
  { name: 'host', short: 'h', kind: 'string' },
  { name: 'port', short: 'p', kind: 'string' },
  { name: 'workers', short: 'w', kind: 'string' },
  { name: 'static-prefix', kind: 'string' },
  { name: 'app-name', kind: 'string' },
  { name: 'expose-prometheus', kind: 'string' },
  // Darwin: create/verify the S3 bucket of --artifacts-destination before serving
  { name: 'init-bucket', kind: 'boolean' },
  // Darwin: behind an SSO proxy, take the caller's username from this header (auth only)
  { name: 'auth-trusted-header', kind: 'string' },
  // accepted and ignored so existing start scripts keep working
  { name: 'dev', kind: 'boolean' },
  { name: 'gunicorn-opts', kind: 'string' },
  { name: 'waitress-opts', kind: 'string' },
];

export const DEFAULT_BACKEND_STORE_URI = 'sqlite:///mlruns.db';
export const DEFAULT_ARTIFACTS_DESTINATION = './mlartifacts';
export const KNOWN_APP_NAMES = ['basic-auth'] as const;

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadServerConfig(argv: readonly string[], env: Env, cwd: string = process.cwd()): ServerConfig {
  const { values, positionals, problems } = parseFlags(argv, SERVER_FLAGS);
  if (positionals.length > 0) problems.push(`Got unexpected extra argument(s): ${positionals.join(' ')}`);
  const str = (flag: string, envName?: string): string | undefined => {
    const v = values.get(flag);
    if (typeof v === 'string') return v;
    return envName ? nonEmpty(env[envName]) : undefined;
  };
  const bool = (flag: string, envName: string, fallback: boolean): boolean => {
    const v = values.get(flag);
    if (typeof v === 'boolean') return v;
    const e = nonEmpty(env[envName]);
    return e === undefined ? fallback : ['true', '1', 't', 'yes', 'y'].includes(e.toLowerCase());
  };

  const explicitBackend = str('backend-store-uri', 'MLFLOW_BACKEND_STORE_URI');
  const backendStoreUri = explicitBackend ?? darwinMysqlUri(env, nonEmpty(env.CONFIG_SERVICE_MYSQL_DATABASE) ?? 'darwin_mlflow') ?? DEFAULT_BACKEND_STORE_URI;
  if (!isDatabaseUri(backendStoreUri)) {
    problems.push(
      `Unsupported --backend-store-uri '${backendStoreUri}': this server keeps metadata in SQL databases only (sqlite:///..., mysql://..., postgresql://...).`,
    );
  }
  const registryStoreUri = str('registry-store-uri', 'MLFLOW_REGISTRY_STORE_URI') ?? backendStoreUri;
  const serveArtifacts = bool('serve-artifacts', 'MLFLOW_SERVE_ARTIFACTS', true);
  const artifactsOnly = bool('artifacts-only', 'MLFLOW_ARTIFACTS_ONLY', false);
  if (artifactsOnly && explicitBackend !== undefined) {
    problems.push(
      `You are starting a tracking server in \`--artifacts-only\` mode and have provided a value for \`--backend_store_uri\`: '${explicitBackend}'. A tracking server in \`--artifacts-only\` mode cannot have a value set for \`--backend_store_uri\` to properly proxy access to the artifact storage location.`,
    );
  }
  const destination =
    str('artifacts-destination', 'MLFLOW_ARTIFACTS_DESTINATION') ??
    (nonEmpty(env.MLFLOW_S3_BUCKET) ? `s3://${env.MLFLOW_S3_BUCKET}` : DEFAULT_ARTIFACTS_DESTINATION);
  const defaultArtifactRoot = resolveDefaultArtifactRoot(
    str('default-artifact-root', 'MLFLOW_DEFAULT_ARTIFACT_ROOT'),
    serveArtifacts,
    cwd,
    problems,
  );
  const staticPrefix = str('static-prefix', 'MLFLOW_STATIC_PREFIX') ?? '';
  if (staticPrefix !== '') {
    if (!staticPrefix.startsWith('/')) problems.push("--static-prefix must begin with a '/'.");
    if (staticPrefix.endsWith('/')) problems.push("--static-prefix should not end with a '/'.");
  }
  const appName = str('app-name');
  if (appName !== undefined && !(KNOWN_APP_NAMES as readonly string[]).includes(appName)) {
    problems.push(`Invalid value for '--app-name': '${appName}' is not one of ${KNOWN_APP_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  }
  const authEnabled = appName === 'basic-auth' || ['true', '1', 't', 'yes', 'y'].includes((env.MLFLOW_AUTH_ENABLED ?? '').toLowerCase());
  const host = str('host', 'MLFLOW_HOST') ?? '127.0.0.1';
  const trustedHeader = str('auth-trusted-header', 'DARWIN_AUTH_TRUSTED_HEADER');
  if (trustedHeader !== undefined && !authEnabled) problems.push('--auth-trusted-header needs authentication on (--app-name basic-auth or MLFLOW_AUTH_ENABLED=true).');
  const auth = authEnabled ? loadAuthConfig({ env, cwd, host, trustedHeader }, problems) : undefined;
  const port = integer(str('port', 'MLFLOW_PORT') ?? '5000', '--port', 0, 65535, problems);
  const workers = integer(str('workers', 'MLFLOW_WORKERS') ?? '1', '--workers', 1, 64, problems);
  const poolSize = integer(nonEmpty(env.MLFLOW_SQLALCHEMYSTORE_POOL_SIZE) ?? '10', 'MLFLOW_SQLALCHEMYSTORE_POOL_SIZE', 1, 1000, problems)
    + integer(nonEmpty(env.MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW) ?? '0', 'MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW', 0, 1000, problems);
  const deploymentsTimeoutMs =
    integer(nonEmpty(env.MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT) ?? '120', 'MLFLOW_DEPLOYMENT_PREDICT_TIMEOUT', 1, 3600, problems) * 1000;

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    backendStoreUri,
    registryStoreUri,
    defaultArtifactRoot,
    serveArtifacts,
    artifactsDestination: destination,
    artifactsOnly,
    host,
    port,
    workers,
    staticPrefix,
    appName,
    auth,
    exposePrometheus: str('expose-prometheus', 'MLFLOW_EXPOSE_PROMETHEUS'),
    truncateLongValues: !['false', '0', 'f', 'no', 'n'].includes((env.MLFLOW_TRUNCATE_LONG_VALUES ?? 'true').toLowerCase()),
    poolSize,
    cwd,
    env: Object.freeze({ ...env }),
    deploymentsTarget: nonEmpty(env.MLFLOW_DEPLOYMENTS_TARGET?.trim()),
    deploymentsTimeoutMs,
    initBucket: values.get('init-bucket') === true,
  });
}

/** MLflow §8.1: the flag, else `mlflow-artifacts:/` when serving; relative local roots made absolute. */
function resolveDefaultArtifactRoot(given: string | undefined, serve: boolean, cwd: string, problems: string[]): string {
  if (given === undefined) {
    if (serve) return 'mlflow-artifacts:/';
    problems.push(
      "Option 'default-artifact-root' is required when backend store is not local file based and artifact serving is disabled.",
    );
    return '';
  }
  return absolutizeLocalUri(given, cwd);
}

/** A scheme-less path or `file:` URI made absolute against cwd; other URIs unchanged. */
export function absolutizeLocalUri(uri: string, cwd: string): string {
  if (uri.startsWith('file:')) {
    const m = /^file:(\/\/[^/]*)?(.*)$/.exec(uri);
    const p = m?.[2] ?? '';
    return path.isAbsolute(p) ? uri : `file://${path.resolve(cwd, p)}`;
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) && !/^[a-zA-Z]:[\\/]/.test(uri)) return uri;
  return path.resolve(cwd, uri);
}

function integer(raw: string, name: string, min: number, max: number, problems: string[]): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`Invalid value for '${name}': '${raw}' is not an integer between ${min} and ${max}.`);
    return min;
  }
  return n;
}

