/**
 * The fluent run API: `startRun` returns an `ActiveRun` whose `log*` and `set*` calls are batched
 * in the background, and whose artifacts go through the server. `endRun` flushes, then marks
 * the run terminated; `withRun` ends it FINISHED, or FAILED when the function throws.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { RunStatus } from '@darwin-mlflow/contract';
import { BatchLogger } from './batching.js';
import type { BatchingOptions } from './batching.js';
import type { Artifacts, ArtifactLocation, TransferOptions } from './resources/artifacts.js';
import { joinPath, locationFromArtifactUri } from './resources/artifacts.js';
import type { Runs } from './resources/tracking.js';
import type { Run, RunInfo } from './types.js';

export interface MetricOptions {
  step?: number;
  /** Milliseconds since the epoch; default now. */
  timestamp?: number;
}

/** `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts/model`, the deploy URI the Darwin SDK printed. */
export function deployUri(run: Run | RunInfo | { experiment_id: string; run_id: string }, artifactPath = 'model'): string {
  const info = 'info' in run ? run.info : run;
  return `mlflow-artifacts:/${info.experiment_id}/${info.run_id}/artifacts/${artifactPath}`;
}

export class ActiveRun {
  readonly logger: BatchLogger;
  private ended = false;

  constructor(
    readonly run: Run,
    private readonly runs: Runs,
    private readonly artifacts: Artifacts,
    batching: BatchingOptions,
    private readonly onEnd: (run: ActiveRun) => void,
  ) {
    this.logger = new BatchLogger(runs, run.info.run_id, batching);
  }

  get runId(): string {
    return this.run.info.run_id;
  }

  get experimentId(): string {
    return this.run.info.experiment_id;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  logParam(key: string, value: unknown): Promise<void> {
    return this.logger.addParam(key, stringify(value));
  }

  async logParams(params: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(params)) await this.logger.addParam(k, stringify(v));
  }

  logMetric(key: string, value: number, options: MetricOptions = {}): Promise<void> {
    return this.logger.addMetric({ key, value, ...options });
  }

  async logMetrics(metrics: Record<string, number>, options: MetricOptions = {}): Promise<void> {
    const timestamp = options.timestamp ?? Date.now();
    for (const [key, value] of Object.entries(metrics)) await this.logger.addMetric({ key, value, step: options.step, timestamp });
  }

  setTag(key: string, value: unknown): Promise<void> {
    return this.logger.addTag(key, stringify(value));
  }

  async setTags(tags: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(tags)) await this.logger.addTag(k, stringify(v));
  }

  /** Location of `artifactPath` below this run's artifact root. */
  artifactLocation(artifactPath = ''): ArtifactLocation {
    return locationFromArtifactUri(this.run.info.artifact_uri ?? '', this.runId, artifactPath);
  }

  /** Uploads one file to `<artifactPath>/<basename>` (streamed). */
  async logArtifact(localPath: string, artifactPath = '', options: TransferOptions = {}): Promise<void> {
    await this.artifacts.uploadFile(localPath, this.artifactLocation(joinPath(artifactPath, path.basename(localPath))), options);
  }

  /** Uploads the content of a directory below `artifactPath` (streamed, file by file). */
  async logArtifacts(localDir: string, artifactPath = '', options: TransferOptions = {}): Promise<number> {
    if (!(await fs.promises.stat(localDir)).isDirectory()) throw new Error(`${localDir} is not a directory: use logArtifact for a file.`);
    return this.artifacts.uploadDir(localDir, this.artifactLocation(artifactPath), options);
  }

  /** `artifactFile` as JSON (or YAML-free JSON for `.yaml`/`.yml`, which JSON is a subset of). */
  async logDict(dict: unknown, artifactFile: string): Promise<void> {
    await this.artifacts.uploadBytes(Buffer.from(JSON.stringify(dict, null, 2)), this.artifactLocation(artifactFile));
  }

  async logText(text: string, artifactFile: string): Promise<void> {
    await this.artifacts.uploadBytes(Buffer.from(text, 'utf8'), this.artifactLocation(artifactFile));
  }

  /** Waits until every logged metric, param and tag is stored. */
  flush(): Promise<void> {
    return this.logger.flush();
  }

  deployUri(artifactPath = 'model'): string {
    return deployUri(this.run, artifactPath);
  }

  /**
   * Flushes, then sets the status and end time. The run is ended even when the flush failed;
   * the flush error is thrown afterwards.
   */
  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    let failure: unknown;
    try {
      await this.logger.close();
    } catch (err) {
      failure = err;
    }
    try {
      await this.runs.update(this.runId, { status, end_time: Date.now() });
    } finally {
      this.onEnd(this);
    }
    if (failure !== undefined) throw failure;
  }
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/** Tags MLflow's fluent `start_run` sets: who and what started the run. */
export function defaultRunTags(username: string | undefined): Record<string, string> {
  const script = process.argv[1];
  const tags: Record<string, string> = {
    'mlflow.user': username ?? safeUser(),
    'mlflow.source.type': 'LOCAL',
  };
  if (script !== undefined) tags['mlflow.source.name'] = script;
  return tags;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
