#!/usr/bin/env node
/**
 * `npm run bench:ui`: the UI in Chromium against a real server (SQLite, one process) with
 *  - 10,000 runs of 5 params, 5 metrics and 3 tags: time from navigation to the first rows, and
 *    frames while scrolling all 10,000 rows (a frame over 25 ms counts as dropped);
 *  - a chart of 10 runs x 100,000 points, and one of a 1,000,000-point history: time from
 *    navigation until the lines are drawn.
 * Figures go to stdout; docs/benchmarks.md keeps them with the machine they came from.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-bench-ui-'));

async function startServer() {
  const child = spawn(process.execPath, [path.join(REPO, 'packages/server/bin/darwin-mlflow.js'), 'server', '--host', '127.0.0.1', '--port', '0', '--backend-store-uri', `sqlite:///${dir}/mlruns.db`, '--artifacts-destination', `${dir}/mlartifacts`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { origin, child };
}

async function api(origin, method, p, body) {
  const res = await fetch(`${origin}/api/2.0/mlflow/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function pool(count, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function seedRuns(origin, experimentId, n) {
  await pool(n, 8, async (i) => {
    const { run } = await api(origin, 'POST', 'runs/create', { experiment_id: experimentId, run_name: `run-${i}`, start_time: 1_700_000_000_000 + i * 1000 });
    const r = (k) => ((i * 7919 + k * 104729) % 10000) / 10000;
    await api(origin, 'POST', 'runs/log-batch', {
      run_id: run.info.run_id,
      params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: String(Math.floor(r(k) * 100)) })),
      metrics: Array.from({ length: 5 }, (_, k) => ({ key: `m${k}`, value: r(k + 5), timestamp: 1, step: 0 })),
      tags: Array.from({ length: 3 }, (_, k) => ({ key: `t${k}`, value: `v${i % (k + 2)}` })),
    });
  });
}

async function seedHistory(origin, runId, points) {
  await pool(Math.ceil(points / 1000), 4, async (b) => {
    const metrics = Array.from({ length: Math.min(1000, points - b * 1000) }, (_, j) => {
      const step = b * 1000 + j;
      return { key: 'loss', value: Math.exp(-step / (points / 4)) + 0.05 * Math.sin(step / 50), timestamp: 1_700_000_000_000 + step, step };
    });
    await api(origin, 'POST', 'runs/log-batch', { run_id: runId, metrics });
  });
}

async function firstRows(page, url) {
  const t0 = Date.now();
  await page.goto(url);
  await page.locator('.runs-row:not(.header) .cell.name a').first().waitFor();
  return Date.now() - t0;
}

/** Scrolls the table to its end a screen at a time, one step per frame, recording frame times. */
async function scrollFrames(page, total) {
  return page.evaluate(async (total) => {
    const el = document.querySelector('.runs-scroller');
    const frames = [];
    let last = performance.now();
    const rows = () => Number(el.getAttribute('aria-rowcount')) - 1;
    const deadline = last + 120_000;
    while ((rows() < total || el.scrollTop + el.clientHeight < el.scrollHeight - 2) && performance.now() < deadline) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    frames.sort((a, b) => a - b);
    return { frames: frames.length, dropped: frames.filter((f) => f > 25).length, p50: frames[Math.floor(frames.length / 2)], p95: frames[Math.floor(frames.length * 0.95)], max: frames[frames.length - 1], rows: rows() };
  }, total);
}

async function chartTime(page, url, expectPoints) {
  const t0 = Date.now();
  await page.goto(url);
  const caption = page.locator('figure[data-metric="loss"] figcaption');
  await page.waitForFunction((n) => document.querySelector('figure[data-metric="loss"] figcaption')?.textContent?.includes(`${n} points`), expectPoints.toLocaleString('en-US'), { timeout: 60_000 });
  await page.locator('figure[data-metric="loss"] canvas').waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  void caption;
  return Date.now() - t0;
}

const { origin, child } = await startServer();
try {
  const t = Date.now();
  const { experiment_id: runsExp } = await api(origin, 'POST', 'experiments/create', { name: 'bench-10k' });
  await seedRuns(origin, runsExp, 10_000);
  console.log(`seeded 10,000 runs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const { experiment_id: chartExp } = await api(origin, 'POST', 'experiments/create', { name: 'bench-charts' });
  const chartRuns = [];
  for (let i = 0; i < 10; i++) chartRuns.push((await api(origin, 'POST', 'runs/create', { experiment_id: chartExp, run_name: `c${i}`, start_time: 1_700_000_000_000 })).run.info.run_id);
  for (const id of chartRuns) await seedHistory(origin, id, 100_000);
  const big = (await api(origin, 'POST', 'runs/create', { experiment_id: chartExp, run_name: 'million', start_time: 1_700_000_000_000 })).run.info.run_id;
  await seedHistory(origin, big, 1_000_000);
  console.log(`seeded histories in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const runsUrl = `${origin}/#/experiments/${runsExp}`;
  await firstRows(page, runsUrl); // warm-up (code and server caches)
  const first = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    first.push(await firstRows(page, runsUrl));
  }
  console.log(`runs page, first rows after navigation: ${first.join(', ')} ms`);
  const report = (what, s) => console.log(`${what}: ${s.frames} frames, ${s.dropped} over 25 ms, p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (rows: ${s.rows})`);
  report('scrolling to row 10,000 while pages of 500 load', await scrollFrames(page, 10_000));
  await page.evaluate(() => (document.querySelector('.runs-scroller').scrollTop = 0));
  report('scrolling all 10,000 loaded rows again', await scrollFrames(page, 10_000));
  const metricUrl = (ids) => `${origin}/#/metric/loss?runs=${encodeURIComponent(JSON.stringify(ids))}&experiments=${encodeURIComponent(JSON.stringify([chartExp]))}`;
  await chartTime(page, metricUrl(chartRuns), 1_000_000);
  const tenRuns = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    tenRuns.push(await chartTime(page, metricUrl(chartRuns), 1_000_000));
  }
  console.log(`chart of 10 runs x 100,000 points: ${tenRuns.join(', ')} ms`);
  const million = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    million.push(await chartTime(page, metricUrl([big]), 1_000_000));
  }
  console.log(`chart of one 1,000,000-point history: ${million.join(', ')} ms`);
  await browser.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
