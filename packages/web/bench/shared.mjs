/**
 * What bench:ui (ui.mjs) and scroll-trace.mjs share: the command line, the server they start
 * on a data folder, and the scroll loop (`scrollTop += 400` per animation frame).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const argv = process.argv.slice(2);
export const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** The built server on SQLite in `dir`; resolves with its origin once it listens. */
export async function startServer(dir) {
  const args = [path.join(REPO, 'packages/server/bin/darwin-mlflow.js'), 'server', '--host', '127.0.0.1', '--port', '0', '--backend-store-uri', `sqlite:///${dir}/mlruns.db`, '--artifacts-destination', `${dir}/mlartifacts`];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening at (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { origin, child };
}

/**
 * Scrolls the runs table until all `total` rows are loaded and the end is reached (at most
 * 120 s); returns each frame as [start, end] in performance.now() time, and a user-timing mark
 * at the start (it ties performance.now() to a trace's clock).
 */
export function scrollRuns(page, total) {
  return page.evaluate(async (total) => {
    const el = document.querySelector('.runs-scroller');
    const frames = [];
    const mark = performance.mark('scroll-start').startTime;
    let last = performance.now();
    const rows = () => Number(el.querySelector('.runs-table').getAttribute('aria-rowcount')) - 1;
    const deadline = last + 120_000;
    while ((rows() < total || el.scrollTop + el.clientHeight < el.scrollHeight - 2) && performance.now() < deadline) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push([last, now]);
      last = now;
    }
    return { frames, mark, rows: rows() };
  }, total);
}
