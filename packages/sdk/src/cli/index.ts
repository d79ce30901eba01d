/**
 * The client commands of `darwin-mlflow` (and of `darwin-mlflow-client` when the SDK is installed
 * alone): `runCli(argv, env)` parses, runs one command and returns its exit code.
 */
import { Command, CommanderError } from 'commander';
import type { MlflowClient } from '../client.js';
import type { Env } from '../config.js';
import { artifactsCommand } from './commands/artifacts.js';
import { permissionsCommand, tokensCommand, usersCommand } from './commands/admin.js';
import { completionCommand } from './commands/completion.js';
import { modelsCommand } from './commands/models.js';
import { sessionCommands } from './commands/session.js';
import { experimentsCommand, metricsCommand, runsCommand } from './commands/tracking.js';
import { makeContext } from './context.js';
import { EXIT, explain } from './output.js';
import type { Io } from './output.js';

export { EXIT } from './output.js';
export type { Io } from './output.js';

/** First words that the SDK's CLI answers; a host binary (the server's) delegates these. */
export const CLIENT_COMMANDS: readonly string[] = ['experiments', 'runs', 'metrics', 'artifacts', 'models', 'users', 'tokens', 'permissions', 'login', 'logout', 'whoami', 'completion'];

/** Whether `argv` names a client command, after any global flags (`--json`, `--tracking-uri <uri>`). */
export function isClientCommand(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--tracking-uri') i++;
    else if (!a.startsWith('-')) return CLIENT_COMMANDS.includes(a);
  }
  return false;
}

const ENV_HELP = `
Configuration (environment, as for MLflow's Python client):
  MLFLOW_TRACKING_URI                 server URL (default http://localhost:5000)
  MLFLOW_TRACKING_USERNAME/PASSWORD   Basic auth; or MLFLOW_TRACKING_TOKEN for a personal access token
                                      (unset: the token stored by 'darwin-mlflow login' for this server)
  MLFLOW_TRACKING_INSECURE_TLS        true to skip TLS certificate checks
  MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, MLFLOW_HTTP_REQUEST_TIMEOUT

Exit codes: 0 ok, 1 failed, 2 bad usage, 3 not authenticated or not allowed, 4 not found, 5 server unreachable.`;

let pipeWatched = false;

export function processIo(): Io {
  if (!pipeWatched) {
    pipeWatched = true;
    // `darwin-mlflow runs list … | head`: the reader left, so stop quietly instead of crashing on EPIPE.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw err;
      });
    }
  }
  return {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

export function buildProgram(io: Io, env: Env, clients: MlflowClient[], bin = 'darwin-mlflow'): Command {
  const program = new Command(bin)
    .description('Everyday MLflow tasks against a tracking server')
    .option('--tracking-uri <uri>', 'server URL (default: MLFLOW_TRACKING_URI, else http://localhost:5000)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENV_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  const ctx = makeContext(io, env, clients);
  experimentsCommand(program, ctx);
  runsCommand(program, ctx);
  metricsCommand(program, ctx);
  artifactsCommand(program, ctx);
  modelsCommand(program, ctx);
  usersCommand(program, ctx);
  tokensCommand(program, ctx);
  permissionsCommand(program, ctx);
  sessionCommands(program, ctx);
  completionCommand(program, io.out, bin);
  // Subcommands inherit the output settings and error handling of the root.
  const walk = (c: Command) => {
    for (const s of c.commands) {
      s.exitOverride().configureOutput({ writeOut: (t) => io.out(t.replace(/\n$/, '')), writeErr: (t) => io.err(t.replace(/\n$/, '')) });
      s.showHelpAfterError('(add --help for usage)');
      walk(s);
    }
  };
  walk(program);
  return program;
}

export async function runCli(argv: readonly string[], env: Env = process.env, io: Io = processIo(), bin = 'darwin-mlflow'): Promise<number> {
  const clients: MlflowClient[] = [];
  const program = buildProgram(io, env, clients, bin);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT.OK;
      // A group without a subcommand prints its help, as `gh` does.
      if (err.code === 'commander.executeSubCommandAsync') return EXIT.OK;
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const { message, code } = explain(err);
    io.err(message);
    return code;
  } finally {
    for (const c of clients) c.transport.close();
  }
}
