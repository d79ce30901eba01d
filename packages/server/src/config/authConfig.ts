/**
 * The basic-auth configuration: MLflow's INI file (`MLFLOW_AUTH_CONFIG_PATH`, section `[mlflow]`:
 * default_permission, database_uri, admin_username, admin_password) with MLflow's defaults, the
 * Darwin deployment variables, and our own options. Problems are collected, not thrown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isPermissionName } from '../auth/permissions.js';
import type { PermissionName } from '../auth/permissions.js';
import { darwinMysqlUri, nonEmpty } from './darwinEnv.js';

export interface AuthConfig {
  readonly defaultPermission: PermissionName;
  /** SQLAlchemy-style URI of the auth database (users, permissions, tokens, sessions, audit). */
  readonly databaseUri: string;
  readonly adminUsername: string;
  /** Undefined: a random password is generated when the admin is first created, and printed once. */
  readonly adminPassword: string | undefined;
  /** `--auth-trusted-header`: the header an SSO proxy sets to the caller's username (off when undefined). */
  readonly trustedHeader: string | undefined;
  /** Browser session lifetime. */
  readonly sessionTtlMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export const MLFLOW_DEFAULT_AUTH_DATABASE_URI = 'sqlite:///basic_auth.db';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Python configparser's subset that MLflow's file uses: sections, `key = value` / `key: value`, comments. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!.trim(), current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (eq < 0 || !current) continue;
    current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

export function loadAuthConfig(
  options: { env: Env; cwd: string; host: string; trustedHeader: string | undefined },
  problems: string[],
): AuthConfig {
  const { env, cwd } = options;
  const configPath = nonEmpty(env.MLFLOW_AUTH_CONFIG_PATH);
  let file = new Map<string, string>();
  if (configPath !== undefined) {
    const resolved = path.resolve(cwd, configPath);
    try {
      file = parseIni(fs.readFileSync(resolved, 'utf8')).get('mlflow') ?? new Map();
    } catch (err) {
      problems.push(`Cannot read the auth config MLFLOW_AUTH_CONFIG_PATH=${configPath}: ${(err as Error).message}`);
    }
  }
  const authFunction = file.get('authorization_function');
  if (authFunction !== undefined && authFunction !== 'mlflow.server.auth:authenticate_request_basic_auth') {
    problems.push(
      `The auth config names authorization_function '${authFunction}': custom Python authorization functions cannot run in this server. It authenticates HTTP Basic users, personal access tokens (Bearer) and, behind an SSO proxy, --auth-trusted-header; remove the setting to use them.`,
    );
  }
  const defaultPermission = file.get('default_permission') ?? 'READ';
  if (!isPermissionName(defaultPermission)) {
    problems.push(`Invalid default_permission '${defaultPermission}' in the auth config: must be one of READ, EDIT, MANAGE, NO_PERMISSIONS.`);
  }
  const databaseUri = nonEmpty(file.get('database_uri')) ?? (nonEmpty(env.CONFIG_SERVICE_MYSQL_AUTH_DATABASE) === undefined ? undefined : darwinMysqlUri(env, env.CONFIG_SERVICE_MYSQL_AUTH_DATABASE!)) ?? MLFLOW_DEFAULT_AUTH_DATABASE_URI;
  const adminUsername = nonEmpty(env.VAULT_SERVICE_MLFLOW_ADMIN_USERNAME) ?? nonEmpty(file.get('admin_username')) ?? 'admin';
  const adminPassword = env.VAULT_SERVICE_MLFLOW_ADMIN_USERNAME !== undefined || env.VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD !== undefined
    ? env.VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD
    : file.get('admin_password');
  if (adminPassword !== undefined && adminPassword === '') problems.push('The admin password must not be empty.');
  if (adminUsername === 'admin' && adminPassword === 'password' && !LOOPBACK.has(options.host)) {
    problems.push(
      `Refusing to listen on ${options.host} with the well-known admin password ('admin'/'password'): set admin_password in MLFLOW_AUTH_CONFIG_PATH or VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD, or listen on 127.0.0.1.`,
    );
  }
  const trustedHeader = options.trustedHeader?.trim().toLowerCase();
  if (trustedHeader !== undefined && !/^[a-z0-9-]+$/.test(trustedHeader)) {
    problems.push(`Invalid --auth-trusted-header '${options.trustedHeader}': a header name is letters, digits and '-'.`);
  }
  const ttlHours = Number(nonEmpty(env.DARWIN_SESSION_TTL_HOURS) ?? '12');
  if (!(ttlHours > 0 && ttlHours <= 24 * 30)) problems.push(`Invalid DARWIN_SESSION_TTL_HOURS '${env.DARWIN_SESSION_TTL_HOURS}': hours between 0 and 720.`);
  return Object.freeze({
    defaultPermission: (isPermissionName(defaultPermission) ? defaultPermission : 'READ') as PermissionName,
    databaseUri,
    adminUsername,
    adminPassword,
    trustedHeader: trustedHeader === '' ? undefined : trustedHeader,
    sessionTtlMs: ttlHours * 3600_000,
  });
}

