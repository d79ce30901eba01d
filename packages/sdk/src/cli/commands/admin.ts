/** `users`, `tokens` and `permissions`: the auth admin tasks (servers run with --app-name basic-auth). */
import type { Command } from 'commander';
import { ConflictError, MlflowError } from '../../errors.js';
import type { Permission, User, V1Token } from '../../types.js';
import type { Context } from '../context.js';
import { time, UsageError } from '../output.js';
import { whoami } from './session.js';

const PERMISSIONS: readonly Permission[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

function permission(value: string): Permission {
  const p = value.toUpperCase() as Permission;
  if (!PERMISSIONS.includes(p)) throw new UsageError(`--permission must be one of ${PERMISSIONS.join(', ')}, got '${value}'`);
  return p;
}

/** A password from --password or, with --password-stdin, the first line of standard input. */
async function password(o: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (o.password !== undefined) return o.password;
  if (!o.passwordStdin) throw new UsageError('give --password <password> or --password-stdin');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('standard input held no password');
  return line;
}

const USER_FIELDS = [
  ['ID', (u: User) => u.id],
  ['USERNAME', (u: User) => u.username],
  ['ADMIN', (u: User) => u.is_admin],
  ['EXPERIMENTS', (u: User) => (u.experiment_permissions ?? []).map((p) => `${p.experiment_id}:${p.permission}`).join(', ')],
  ['MODELS', (u: User) => (u.registered_model_permissions ?? []).map((p) => `${p.name}:${p.permission}`).join(', ')],
] as const;

export function usersCommand(program: Command, ctx: Context): void {
  const cmd = program.command('users').description('Create, inspect and delete users (admin; MLflow basic-auth)');
  cmd
    .command('create <username>')
    .description('Create a user')
    .option('--password <password>', 'the new password')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { password?: string; passwordStdin?: boolean }, c: Command) => {
      const user = await ctx.client(c).users.create(username, await password(o));
      ctx.printer(c).done(`Created user ${user.username} (id ${user.id}).`, { user });
    });
  cmd
    .command('get <username>')
    .description('Show a user and their permissions')
    .action(async (username: string, _o: unknown, c: Command) => {
      ctx.printer(c).record(await ctx.client(c).users.get(username), USER_FIELDS);
    });
  cmd
    .command('set-password <username>')
    .description("Change a user's password")
    .option('--password <password>', 'the new password')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { password?: string; passwordStdin?: boolean }, c: Command) => {
      await ctx.client(c).users.updatePassword(username, await password(o));
      ctx.printer(c).done(`Changed the password of ${username}.`, { username });
    });
  cmd
    .command('set-admin <username> <true|false>')
    .description('Make a user an admin, or not')
    .action(async (username: string, flag: string, _o: unknown, c: Command) => {
      if (flag !== 'true' && flag !== 'false') throw new UsageError(`the admin flag must be true or false, got '${flag}'`);
      await ctx.client(c).users.updateAdmin(username, flag === 'true');
      ctx.printer(c).done(`${username} is ${flag === 'true' ? 'now' : 'no longer'} an admin.`, { username, is_admin: flag === 'true' });
    });
  cmd
    .command('delete <username>')
    .description('Delete a user')
    .action(async (username: string, _o: unknown, c: Command) => {
      await ctx.client(c).users.delete(username);
      ctx.printer(c).done(`Deleted user ${username}.`, { username });
    });
  cmd
    .command('whoami')
    .description('Who the configured credentials are (Darwin servers)')
    .action((_o: unknown, c: Command) => whoami(ctx, c));
}

export function tokensCommand(program: Command, ctx: Context): void {
  const cmd = program.command('tokens').description('Personal access tokens for MLFLOW_TRACKING_TOKEN (Darwin servers)');
  cmd
    .command('create <name>')
    .description('Create a token; its secret is shown this once')
    .option('--expires-in-days <n>', 'lifetime in days (default: the server\'s)', (v) => Number(v))
    .action(async (name: string, o: { expiresInDays?: number }, c: Command) => {
      const t = await ctx.client(c).v1.createToken(name, o.expiresInDays);
      const printer = ctx.printer(c);
      if (printer.json) return printer.record(t);
      ctx.io.out(t.token);
      ctx.io.err(`Token '${t.name}' (id ${t.id}) created${t.expires_at ? `, expires ${time(t.expires_at) || t.expires_at}` : ''}. Store it now: it is not shown again.\nUse it with: export MLFLOW_TRACKING_TOKEN=<token>`);
    });
  cmd
    .command('list')
    .description('List your tokens (never their secrets)')
    .action(async (_o: unknown, c: Command) => {
      ctx.printer(c).table(await ctx.client(c).v1.listTokens(), [
        ['ID', (t: V1Token) => t.id],
        ['NAME', (t: V1Token) => t.name],
        ['CREATED', (t: V1Token) => time(t.created_at) || t.created_at],
        ['EXPIRES', (t: V1Token) => time(t.expires_at) || t.expires_at],
        ['LAST USED', (t: V1Token) => time(t.last_used_at) || t.last_used_at],
      ]);
    });
  cmd
    .command('delete <id>')
    .description('Revoke a token')
    .action(async (id: string, _o: unknown, c: Command) => {
      await ctx.client(c).v1.deleteToken(id);
      ctx.printer(c).done(`Revoked token ${id}.`, { id });
    });
}

interface Target {
  experiment?: string;
  model?: string;
  user: string;
}

function target(o: Target) {
  if ((o.experiment === undefined) === (o.model === undefined)) throw new UsageError('give exactly one of --experiment <id> or --model <name>');
  return o.experiment !== undefined ? ({ kind: 'experiments', id: o.experiment } as const) : ({ kind: 'registeredModels', id: o.model as string } as const);
}

export function permissionsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('permissions').description("Grant, show and revoke a user's permission on an experiment or a registered model");
  const common = (c: Command) =>
    c.option('--experiment <id>', 'an experiment id').option('--model <name>', 'a registered model name').requiredOption('--user <username>', 'the user');
  common(cmd.command('grant'))
    .description('Give a user READ, EDIT, MANAGE or NO_PERMISSIONS (replaces what they had)')
    .requiredOption('--permission <permission>', PERMISSIONS.join(' | '))
    .addHelpText('after', '\nExample:\n  darwin-mlflow permissions grant --experiment 3 --user alice@example.com --permission EDIT')
    .action(async (o: Target & { permission: string }, c: Command) => {
      const t = target(o);
      const p = permission(o.permission);
      const perms = ctx.client(c).permissions[t.kind];
      try {
        await perms.create(t.id, o.user, p);
      } catch (err) {
        if (!(err instanceof ConflictError || (err instanceof MlflowError && err.code === 'RESOURCE_ALREADY_EXISTS'))) throw err;
        await perms.update(t.id, o.user, p);
      }
      ctx.printer(c).done(`${o.user} has ${p} on ${t.kind === 'experiments' ? 'experiment' : 'model'} ${t.id}.`, { user: o.user, permission: p });
    });
  common(cmd.command('get'))
    .description("Show a user's permission")
    .action(async (o: Target, c: Command) => {
      const t = target(o);
      ctx.printer(c).record(await ctx.client(c).permissions[t.kind].get(t.id, o.user), [['PERMISSION', (x: { permission: string }) => x.permission]]);
    });
  common(cmd.command('revoke'))
    .description("Remove a user's permission (the server's default applies again)")
    .action(async (o: Target, c: Command) => {
      const t = target(o);
      await ctx.client(c).permissions[t.kind].delete(t.id, o.user);
      ctx.printer(c).done(`Removed the permission of ${o.user} on ${t.id}.`, { user: o.user });
    });
}
