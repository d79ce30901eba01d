/**
 * Backend store URIs in SQLAlchemy form, as `mlflow server --backend-store-uri` takes them.
 */
import path from 'node:path';

export type DialectName = 'sqlite' | 'mysql' | 'postgres';

export interface SqliteTarget {
  dialect: 'sqlite';
  /** Absolute file path, or ':memory:'. */
  file: string;
}

export interface NetworkTarget {
  dialect: 'mysql' | 'postgres';
  host: string;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  database: string | undefined;
  /** Extra URI query parameters (e.g. `host=/run/postgresql` for a socket). */
  params: Record<string, string>;
}

export type DatabaseTarget = SqliteTarget | NetworkTarget;

const SCHEMES: Record<string, DialectName> = {
  sqlite: 'sqlite',
  mysql: 'mysql',
  mariadb: 'mysql',
  postgresql: 'postgres',
  postgres: 'postgres',
};

export function isDatabaseUri(uri: string): boolean {
  const m = /^([a-z][a-z0-9]*)(\+[a-z0-9_]+)?:\/\//i.exec(uri);
  return m !== null && (m[1] as string).toLowerCase() in SCHEMES;
}

/** Parses a SQLAlchemy URI; relative SQLite paths resolve against `cwd`. */
export function parseBackendUri(uri: string, cwd: string = process.cwd()): DatabaseTarget {
  const m = /^([a-z][a-z0-9]*)(?:\+([a-z0-9_]+))?:\/\/(.*)$/is.exec(uri);
  const dialect = m ? SCHEMES[(m[1] as string).toLowerCase()] : undefined;
  if (!m || !dialect) {
    throw new Error(
      `Unsupported backend store URI '${redact(uri)}'. Use sqlite:///<path>, mysql://<user>:<password>@<host>:<port>/<database> or postgresql://<user>:<password>@<host>:<port>/<database>.`,
    );
  }
  const rest = m[3] as string;
  if (dialect === 'sqlite') return { dialect, file: sqliteFile(rest, cwd) };
  return { dialect, ...networkParts(rest, uri) };
}

/** `sqlite:///rel.db` -> rest '/rel.db'; `sqlite:////abs.db` -> '//abs.db'; '' -> memory. */
function sqliteFile(rest: string, cwd: string): string {
  const withoutQuery = rest.split('?')[0] as string;
  if (withoutQuery === '' || withoutQuery === '/' || withoutQuery === '/:memory:') return ':memory:';
  if (!withoutQuery.startsWith('/')) throw new Error(`Invalid SQLite URI: expected sqlite:///<path>, got 'sqlite://${rest}'`);
  const p = decodeURIComponent(withoutQuery.slice(1));
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(cwd, p);
}

function networkParts(rest: string, uri: string): Omit<NetworkTarget, 'dialect'> {
  const [authority = '', ...pathAndQuery] = rest.split('/');
  const tail = pathAndQuery.join('/');
  const [dbPart = '', query = ''] = tail.split('?');
  const at = authority.lastIndexOf('@');
  const userInfo = at >= 0 ? authority.slice(0, at) : '';
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  const colon = userInfo.indexOf(':');
  const user = userInfo === '' ? undefined : decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
  const password = colon >= 0 ? decodeURIComponent(userInfo.slice(colon + 1)) : undefined;
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  if (!hp) throw new Error(`Invalid host in backend store URI '${redact(uri)}'`);
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return {
    host: (hp[1] as string).replace(/^\[|\]$/g, '') || params.host || 'localhost',
    port: hp[2] ? Number(hp[2]) : params.port ? Number(params.port) : undefined,
    user,
    password,
    database: dbPart === '' ? undefined : decodeURIComponent(dbPart),
    params,
  };
}

/** The URI with any password replaced, for messages and logs. */
export function redact(uri: string): string {
  return uri.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}
