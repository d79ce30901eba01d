/**
 * `darwin-mlflow` command line: `server` (the `mlflow server` flags), `db upgrade <uri>`. The client
 * commands are the SDK's: the bin launcher sends them there, so this package imports only the contract.
 * Nothing below this file reads process.env: it is turned into a config object here.
 */
import { ConfigError, loadServerConfig } from './config/serverConfig.js';
import { Database } from './db/database.js';
import { redact } from './db/backendUri.js';
import { upgradeDatabase } from './db/migrate.js';
import { runServer } from './main.js';
import type { ServerConfig } from './config/serverConfig.js';

const USAGE = `Usage: darwin-mlflow <command> [options]

Commands:
  server [options]       Run the tracking server (same flags as \`mlflow server\`):
                           --backend-store-uri URI      default sqlite:///mlruns.db
                           --registry-store-uri URI     default: the backend store URI
                           --default-artifact-root URI  root for new experiments' artifacts
                           --serve-artifacts / --no-serve-artifacts
                           --artifacts-destination URI  default ./mlartifacts
                           --artifacts-only
                           -h, --host HOST              default 127.0.0.1
                           -p, --port PORT              default 5000
                           -w, --workers N              default 1
                           --static-prefix /PREFIX
                           --app-name basic-auth        users and permissions (docs/auth.md)
                           --auth-trusted-header NAME   behind an SSO proxy: take the username from this header
                           --expose-prometheus DIR
                           --init-bucket                create/verify the s3:// destination's bucket first
                           --new-db-schema 3.x|2.12.2   schema head for an empty database (default 3.x)
                           --fail-fast                  exit at once when the database is unreachable
                                                        (default: retry with backoff, DARWIN_STARTUP_RETRY_MS)
                           --log-level LEVEL            info (default), warn, error, debug, silent; JSON lines on stdout
                           (--dev, --gunicorn-opts, --waitress-opts are accepted and ignored)
  gc [options]           Permanently delete deleted runs/experiments and their artifacts (\`darwin-mlflow gc --help\`).
  s3 init [s3://B/P]     Create the artifact bucket when missing and verify write access.
  db upgrade [URI]       Migrate a database from any MLflow 2.x or 3.x schema revision to MLflow 3.x's head
                         (default URI: the server's, from MLFLOW_BACKEND_STORE_URI or the Darwin variables).

Client commands (from darwin-mlflow-sdk; \`darwin-mlflow <command> --help\`):
  experiments, runs, metrics, artifacts, models   everyday tracking and registry tasks
  login, logout, whoami                           sign in once and store a token for this server
  users, tokens, permissions                      auth administration
  completion bash|zsh                             shell completion
`;

type Env = Readonly<Record<string, string | undefined>>;

export async function main(argv: readonly string[], env: Env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'server':
        if (rest.includes('--help')) return usage(0);
        return await startServer(loadServerConfig(rest, env));
      case 'gc':
        return await (await artifactCommands()).gcCommand(rest, env);
      case 's3':
        return await (await artifactCommands()).s3Command(rest, env);
      case 'db':
        return await dbCommand(rest, env);
      case undefined:
      case '--help':
      case 'help':
        return usage(command === undefined ? 1 : 0);
      default:
        console.error(`Unknown command '${command}'.\n`);
        return usage(2);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Error: ${err.problems.join('\nError: ')}`);
      return 2;
    }
    console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** `--init-bucket` first (fails fast with a clear message), then serve. */
async function startServer(config: ServerConfig): Promise<number> {
  if (config.initBucket) await (await artifactCommands()).initBucketForServer(config);
  return runServer(config);
}

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

/** `db upgrade [URI]`: without a URI, the server's own backend store from the environment. */
async function dbCommand(args: readonly string[], env: Env): Promise<number> {
  const [sub, given, ...extra] = args;
  if (sub !== 'upgrade' || extra.length > 0) {
    console.error('Usage: darwin-mlflow db upgrade [<database-uri>]   (default: MLFLOW_BACKEND_STORE_URI or the Darwin MySQL variables)');
    return 2;
  }
  const uri = given ?? loadServerConfig([], env).backendStoreUri;
  // migrations may rewrite big tables: no statement timeout
  const database = Database.open(uri, { pool: { size: 2, queryTimeoutMs: 24 * 3600 * 1000 } });
  try {
    const { from, to } = await upgradeDatabase(database);
    console.log(from === to ? `${redact(uri)} is already at revision ${to}.` : `Upgraded ${redact(uri)} from ${from ?? 'an empty database'} to ${to}.`);
    return 0;
  } finally {
    await database.close();
  }
}

/** Loaded on demand: the S3 tooling pulls in the AWS SDK, which a server on local disk never needs. */
function artifactCommands() {
  return import('./artifacts/commands.js');
}
