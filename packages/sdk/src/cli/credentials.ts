/**
 * Where `darwin-mlflow login` keeps what it got: one personal access token per tracking server,
 * in `$DARWIN_MLFLOW_CREDENTIALS`, else `$XDG_CONFIG_HOME/darwin-mlflow/credentials.json`, else
 * `~/.config/darwin-mlflow/credentials.json`. The file is the secret, so it is created with mode
 * 0600 in a 0700 folder and replaced by rename (never left half written or readable by others).
 * Only the CLI reads it; the SDK as a library takes its credentials from the environment or code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../config.js';

export interface StoredLogin {
  readonly username: string;
  readonly token: string;
  /** The token's id on the server, for `logout` to revoke it. */
  readonly token_id: string;
  readonly created_at: string;
  readonly expires_at: string | null;
}

interface CredentialsFile {
  servers: Record<string, StoredLogin>;
}

export function credentialsPath(env: Env): string {
  if (env.DARWIN_MLFLOW_CREDENTIALS) return env.DARWIN_MLFLOW_CREDENTIALS;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'darwin-mlflow', 'credentials.json');
}

/** The key of a server: origin and path, without a trailing slash (`http://host:5000/mlflow`). */
export function serverKey(trackingUri: URL): string {
  return `${trackingUri.origin}${trackingUri.pathname.replace(/\/+$/, '')}`;
}

function read(file: string): CredentialsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialsFile>;
    return { servers: typeof parsed.servers === 'object' && parsed.servers !== null ? parsed.servers : {} };
  } catch {
    throw new Error(`${file} is not valid JSON: fix it or delete it, then run 'darwin-mlflow login' again`);
  }
}

function write(file: string, content: CredentialsFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask may have kept bits we do not want
  fs.renameSync(tmp, file);
}

export function findLogin(env: Env, trackingUri: URL): StoredLogin | undefined {
  return read(credentialsPath(env)).servers[serverKey(trackingUri)];
}

export function saveLogin(env: Env, trackingUri: URL, login: StoredLogin): string {
  const file = credentialsPath(env);
  const content = read(file);
  content.servers[serverKey(trackingUri)] = login;
  write(file, content);
  return file;
}

export function removeLogin(env: Env, trackingUri: URL): StoredLogin | undefined {
  const file = credentialsPath(env);
  const content = read(file);
  const key = serverKey(trackingUri);
  const old = content.servers[key];
  if (old === undefined) return undefined;
  delete content.servers[key];
  write(file, content);
  return old;
}

/** Whether the environment already names credentials, which then win over a stored login. */
export function envHasCredentials(env: Env): boolean {
  return ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD', 'user'].some((k) => (env[k] ?? '') !== '');
}
