/** What every command gets: the client built from the global flags and the environment, and a printer. */
import type { Command } from 'commander';
import { MlflowClient } from '../client.js';
import { loadClientConfig } from '../config.js';
import type { ClientOptions, Env } from '../config.js';
import { envHasCredentials, findLogin } from './credentials.js';
import { NotFoundError } from '../errors.js';
import type { Experiment } from '../types.js';
import { Printer, UsageError } from './output.js';
import type { Io } from './output.js';

export interface Context {
  readonly io: Io;
  readonly env: Env;
  /** The client of the flags and environment; a token from `darwin-mlflow login` when they name no credentials. */
  client(cmd: Command): MlflowClient;
  /** A client with these credentials only: none from the environment or a stored login (`login`, `logout`). */
  clientWith(cmd: Command, options: ClientOptions): MlflowClient;
  /** The server the flags and environment point at. */
  trackingUri(cmd: Command): URL;
  printer(cmd: Command): Printer;
}

const CREDENTIAL_VARIABLES = ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD', 'user'];

function withoutCredentials(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !CREDENTIAL_VARIABLES.includes(k)));
}

export function makeContext(io: Io, env: Env, clients: MlflowClient[]): Context {
  const make = (cmd: Command, clientEnv: Env, options: ClientOptions) => {
    const { trackingUri } = cmd.optsWithGlobals<{ trackingUri?: string }>();
    const client = new MlflowClient({ env: clientEnv, trackingUri, ...options, endRunsOnExit: false });
    clients.push(client);
    return client;
  };
  return {
    io,
    env,
    client(cmd) {
      const stored = envHasCredentials(env) ? undefined : findLogin(env, this.trackingUri(cmd));
      return make(cmd, env, { token: stored?.token });
    },
    clientWith(cmd, options) {
      return make(cmd, withoutCredentials(env), options);
    },
    trackingUri(cmd) {
      return loadClientConfig({ trackingUri: cmd.optsWithGlobals<{ trackingUri?: string }>().trackingUri }, env).trackingUri;
    },
    printer(cmd) {
      return new Printer(io, cmd.optsWithGlobals<{ json?: boolean }>().json === true);
    },
  };
}

/** An experiment by id (digits) or by name. */
export async function findExperiment(client: MlflowClient, idOrName: string): Promise<Experiment> {
  if (/^\d+$/.test(idOrName)) {
    try {
      return await client.experiments.get(idOrName);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  try {
    return await client.experiments.getByName(idOrName);
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new NotFoundError(`No experiment with id or name '${idOrName}'. List them with 'darwin-mlflow experiments list'.`, 'RESOURCE_DOES_NOT_EXIST', 404);
    }
    throw err;
  }
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive whole number, got '${value}'`);
    return n;
  };
}

export const VIEW_TYPES: Record<string, 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'> = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' };

export function viewType(value: string): 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' {
  const v = VIEW_TYPES[value.toLowerCase()];
  if (v === undefined) throw new UsageError(`--view must be active, deleted or all, got '${value}'`);
  return v;
}
