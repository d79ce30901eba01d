/**
 * What happens when the process ends with work outstanding. On a natural end (`beforeExit`)
 * active runs are flushed and ended FINISHED, as MLflow's atexit hook does; failures not yet
 * reported are printed and make the exit code 1. On `exit` (e.g. `process.exit()` with no
 * chance for I/O) anything still queued is reported on stderr instead of vanishing.
 */
import { LIVE_LOGGERS } from './batching.js';

type ExitTask = () => Promise<void>;

const tasks = new Set<ExitTask>();
let installed = false;

/** Registers a task for `beforeExit` (returns a function that removes it). */
export function onBeforeExit(task: ExitTask): () => void {
  install();
  tasks.add(task);
  return () => tasks.delete(task);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', () => {
    if (tasks.size === 0) return reportFailures();
    const pending = [...tasks];
    tasks.clear();
    void Promise.allSettled(pending.map((t) => t())).then((results) => {
      for (const r of results) if (r.status === 'rejected') fail(r.reason);
      reportFailures();
    });
  });
  process.on('exit', () => {
    for (const logger of LIVE_LOGGERS) {
      if (logger.pending > 0) {
        process.stderr.write(`darwin-mlflow-sdk: the process exited with ${logger.pending} logged values of run ${logger.runId} not sent; await run.flush() or run.endRun() before process.exit().\n`);
        process.exitCode = 1;
      }
    }
  });
}

function reportFailures(): void {
  for (const logger of LIVE_LOGGERS) {
    const failure = logger.takeFailure();
    if (failure !== undefined) fail(failure);
  }
}

function fail(err: unknown): void {
  process.stderr.write(`darwin-mlflow-sdk: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
