#!/usr/bin/env node
/**
 * Where a scroll of the runs table spends its frames: `node packages/web/bench/scroll-trace.mjs
 * --data-dir DIR` (DIR seeded by `npm run bench:ui -- --data-dir DIR`). Loads all 10,000 runs,
 * then scrolls them again (`scrollTop += 400` per frame, as bench:ui does) under a Chromium trace
 * and a CPU profile, both taken through a DevTools-protocol session; with `--while-loading` it
 * traces the first scroll instead, while the pages of runs arrive. It prints:
 *  - the frames and how many took over 25 ms;
 *  - the renderer main thread's time by trace event (script, style, layout, paint, GC, ...),
 *    and the same for the frames over 25 ms only;
 *  - the compositor and raster threads' busy time;
 *  - the functions with the most self time in the CPU profile.
 * `--out FILE` also writes the trace (open it in DevTools' Performance panel or Perfetto).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { option, scrollRuns, startServer } from './shared.mjs';

const dir = path.resolve(option('--data-dir') ?? '');
const seededFile = path.join(dir, 'seeded.json');
if (!option('--data-dir') || !fs.existsSync(seededFile)) {
  console.error('usage: scroll-trace.mjs --data-dir DIR [--out trace.json]  (DIR seeded by `npm run bench:ui -- --data-dir DIR`)');
  process.exit(2);
}
const { runsExp } = JSON.parse(fs.readFileSync(seededFile, 'utf8'));
const out = option('--out');
const whileLoading = process.argv.includes('--while-loading');



const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'gpu', 'viz', 'v8', 'blink.user_timing'];

async function traced(cdp, fn) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES } });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await fn();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await done;
  return { result, events, profile };
}

/** Thread names by pid:tid from the trace's metadata events. */
function threadNames(events) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  return names;
}

/** Self time of complete events (ph X) on the chosen threads, nested events subtracted. */
function selfTimes(events, keep, window) {
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !keep(e) || e.dur === undefined) continue;
    if (window && !window(e.ts, e.ts + e.dur)) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  const totals = new Map();
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    for (const e of list) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) totals.set(parent.name, (totals.get(parent.name) ?? 0) - e.dur);
      totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur);
      stack.push(e);
    }
  }
  return totals;
}

function printTop(title, totals, n = 14) {
  const rows = [...totals].filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]).slice(0, n);
  const sum = [...totals.values()].filter((us) => us > 0).reduce((s, us) => s + us, 0);
  console.log(`${title} (${(sum / 1000).toFixed(0)} ms in all):`);
  for (const [name, us] of rows) console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
}

function profileSelfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const url = f.url ? f.url.split('/').pop() : '';
    const key = `${f.functionName || '(anonymous)'} ${url}${f.lineNumber >= 0 ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0));
  }
  return self;
}

const { origin, child } = await startServer(dir);
try {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await page.goto(`${origin}/#/experiments/${runsExp}`);
  await page.locator('.runs-pin .cell.name a').first().waitFor();
  if (!whileLoading) {
    await scrollRuns(page, 10_000); // loads every page of runs
    await page.evaluate(() => (document.querySelector('.runs-scroller').scrollTop = 0));
  }
  await page.waitForTimeout(500);
  console.log(`DOM: ${await page.evaluate(() => document.querySelectorAll('.runs-scroller *').length)} elements in the table at the top`);
  const cdp = await page.context().newCDPSession(page);
  // how many composited layers the page has (each sticky cell may be one)
  let layers = 0;
  cdp.on('LayerTree.layerTreeDidChange', (e) => (layers = e.layers?.length ?? layers));
  await cdp.send('LayerTree.enable');
  await page.evaluate(() => (document.querySelector('.runs-scroller').scrollTop += 1));
  await page.waitForTimeout(300);
  console.log(`composited layers: ${layers}`);
  await cdp.send('LayerTree.disable');
  const { result, events, profile } = await traced(cdp, () => scrollRuns(page, 10_000));
  if (out) fs.writeFileSync(out, JSON.stringify({ traceEvents: events }));

  const durations = result.frames.map(([a, b]) => b - a);
  const slow = result.frames.filter(([a, b]) => b - a > 25);
  const sorted = [...durations].sort((a, b) => a - b);
  console.log(`${durations.length} frames, ${slow.length} over 25 ms, p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms`);

  const names = threadNames(events);
  const main = (e) => names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain';
  const other = (e) => /Compositor|Raster|VizCompositor|CrGpuMain/.test(names.get(`${e.pid}:${e.tid}`) ?? '');
  // trace timestamps are µs; the mark's event gives the offset from performance.now()
  const markEvent = events.find((e) => e.name === 'scroll-start');
  const offset = markEvent ? markEvent.ts - result.mark * 1000 : undefined;
  const slowWindows = offset === undefined ? [] : slow.map(([a, b]) => [offset + a * 1000, offset + b * 1000]);
  const inSlow = (s, e) => slowWindows.some(([a, b]) => s < b && e > a);
  printTop('renderer main thread, self time by event', selfTimes(events, main));
  printTop('renderer main thread, in the frames over 25 ms (approximate windows)', selfTimes(events, main, inSlow));
  printTop('compositor, raster and viz threads', selfTimes(events, other), 10);
  printTop('CPU profile: functions by self time', profileSelfTimes(profile), 20);
  await browser.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
