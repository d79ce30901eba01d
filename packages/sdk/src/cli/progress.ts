/** Progress bars for artifact transfers (on stderr, only when it is a terminal). */
import cliProgress from 'cli-progress';
import type { TransferProgress } from '../resources/artifacts.js';
import type { Io } from './output.js';

export interface ProgressReporter {
  onProgress(p: TransferProgress): void;
  stop(): void;
}

export function progressBar(io: Io, enabled: boolean): ProgressReporter {
  if (!enabled || !io.stderrIsTTY) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} bytes | file {file}/{files} {path}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  let started = false;
  return {
    onProgress(p) {
      const payload = { path: p.path, file: Math.min(p.filesDone + 1, p.filesTotal), files: p.filesTotal };
      if (!started || p.path !== current) {
        if (started) bar.stop();
        bar.start(p.total ?? 0, p.bytes, payload);
        started = true;
        current = p.path;
      }
      bar.update(p.bytes, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
