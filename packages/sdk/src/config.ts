/**
 * Client configuration: MLflow's environment variables (the names and defaults of MLflow 2.12.2's
 * `mlflow/environment_variables.py`), the Darwin SDK's `user` variable, and overrides in code.
 * This is the only module that reads an environment; it takes one as an argument.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface ClientOptions {
  /** `MLFLOW_TRACKING_URI`; default `http://localhost:5000`. A `file:` or database URI is refused. */
  trackingUri?: string;
  /** `MLFLOW_TRACKING_USERNAME` (Basic auth). */
  username?: string;
  /** `MLFLOW_TRACKING_PASSWORD`. */
  password?: string;
  /** `MLFLOW_TRACKING_TOKEN` (Bearer auth: a Darwin personal access token or any bearer token). */
  token?: string;
  /** `MLFLOW_TRACKING_INSECURE_TLS`: skip TLS certificate checks. */
  insecureTls?: boolean;
  /** `MLFLOW_HTTP_REQUEST_MAX_RETRIES`; default 5. */
  maxRetries?: number;
  /** `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR` in seconds; default 2 (delays 2, 4, 8 … s). */
  backoffFactor?: number;
  /** `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` in seconds; default 1. */
  backoffJitter?: number;
  /** `MLFLOW_HTTP_REQUEST_TIMEOUT` in seconds (idle time of one attempt); default 120. */
  timeoutSeconds?: number;
  /** `MLFLOW_EXPERIMENT_NAME`: the experiment `startRun` uses when given none. */
  experimentName?: string;
  /** `MLFLOW_EXPERIMENT_ID`: wins over the name, as in MLflow. */
  experimentId?: string;
  /** `MLFLOW_RUN_ID`: `startRun()` resumes this run instead of creating one. */
  runId?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export interface ClientConfig {
  readonly trackingUri: URL;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly token: string | undefined;
  readonly insecureTls: boolean;
  readonly maxRetries: number;
  readonly backoffFactor: number;
  readonly backoffJitter: number;
  readonly timeoutMs: number;
  readonly experimentName: string | undefined;
  readonly experimentId: string | undefined;
  readonly runId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export const DEFAULT_TRACKING_URI = 'http://localhost:5000';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

/** Reads the options from `env` (normally `process.env`); values in `overrides` win. All problems are reported at once. */
export function loadClientConfig(overrides: ClientOptions = {}, env: Env = {}): ClientConfig {
  const problems: string[] = [];
  const fromEnv = optionsFromEnv(env, problems);
  const o = { ...fromEnv, ...definedOnly(overrides) };
  const trackingUri = parseTrackingUri(o.trackingUri ?? DEFAULT_TRACKING_URI, problems);
  const config: ClientConfig = {
    trackingUri,
    username: o.username,
    password: o.password,
    token: o.token,
    insecureTls: o.insecureTls ?? false,
    maxRetries: bounded('maxRetries', o.maxRetries ?? 5, 0, 10, problems),
    backoffFactor: bounded('backoffFactor', o.backoffFactor ?? 2, 0, 120, problems),
    backoffJitter: bounded('backoffJitter', o.backoffJitter ?? 1, 0, 60, problems),
    timeoutMs: bounded('timeoutSeconds', o.timeoutSeconds ?? 120, 0.001, 86_400, problems) * 1000,
    experimentName: o.experimentName,
    experimentId: o.experimentId,
    runId: o.runId,
    headers: Object.freeze({ ...(o.headers ?? {}) }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function optionsFromEnv(env: Env, problems: string[]): ClientOptions {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  // The original Darwin SDK copied the `user` variable into both username and password.
  const user = get('user');
  const out: ClientOptions = {
    trackingUri: get('MLFLOW_TRACKING_URI'),
    username: get('MLFLOW_TRACKING_USERNAME') ?? user,
    password: get('MLFLOW_TRACKING_PASSWORD') ?? user,
    token: get('MLFLOW_TRACKING_TOKEN'),
    insecureTls: envBool(get('MLFLOW_TRACKING_INSECURE_TLS'), 'MLFLOW_TRACKING_INSECURE_TLS', problems),
    maxRetries: envNumber(get('MLFLOW_HTTP_REQUEST_MAX_RETRIES'), 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', problems, true),
    backoffFactor: envNumber(get('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR'), 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', problems),
    backoffJitter: envNumber(get('MLFLOW_HTTP_REQUEST_BACKOFF_JITTER'), 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', problems),
    timeoutSeconds: envNumber(get('MLFLOW_HTTP_REQUEST_TIMEOUT'), 'MLFLOW_HTTP_REQUEST_TIMEOUT', problems),
    experimentName: get('MLFLOW_EXPERIMENT_NAME'),
    experimentId: get('MLFLOW_EXPERIMENT_ID'),
    runId: get('MLFLOW_RUN_ID'),
  };
  return definedOnly(out);
}

function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function envBool(value: string | undefined, name: string, problems: string[]): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  problems.push(`${name} must be true, false, 1 or 0, got '${value}'`);
  return undefined;
}

function envNumber(value: string | undefined, name: string, problems: string[], integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    problems.push(`${name} must be ${integer ? 'an integer' : 'a number'}, got '${value}'`);
    return undefined;
  }
  return n;
}

function bounded(name: string, value: number, min: number, max: number, problems: string[]): number {
  if (!(value >= min && value <= max)) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parseTrackingUri(raw: string, problems: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw.replace(/\/+$/, ''));
  } catch {
    problems.push(`tracking URI '${raw}' is not a URL: use http(s)://host:port, e.g. ${DEFAULT_TRACKING_URI}`);
    return new URL(DEFAULT_TRACKING_URI);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`tracking URI '${raw}' is not an HTTP server: this client talks to a tracking server over http(s)`);
  }
  return url;
}
