#!/usr/bin/env node
/**
 * `npm run bench:ui`: the UI in Chromium against a real server (SQLite, one process) with
 *  - 10,000 runs of 5 params, 5 metrics and 3 tags: time from navigation to the first rows, from
 *    Enter in the filter box to the filtered rows, from a click on a column header to the rows in
 *    the new order, and frames while scrolling all 10,000 rows (a frame over 25 ms is dropped);
 *  - a chart of 10 runs x 100,000 points, and one of a 1,000,000-point history: time from
 *    navigation until the lines are drawn;
 *  - the JavaScript and CSS the first page loads (gzip), and what the lazy views add.
 * Each figure also reports the CPU used meanwhile by everything that is not the bench, its
 * server or its Chromium ("other CPU", % of one core): on a shared machine that is the noise.
 *
 * Options: `--data-dir DIR` keeps the seeded database there and reuses it on the next run
 * (seeding takes about a minute); `--runs-only` / `--charts-only` measure one half.
 * Figures go to stdout; docs/benchmarks.md keeps them with the machine they came from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { argv, option, scrollRuns, startServer } from './shared.mjs';

const keepDir = option('--data-dir');
const dir = keepDir ? path.resolve(keepDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-bench-ui-'));
fs.mkdirSync(dir, { recursive: true });
const SEEDED = path.join(dir, 'seeded.json');
const doRuns = !argv.includes('--charts-only');
const doCharts = !argv.includes('--runs-only');
const RUNS = 10_000;


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

/** Run i's k-th value in [0, 1): 7919 is prime to 10,000, so each metric's values are all distinct. */
const valueOf = (i, k) => ((i * 7919 + k * 104729) % 10000) / 10000;

async function seedRuns(origin, experimentId, n) {
  await pool(n, 8, async (i) => {
    const { run } = await api(origin, 'POST', 'runs/create', { experiment_id: experimentId, run_name: `run-${i}`, start_time: 1_700_000_000_000 + i * 1000 });
    await api(origin, 'POST', 'runs/log-batch', {
      run_id: run.info.run_id,
      params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: String(Math.floor(valueOf(i, k) * 100)) })),
      metrics: Array.from({ length: 5 }, (_, k) => ({ key: `m${k}`, value: valueOf(i, k + 5), timestamp: 1, step: 0 })),
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

async function seed(origin) {
  if (fs.existsSync(SEEDED)) return JSON.parse(fs.readFileSync(SEEDED, 'utf8'));
  const t = Date.now();
  const { experiment_id: runsExp } = await api(origin, 'POST', 'experiments/create', { name: 'bench-10k' });
  await seedRuns(origin, runsExp, RUNS);
  console.log(`seeded ${RUNS.toLocaleString('en-US')} runs in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const { experiment_id: chartExp } = await api(origin, 'POST', 'experiments/create', { name: 'bench-charts' });
  const chartRuns = [];
  for (let i = 0; i < 10; i++) chartRuns.push((await api(origin, 'POST', 'runs/create', { experiment_id: chartExp, run_name: `c${i}`, start_time: 1_700_000_000_000 })).run.info.run_id);
  for (const id of chartRuns) await seedHistory(origin, id, 100_000);
  const big = (await api(origin, 'POST', 'runs/create', { experiment_id: chartExp, run_name: 'million', start_time: 1_700_000_000_000 })).run.info.run_id;
  await seedHistory(origin, big, 1_000_000);
  for (const id of [...chartRuns, big]) await api(origin, 'POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 1_700_000_100_000 });
  console.log(`seeded histories in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const seeded = { runsExp, chartExp, chartRuns, big };
  if (keepDir) fs.writeFileSync(SEEDED, JSON.stringify(seeded));
  return seeded;
}

// ---- CPU accounting (Linux /proc; USER_HZ is 100 on mainstream builds) ----

function machineBusyTicks() {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

function descendants(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const current = queue.pop();
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      let text = '';
      try {
        text = fs.readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of text.split(' ').filter((s) => s.trim())) {
        out.push(Number(c));
        queue.push(Number(c));
      }
    }
  }
  return out;
}

/** utime + stime of this process, the server and Chromium (all descendants of this process). */
function ownTicks() {
  let total = 0;
  for (const pid of [process.pid, ...descendants(process.pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Runs `fn` and returns its result with the other processes' CPU meanwhile (% of one core). */
async function withOtherCpu(fn) {
  const t0 = performance.now();
  const m0 = machineBusyTicks();
  const o0 = ownTicks();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const other = Math.max(0, machineBusyTicks() - m0 - (ownTicks() - o0)) / 100;
  return { result, otherCpu: seconds > 0 ? Math.round((other / seconds) * 100) : 0 };
}

// ---- measurements ----

const FIRST_ROW = '.runs-pin .cell.name a';

async function firstRows(page, url) {
  const t0 = Date.now();
  await page.goto(url);
  await page.locator(FIRST_ROW).first().waitFor();
  return Date.now() - t0;
}

/** Enter in the filter box until the table shows exactly the matching runs' count and rows. */
async function filterTime(page, url, filter, expectedCount) {
  // through about:blank: a fresh page, so no answer is in the query cache
  await page.goto('about:blank');
  await page.goto(url);
  await page.locator(FIRST_ROW).first().waitFor();
  const box = page.getByRole('combobox', { name: 'Filter runs (MLflow search syntax)' });
  await box.fill(filter);
  await box.press('Escape'); // close the suggestions so Enter applies the filter
  const t0 = Date.now();
  await box.press('Enter');
  await page.waitForFunction(
    ({ n, sel }) => document.querySelector('.runs-page [role="status"]')?.textContent === `${n} runs` && document.querySelector('.runs-table')?.getAttribute('aria-rowcount') === String(n + 1) && !!document.querySelector(sel),
    { n: expectedCount, sel: FIRST_ROW },
    { polling: 'raf', timeout: 30_000 },
  );
  return Date.now() - t0;
}

/** A click on a metric's header until the first row is the run the server sorts first. */
async function sortTime(page, url, metric, expectedFirst) {
  await page.goto('about:blank');
  await page.goto(url);
  await page.locator(FIRST_ROW).first().waitFor();
  const t0 = Date.now();
  await page.getByRole('button', { name: new RegExp(`^${metric}`) }).click();
  await page.waitForFunction(({ sel, name }) => document.querySelector(sel)?.textContent === name, { sel: FIRST_ROW, name: expectedFirst }, { polling: 'raf', timeout: 30_000 });
  return Date.now() - t0;
}

/** Scrolls the table to its end a screen at a time, one step per frame, recording frame times. */
async function scrollFrames(page, total) {
  const { frames: spans, rows } = await scrollRuns(page, total);
  const frames = spans.map(([start, end]) => end - start).sort((a, b) => a - b);
  return { frames: frames.length, dropped: frames.filter((f) => f > 25).length, p50: frames[Math.floor(frames.length / 2)], p95: frames[Math.floor(frames.length * 0.95)], max: frames[frames.length - 1], rows };
}

async function chartTime(page, url, expectPoints) {
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction((n) => document.querySelector('figure[data-metric="loss"] figcaption')?.textContent?.includes(`${n} points`), expectPoints.toLocaleString('en-US'), { timeout: 60_000 });
  await page.locator('figure[data-metric="loss"] canvas').waitFor();
  // two frames: the canvas has been painted
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return Date.now() - t0;
}

/** The scripts and style sheets a navigation fetched, with their gzip sizes (from the bodies). */
async function loadedAssets(page, navigate) {
  const seen = new Map();
  const onResponse = async (res) => {
    const type = res.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    try {
      const body = await res.body();
      seen.set(res.url(), { type, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length });
    } catch {
      // a cancelled request has no body
    }
  };
  const pending = [];
  const listener = (res) => pending.push(onResponse(res));
  page.on('response', listener);
  await navigate();
  await page.waitForLoadState('networkidle');
  page.off('response', listener);
  await Promise.all(pending);
  const sum = (type, key) => [...seen.values()].filter((a) => a.type === type).reduce((s, a) => s + a[key], 0);
  const sizes = (urls, type) => urls.map((u) => seen.get(u)).filter((a) => a?.type === type).reduce((s, a) => s + a.gzip, 0);
  return { files: seen.size, js: sum('script', 'gzip'), jsRaw: sum('script', 'raw'), css: sum('stylesheet', 'gzip'), urls: new Set(seen.keys()), sizes };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const cpuNote = (others) => `other CPU ${others.join('/')}%`;

async function repeat(n, fn) {
  const times = [];
  const others = [];
  for (let i = 0; i < n; i++) {
    const { result, otherCpu } = await withOtherCpu(fn);
    times.push(result);
    others.push(otherCpu);
  }
  return { times, others };
}

async function benchRuns(page, origin, runsExp) {
  const runsUrl = `${origin}/#/experiments/${runsExp}`;
  await firstRows(page, runsUrl); // warm-up (code and server caches)
  const first = await repeat(3, async () => {
    await page.goto('about:blank');
    return firstRows(page, runsUrl);
  });
  console.log(`runs page, navigation → first rows: ${first.times.join(', ')} ms (${cpuNote(first.others)})`);

  // metrics.m1 is valueOf(i, 6): the runs above 0.97 are known here, under one page of 500
  const threshold = 0.97;
  const matching = Array.from({ length: RUNS }, (_, i) => valueOf(i, 6)).filter((v) => v > threshold).length;
  await filterTime(page, runsUrl, `metrics.m1 > ${threshold}`, matching);
  const filtered = await repeat(3, () => filterTime(page, runsUrl, `metrics.m1 > ${threshold}`, matching));
  console.log(`filter (metrics.m1 > ${threshold}, ${matching} of ${RUNS} runs), Enter → rows: ${filtered.times.join(', ')} ms (${cpuNote(filtered.others)})`);

  // sorting by m0 (valueOf(i, 5)) descending puts the run with the largest value first
  let best = 0;
  for (let i = 1; i < RUNS; i++) if (valueOf(i, 5) > valueOf(best, 5)) best = i;
  await sortTime(page, runsUrl, 'm0', `run-${best}`);
  const sorted = await repeat(3, () => sortTime(page, runsUrl, 'm0', `run-${best}`));
  console.log(`sort by metrics.m0 (server-side, ${RUNS} runs), click → first row: ${sorted.times.join(', ')} ms (${cpuNote(sorted.others)})`);

  await page.goto('about:blank');
  await firstRows(page, runsUrl);
  const report = (what, { result: s, otherCpu }) =>
    console.log(`${what}: ${s.frames} frames, ${s.dropped} over 25 ms, p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (rows: ${s.rows}; other CPU ${otherCpu}%)`);
  report(`scrolling to row ${RUNS} while pages of 500 load`, await withOtherCpu(() => scrollFrames(page, RUNS)));
  await page.evaluate(() => (document.querySelector('.runs-scroller').scrollTop = 0));
  report(`scrolling all ${RUNS} loaded rows again`, await withOtherCpu(() => scrollFrames(page, RUNS)));
}

/**
 * The first view of a chart is the one that buckets the points; the server keeps the answer
 * while the run's point count stays the same, so the views after it measure that path.
 */
async function benchCharts(page, origin, { chartExp, chartRuns, big }) {
  const metricUrl = (ids) => `${origin}/#/metric/loss?runs=${encodeURIComponent(JSON.stringify(ids))}&experiments=${encodeURIComponent(JSON.stringify([chartExp]))}`;
  const chart = async (what, ids) => {
    const first = await withOtherCpu(async () => {
      await page.goto('about:blank');
      return chartTime(page, metricUrl(ids), 1_000_000);
    });
    const again = await repeat(3, async () => {
      await page.goto('about:blank');
      return chartTime(page, metricUrl(ids), 1_000_000);
    });
    console.log(`${what}, navigation → lines drawn: first view ${first.result} ms (other CPU ${first.otherCpu}%), again ${again.times.join(', ')} ms (${cpuNote(again.others)})`);
  };
  await chart('chart of 10 runs × 100,000 points', chartRuns);
  await chart('chart of one 1,000,000-point history', [big]);
}

async function benchSizes(browser, origin, { runsExp, chartExp, chartRuns }) {
  // a fresh context: nothing cached
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  const first = await loadedAssets(page, async () => {
    await page.goto(`${origin}/#/experiments/${runsExp}`);
    await page.locator(FIRST_ROW).first().waitFor();
  });
  console.log(`initial load (runs page): ${first.files} files, JavaScript ${kb(first.js)} gzip (${kb(first.jsRaw)} raw), CSS ${kb(first.css)} gzip`);
  const known = new Set(first.urls);
  const lazy = async (what, url, ready) => {
    const more = await loadedAssets(page, async () => {
      await page.goto(url);
      await page.locator(ready).first().waitFor();
    });
    const added = [...more.urls].filter((u) => !known.has(u));
    for (const u of added) known.add(u);
    console.log(`  + ${what}: ${added.length} files, ${kb(more.sizes(added, 'script'))} JavaScript and ${kb(more.sizes(added, 'stylesheet'))} CSS gzip, loaded on demand`);
  };
  const runUrl = `${origin}/#/experiments/${chartExp}/runs/${chartRuns[0]}`;
  // the run page's module holds its charts (uPlot) too, shared with compare and the metric page
  await lazy('run page with its charts', `${runUrl}/charts`, 'figure[data-metric="loss"] canvas');
  await lazy('compare', `${origin}/#/compare-runs?runs=${encodeURIComponent(JSON.stringify(chartRuns.slice(0, 2)))}&experiments=${encodeURIComponent(JSON.stringify([chartExp]))}`, 'table.compare');
  await page.context().close();
}

const { origin, child } = await startServer(dir);
try {
  const seeded = await seed(origin);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (doRuns) await benchRuns(page, origin, seeded.runsExp);
  if (doCharts) await benchCharts(page, origin, seeded);
  await benchSizes(browser, origin, seeded);
  console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await browser.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
}
