/**
 * The artifact commands of the `darwin-mlflow` CLI: `gc` (as `mlflow gc`) and `s3 init`, plus the
 * `--init-bucket` step of `server`. cli.ts dispatches here with argv and the environment.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { ConfigError, DEFAULT_ARTIFACTS_DESTINATION, DEFAULT_BACKEND_STORE_URI } from '../config/serverConfig.js';
import type { ServerConfig } from '../config/serverConfig.js';
import { parseFlags } from '../config/flags.js';
import { Database } from '../db/database.js';
import { garbageCollect } from './gc.js';
import { initS3Bucket, s3InitTarget } from './s3init.js';

type Env = Readonly<Record<string, string | undefined>>;

export const GC_USAGE = `Usage: darwin-mlflow gc [options]
  Permanently delete runs in the \`deleted\` lifecycle stage (and deleted experiments with their runs),
  metadata and artifacts, like \`mlflow gc\`.
  --backend-store-uri URI       default $MLFLOW_BACKEND_STORE_URI or ${DEFAULT_BACKEND_STORE_URI}
  --older-than 1d2h3m4s         only runs/experiments deleted longer ago than this
  --run-ids ID,ID               these runs instead of every deleted run
  --experiment-ids ID,ID        these experiments instead of every deleted experiment
  --artifacts-destination URI   where mlflow-artifacts:/ locations live (as for \`server\`)
  --default-artifact-root URI   a further root whose run artifacts may be deleted
`;

export const S3_USAGE = `Usage: darwin-mlflow s3 init [s3://BUCKET[/PREFIX]]
  Create the bucket when missing (an existing one is fine) and verify write access.
  Default target: --artifacts-destination / $MLFLOW_ARTIFACTS_DESTINATION when s3://, else s3://$MLFLOW_S3_BUCKET.
  Uses AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, MLFLOW_S3_ENDPOINT_URL / AWS_ENDPOINT_OVERRIDE.
`;

export async function gcCommand(argv: readonly string[], env: Env, cwd: string = process.cwd()): Promise<number> {
  const { values, positionals, problems } = parseFlags(argv, [
    { name: 'backend-store-uri', kind: 'string' },
    { name: 'older-than', kind: 'string' },
    { name: 'run-ids', kind: 'string' },
    { name: 'experiment-ids', kind: 'string' },
    { name: 'artifacts-destination', kind: 'string' },
    { name: 'default-artifact-root', kind: 'string' },
    { name: 'help', kind: 'boolean' },
  ]);
  if (values.get('help') === true) {
    console.log(GC_USAGE);
    return 0;
  }
  if (positionals.length > 0) problems.push(`Got unexpected extra argument(s): ${positionals.join(' ')}`);
  if (problems.length > 0) throw new ConfigError(problems);
  const str = (name: string) => values.get(name) as string | undefined;
  const list = (name: string) => str(name)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const database = Database.open(str('backend-store-uri') ?? (env.MLFLOW_BACKEND_STORE_URI || DEFAULT_BACKEND_STORE_URI), { pool: { size: 2 }, cwd });
  try {
    await garbageCollect(database, {
      olderThan: str('older-than'),
      runIds: list('run-ids'),
      experimentIds: list('experiment-ids'),
      artifactsDestination: str('artifacts-destination') ?? destinationFromEnv(env),
      defaultArtifactRoot: str('default-artifact-root') ?? (env.MLFLOW_DEFAULT_ARTIFACT_ROOT || 'mlflow-artifacts:/'),
      serveArtifacts: true,
      cwd,
      env,
      log: (line) => console.log(line),
    });
    return 0;
  } catch (err) {
    if (err instanceof MlflowError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

export async function s3Command(argv: readonly string[], env: Env): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals, problems } = parseFlags(rest, [{ name: 'artifacts-destination', kind: 'string' }]);
  if (sub !== 'init' || positionals.length > 1 || problems.length > 0) {
    console.error(`${problems.join('\n')}\n${S3_USAGE}`.trim());
    return 2;
  }
  const explicit = positionals[0] ?? (values.get('artifacts-destination') as string | undefined);
  const fromEnv = env.MLFLOW_ARTIFACTS_DESTINATION?.startsWith('s3://') ? env.MLFLOW_ARTIFACTS_DESTINATION : undefined;
  await initS3Bucket(s3InitTarget(explicit ?? fromEnv, env), env, (line) => console.log(line));
  return 0;
}

/** `server --init-bucket`: the destination must be on S3. */
export async function initBucketForServer(config: ServerConfig): Promise<void> {
  if (!config.artifactsDestination.startsWith('s3://')) {
    throw new ConfigError([`--init-bucket needs an s3:// artifacts destination, got '${config.artifactsDestination}'.`]);
  }
  await initS3Bucket(config.artifactsDestination, config.env, (line) => console.log(line));
}

function destinationFromEnv(env: Env): string {
  if (env.MLFLOW_ARTIFACTS_DESTINATION) return env.MLFLOW_ARTIFACTS_DESTINATION;
  return env.MLFLOW_S3_BUCKET ? `s3://${env.MLFLOW_S3_BUCKET}` : DEFAULT_ARTIFACTS_DESTINATION;
}
