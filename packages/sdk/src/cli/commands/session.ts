/**
 * `login`, `logout`, `whoami`: a password is exchanged once for a personal access token of the
 * server (`POST /v1/tokens` with Basic auth), which later commands send as a Bearer token. A token
 * rather than the browser session of `<prefix>/auth/login`: it needs no CSRF header, is listed by
 * `tokens list`, can be revoked on its own, and outlives the session TTL unless given an expiry.
 */
import os from 'node:os';
import readline from 'node:readline';
import type { Command } from 'commander';
import { AuthenticationError } from '../../errors.js';
import type { SessionInfo } from '../../types.js';
import type { Context } from '../context.js';
import { credentialsPath, envHasCredentials, findLogin, removeLogin, saveLogin, serverKey } from '../credentials.js';
import { time, UsageError } from '../output.js';

/** Reads one line from standard input; on a terminal, as a prompt that does not echo. */
async function readSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  const rl = readline.createInterface({ input, output: process.stderr, terminal: true });
  // Print the prompt, then swallow the echo of what is typed.
  const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
  let prompted = false;
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (!prompted) {
      prompted = true;
      write.call(rl, s);
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export function sessionCommands(program: Command, ctx: Context): void {
  program
    .command('login')
    .description('Sign in once: exchange your password for a personal access token stored for this server (Darwin servers)')
    .option('-u, --username <username>', 'your username (default: MLFLOW_TRACKING_USERNAME)')
    .option('--password-stdin', 'read the password from standard input instead of a prompt')
    .option('--expires-in-days <n>', "the token's lifetime in days (default: the server's)", (v) => Number(v))
    .addHelpText(
      'after',
      `
The token goes to ~/.config/darwin-mlflow/credentials.json (mode 600; DARWIN_MLFLOW_CREDENTIALS or
XDG_CONFIG_HOME move it), one per tracking URI. Commands use it when MLFLOW_TRACKING_TOKEN,
MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are unset. 'darwin-mlflow logout' revokes it.

Examples:
  darwin-mlflow --tracking-uri https://mlflow.example.com login -u alice
  echo "$PASSWORD" | darwin-mlflow login -u alice --password-stdin`,
    )
    .action(async (o: { username?: string; passwordStdin?: boolean; expiresInDays?: number }, c: Command) => {
      const username = o.username ?? ctx.env.MLFLOW_TRACKING_USERNAME;
      if (!username) throw new UsageError('give --username <username> (or set MLFLOW_TRACKING_USERNAME)');
      if (o.expiresInDays !== undefined && !(Number.isInteger(o.expiresInDays) && o.expiresInDays > 0)) {
        throw new UsageError('--expires-in-days must be a positive whole number');
      }
      const fromEnv = o.passwordStdin ? undefined : ctx.env.MLFLOW_TRACKING_PASSWORD;
      if (fromEnv === undefined && !o.passwordStdin && !process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: use --password-stdin');
      const password = fromEnv ?? (await readSecret(`Password for ${username}: `));
      if (password === '') throw new UsageError('empty password');
      const uri = ctx.trackingUri(c);
      const client = ctx.clientWith(c, { username, password });
      const created = await client.v1.createToken(`darwin-mlflow login on ${os.hostname()}`, o.expiresInDays);
      const file = saveLogin(ctx.env, uri, {
        username,
        token: created.token,
        token_id: String(created.id),
        created_at: new Date().toISOString(),
        expires_at: created.expires_at === null || created.expires_at === undefined ? null : String(created.expires_at),
      });
      const until = created.expires_at ? `, until ${time(created.expires_at) || created.expires_at}` : '';
      ctx.printer(c).done(`Logged in to ${serverKey(uri)} as ${username}${until}. Token stored in ${file}.`, { server: serverKey(uri), username, credentials: file });
      if (envHasCredentials(ctx.env)) ctx.io.err('Note: MLFLOW_TRACKING_* credentials are set in this shell and win over the stored token.');
    });

  program
    .command('logout')
    .description('Revoke the token of `darwin-mlflow login` for this server and forget it')
    .action(async (_o: unknown, c: Command) => {
      const uri = ctx.trackingUri(c);
      const stored = findLogin(ctx.env, uri);
      const printer = ctx.printer(c);
      if (stored === undefined) return printer.done(`Not logged in to ${serverKey(uri)} (nothing in ${credentialsPath(ctx.env)}).`, { server: serverKey(uri), revoked: false });
      let revoked = true;
      try {
        await ctx.clientWith(c, { token: stored.token }).v1.deleteToken(stored.token_id);
      } catch (err) {
        // An expired or already revoked token cannot revoke itself; forgetting it is all that is left.
        if (!(err instanceof AuthenticationError)) throw err;
        revoked = false;
      }
      removeLogin(ctx.env, uri);
      printer.done(`Logged out of ${serverKey(uri)}${revoked ? '; the token is revoked' : ' (the token had already expired or been revoked)'}.`, { server: serverKey(uri), revoked });
    });

  program
    .command('whoami')
    .description('Who the server takes you for, and by which credentials (Darwin servers)')
    .action((_o: unknown, c: Command) => whoami(ctx, c));
}

/** `whoami` and `users whoami`. `auth/me` answers a refused credential as anonymous; say it was refused. */
export async function whoami(ctx: Context, c: Command): Promise<void> {
  const client = ctx.client(c);
  const me = await client.users.me();
  const source = envHasCredentials(ctx.env) ? 'environment' : findLogin(ctx.env, ctx.trackingUri(c)) ? `darwin-mlflow login (${credentialsPath(ctx.env)})` : 'none';
  const sent = client.config.token !== undefined || client.config.username !== undefined;
  if (me.auth_enabled && me.user === null && sent) {
    throw new AuthenticationError(`The server did not accept the credentials from ${source === 'none' ? 'the command line' : source} (wrong password, or an expired or revoked token).`, 'UNAUTHENTICATED', 401);
  }
  ctx.printer(c).record({ ...me, server: serverKey(ctx.trackingUri(c)), credentials: source }, WHOAMI_FIELDS);
}

type WhoAmI = SessionInfo & { server: string; credentials: string };

export const WHOAMI_FIELDS = [
  ['SERVER', (m: WhoAmI) => m.server],
  ['AUTH ENABLED', (m: WhoAmI) => m.auth_enabled],
  ['USER', (m: WhoAmI) => m.user?.username ?? '(anonymous)'],
  ['ADMIN', (m: WhoAmI) => m.user?.is_admin ?? false],
  ['VIA', (m: WhoAmI) => m.user?.via ?? ''],
  ['CREDENTIALS', (m: WhoAmI) => m.credentials],
] as const;
