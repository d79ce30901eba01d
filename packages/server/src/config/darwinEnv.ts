/** The Darwin deployment variables that compose MySQL URIs (tracking and auth databases share host and user). */
type Env = Readonly<Record<string, string | undefined>>;

export function darwinMysqlUri(env: Env, database: string): string | undefined {
  const host = nonEmpty(env.CONFIG_SERVICE_MYSQL_MASTERHOST) ?? nonEmpty(env.DARWIN_MYSQL_HOST);
  if (host === undefined) return undefined;
  const user = nonEmpty(env.VAULT_SERVICE_MYSQL_USERNAME);
  const password = env.VAULT_SERVICE_MYSQL_PASSWORD ?? '';
  const auth = user === undefined ? '' : `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@`;
  const port = nonEmpty(env.MYSQL_PORT) ?? '3306';
  return `mysql://${auth}${host}:${port}/${encodeURIComponent(database)}`;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
