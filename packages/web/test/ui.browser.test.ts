/**
 * The UI against the real server in Chromium, as a new user would use it: experiments, runs
 * table, run page with artifacts, charts (and a live one), compare, MLflow hash links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, coloredPixels, launch, newPage, pageErrors, screenshot } from './support/browser.js';
import { Seeder } from './support/seed.js';
import { startServer } from './support/server.js';
import type { RunningServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let seed: Seeder;
let expId: string;
let bestRun: { runId: string; artifactUri: string };
let otherRun: { runId: string; artifactUri: string };
let page: Page;

beforeAll(async () => {
  server = await startServer();
  seed = new Seeder(server.base);
  browser = await launch();
  expId = await seed.experiment('fraud-detection', { team: 'risk', 'mlflow.note.content': '# Fraud model\nTrained **weekly**.' });
  const t0 = Date.now() - 3600_000;
  for (let i = 0; i < 30; i++) {
    await seed.run(expId, `sweep-${String(i).padStart(2, '0')}`, {
      params: { lr: String(0.001 * (i + 1)), model: i % 2 ? 'tree' : 'linear' },
      metrics: { rmse: 1 - i / 100, auc: 0.5 + i / 100 },
      tags: { owner: i % 3 ? 'ana' : 'bo' },
      startTime: t0 + i * 1000,
    });
  }
  bestRun = await seed.run(expId, 'best-model', { params: { lr: '0.05', model: 'tree' }, metrics: { rmse: 0.1, auc: 0.97 }, startTime: t0 + 60_000 });
  otherRun = await seed.run(expId, 'baseline', { params: { lr: '0.05', model: 'linear' }, metrics: { rmse: 0.4, auc: 0.8 }, startTime: t0 + 61_000 });
  await seed.run(expId, 'child-fold-1', { params: { fold: '1' }, tags: { 'mlflow.parentRunId': bestRun.runId }, startTime: t0 + 62_000 });
  await seed.history(bestRun.runId, 'loss', Array.from({ length: 300 }, (_, i) => 1 / (i + 1)));
  await seed.history(otherRun.runId, 'loss', Array.from({ length: 300 }, (_, i) => 2 / (i + 2)));
  page = await newPage(browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('experiments', () => {
  it('lists, searches, creates, renames, deletes and restores experiments', async () => {
    await page.goto(`${server.base}/`);
    await page.getByRole('link', { name: 'fraud-detection' }).waitFor();
    await screenshot(page, 'experiments');

    await page.getByPlaceholder('New experiment name').fill('ui-created');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.getByRole('heading', { name: 'ui-created' }).waitFor();
    expect(page.url()).toMatch(/#\/experiments\/\d+$/);

    await page.goto(`${server.base}/#/experiments`);
    await page.getByPlaceholder('Search experiments by name').fill('ui-cr');
    await page.waitForURL(/q=ui-cr/);
    await expect.poll(() => page.getByRole('link', { name: 'fraud-detection' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Rename ui-created' }).click();
    await page.getByLabel('New name for ui-created').fill('ui-renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByPlaceholder('Search experiments by name').fill('ui-');
    await page.waitForURL(/q=ui-$/);
    await page.getByRole('link', { name: 'ui-renamed' }).waitFor();

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete ui-renamed' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'ui-renamed' }).count()).toBe(0);
    await page.getByLabel('Show deleted').check();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByLabel('Show deleted').uncheck();
    await page.getByRole('link', { name: 'ui-renamed' }).waitFor();
    const check = await seed.call('GET', 'experiments/get-by-name?experiment_name=ui-renamed');
    expect(check.experiment.lifecycle_stage).toBe('active');
  });

  it('shows a server error for a duplicate name, as the server said it', async () => {
    await page.goto(`${server.base}/#/experiments`);
    await page.getByPlaceholder('New experiment name').fill('fraud-detection');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("Experiment(name=fraud-detection) already exists");
  });
});

describe('runs table', () => {
  it('filters with MLflow syntax, shows the server error for a bad filter, sorts on the server', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}`);
    // newest first; sweep-00 is the oldest, below the fold of the virtualised table
    await page.getByRole('link', { name: 'baseline' }).waitFor();
    expect(await page.getByRole('link', { name: 'sweep-00' }).count()).toBe(0);
    await screenshot(page, 'runs');
    const box = page.getByRole('combobox', { name: 'Filter runs (MLflow search syntax)' });
    await box.fill('metrics.rm');
    await page.getByRole('option', { name: 'metrics.rmse' }).waitFor();
    await box.press('Enter');
    expect(await box.inputValue()).toBe('metrics.rmse');
    await box.fill('metrics.rmse < 0.5');
    await box.press('Enter');
    await page.waitForURL(/filter=metrics.rmse/);
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'sweep-29' }).count()).toBe(0);

    await box.fill('metrics.rmse <<< 1');
    await box.press('Enter');
    const error = page.locator('.filterbox .field-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Invalid|syntax|parse/i);
    // under the box, and the box says it is invalid
    const [boxAt, errorAt] = [await box.boundingBox(), await error.boundingBox()];
    expect(errorAt!.y).toBeGreaterThanOrEqual(boxAt!.y + boxAt!.height);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'runs-filter-error');

    await box.fill("params.model = 'tree'");
    await box.press('Enter');
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    await page.getByRole('button', { name: /^rmse/ }).click();
    await page.waitForURL(/sort=-metrics%3Armse|sort=-metrics:rmse/);
    await page.getByRole('button', { name: /^rmse/ }).click();
    await page.waitForURL(/sort=metrics%3Armse|sort=metrics:rmse/);
    await expect.poll(() => page.locator('.runs-pin .cell.name a').first().textContent()).toBe('best-model');
    await screenshot(page, 'runs-filtered');
  });

  it('keeps the view in the URL: a reload reproduces it', async () => {
    const url = page.url();
    await page.reload();
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    expect(page.url()).toBe(url);
    expect(await page.getByRole('combobox', { name: 'Filter runs (MLflow search syntax)' }).inputValue()).toBe("params.model = 'tree'");
  });

  it('keeps a run’s pinned checkbox and name on its row: aligned, owned, after the header for the keyboard, hovered together, in view when scrolled sideways', async () => {
    await page.setViewportSize({ width: 900, height: 720 });
    try {
      await page.goto(`${server.base}/#/experiments/${expId}`);
      const name = page.getByRole('link', { name: 'baseline' });
      await name.waitFor();
      const pin = page.locator('.runs-pin', { has: name });
      const cellIds = await pin.locator('[role="cell"]').evaluateAll((cells) => cells.map((c) => c.id));
      expect(cellIds).toHaveLength(2);
      const row = page.locator(`.runs-row[aria-owns="${cellIds.join(' ')}"]`);
      // baseline's own values sit on the same line as its name
      await row.getByRole('cell', { name: '0.8', exact: true }).waitFor();
      const [pinBox, rowBox] = [await pin.boundingBox(), await row.boundingBox()];
      expect(pinBox && rowBox && pinBox.y - rowBox.y).toBe(0);
      // the keyboard goes through the header first (its columns render as focus scrolls to them), then the first row's checkbox
      await page.getByLabel('Select all shown runs').focus();
      const inHeader = () => page.evaluate(() => !!(globalThis as any).document.activeElement?.closest('.runs-row.header'));
      for (let i = 0; i < 60 && (await inHeader()); i++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label'))).toBe('Select run baseline');
      await page.locator('.runs-scroller').evaluate((el) => (el.scrollLeft = 0));
      await name.hover();
      expect([await pin.getAttribute('data-hover'), await row.getAttribute('data-hover')]).toEqual(['', '']);
      await page.locator('.runs-scroller').evaluate((el) => (el.scrollLeft = 600));
      await expect.poll(() => row.evaluate((el) => el.getBoundingClientRect().x)).toBeLessThan((rowBox?.x ?? 0) - 500);
      expect((await pin.boundingBox())?.x).toBe(pinBox?.x);
      expect(await page.locator('.runs-pinned').evaluate((el: any) => (globalThis as any).getComputedStyle(el).position)).toBe('sticky');
    } finally {
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  it('shows nested runs under their parent', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}`);
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    expect(await page.getByRole('link', { name: 'child-fold-1' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show 1 child runs' }).click();
    await page.getByRole('link', { name: 'child-fold-1' }).waitFor();
    expect(page.url()).toContain(`expand=${bestRun.runId}`);
  });

  it('ends a clipped param value with an ellipsis and holds the whole value in its title', async () => {
    const exp = await seed.experiment('long-values');
    const note = 'trained on the full 2024 transaction history with balanced classes, early stopping after ten epochs and a calibrated threshold';
    await seed.run(exp, 'long-note', { params: { note }, metrics: { rmse: 0.5 } });
    await page.goto(`${server.base}/#/experiments/${exp}`);
    await page.getByRole('link', { name: 'long-note' }).waitFor();
    const cell = page.locator('.runs-row:not(.header) [role="cell"]', { hasText: 'trained on' });
    expect(await cell.getAttribute('title')).toBe(note);
    const style = await cell.evaluate((el: any) => {
      const cs = (globalThis as any).getComputedStyle(el);
      return { display: cs.display, textOverflow: cs.textOverflow, overflow: cs.overflowX, whiteSpace: cs.whiteSpace, clipped: el.scrollWidth > el.clientWidth };
    });
    expect(style).toEqual({ display: 'block', textOverflow: 'ellipsis', overflow: 'hidden', whiteSpace: 'nowrap', clipped: true });
    await screenshot(page, 'runs-long-values');
  });
});

describe('run page', () => {
  beforeAll(async () => {
    const a = bestRun.artifactUri;
    await seed.artifact(a, 'notes.txt', 'hello from the run\n');
    await seed.artifact(a, 'config.json', '{"layers":[64,32],"dropout":0.1}');
    await seed.artifact(a, 'eval/predictions.csv', `id,label,score\n${Array.from({ length: 50 }, (_, i) => `${i},${i % 2},"0.${i}"`).join('\n')}\n`);
    await seed.artifact(a, 'report.html', '<h1>Report</h1><script>parent.document.title="pwned"</script>');
    // a 1x1 PNG
    await seed.artifact(a, 'plot.png', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    await seed.artifact(
      a,
      'model/MLmodel',
      `artifact_path: model\nflavors:\n  sklearn:\n    sklearn_version: 1.4.0\nsignature:\n  inputs: '[{"type": "double", "name": "amount", "required": true}, {"type": "string", "name": "country", "required": true}]'\n  outputs: '[{"type": "long", "required": true}]'\n  params: null\n`,
    );
    await seed.call('POST', 'runs/set-tag', { run_id: bestRun.runId, key: 'mlflow.source.git.commit', value: 'abc123def4567890' });
    await seed.call('POST', 'registered-models/create', { name: 'fraud-model' });
    await seed.call('POST', 'model-versions/create', { name: 'fraud-model', source: `${a}/model`, run_id: bestRun.runId });
  });

  it('shows the overview with params, metrics (latest, min, max), tags and the parent/child links', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}/runs/${bestRun.runId}`);
    await page.getByRole('heading', { name: /best-model/ }).waitFor();
    await page.getByRole('link', { name: 'child-fold-1' }).waitFor();
    await expect.poll(() => page.locator('tr', { hasText: 'loss' }).locator('td').nth(2).textContent()).toBe('0.00333333');
    expect(await page.locator('tr', { hasText: 'loss' }).locator('td').nth(3).textContent()).toBe('1');
    expect(await page.getByText('abc123def456').count()).toBe(1);
    await page.getByRole('button', { name: 'Add tag' }).waitFor();
    await page.getByPlaceholder('key').fill('stage');
    await page.getByPlaceholder('value').fill('candidate');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('cell', { name: 'candidate' }).waitFor();
    const run = await seed.call('GET', `runs/get?run_id=${bestRun.runId}`);
    expect(run.run.data.tags).toContainEqual({ key: 'stage', value: 'candidate' });
    // the registered version made from this run, with its URI and a link to its source artifacts
    const versions = page.locator('section', { has: page.getByRole('heading', { name: 'Registered model versions' }) });
    await versions.getByRole('cell', { name: 'fraud-model', exact: true }).waitFor();
    expect(await versions.getByTestId('model-version-uri').textContent()).toBe('models:/fraud-model/1');
    await versions.getByRole('link', { name: 'model' }).click();
    await page.waitForURL(new RegExp(`runs/${bestRun.runId}/artifacts/model$`));
    await page.goBack();
    await page.getByRole('heading', { name: 'Registered model versions' }).waitFor();
    await screenshot(page, 'run-overview');
  });

  it('previews each artifact type and copies the model URI', async () => {
    const base = `${server.base}/#/experiments/${expId}/runs/${bestRun.runId}/artifacts`;
    await page.goto(`${base}/notes.txt`);
    await page.getByText('hello from the run').waitFor();
    await page.goto(`${base}/config.json`);
    await expect.poll(() => page.locator('pre.code').textContent()).toContain('"dropout": 0.1');
    await page.goto(`${base}/eval/predictions.csv`);
    await page.getByRole('columnheader', { name: 'score' }).waitFor();
    expect(await page.locator('.table-preview tbody tr').count()).toBe(50);
    await page.goto(`${base}/plot.png`);
    await expect.poll(() => page.locator('img.image-preview').evaluate((img: any) => img.naturalWidth as number)).toBe(1);
    await page.goto(`${base}/report.html`);
    const frame = page.frameLocator('iframe.html-preview');
    await frame.getByRole('heading', { name: 'Report' }).waitFor();
    expect(await page.title()).toBe('Darwin MLflow');
    await page.goto(`${base}/model/MLmodel`);
    await page.getByRole('table', { name: 'Signature inputs' }).getByText('amount').waitFor();
    // reached from another file's link: the folder holding the file opens
    await page.getByRole('treeitem', { name: 'MLmodel' }).waitFor();
    await screenshot(page, 'run-artifacts');
    await page.goto(`${base}/model`);
    const uri = `mlflow-artifacts:/${expId}/${bestRun.runId}/artifacts/model`;
    expect(await page.getByTestId('artifact-uri').textContent()).toBe(uri);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await page.getByRole('button', { name: `Copy URI ${uri}` }).click();
    await page.getByText('Copied').waitFor();
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>)).toBe(uri);
  });

  it('shows "not found" for a run that does not exist', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}/runs/0123456789abcdef0123456789abcdef`);
    await page.getByText('Not found', { exact: true }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('0123456789abcdef0123456789abcdef');
  });
});

describe('charts', () => {
  it('draws a metric chart of a finished run', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}/runs/${bestRun.runId}/charts`);
    const chart = page.locator('figure[data-metric="loss"]');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => chart.locator('figcaption').textContent()).toContain('300 points');
    // the first run's line colour (#2563eb) is on the canvas
    await expect.poll(() => coloredPixels(page, 'figure[data-metric="loss"] canvas', [37, 99, 235])).toBeGreaterThan(100);
    await screenshot(page, 'run-charts');
  });

  it('follows a RUNNING run live and stops when it ends', async () => {
    const live = await seed.run(expId, 'live-training', { finished: false });
    await seed.history(live.runId, 'loss', [1, 0.9]);
    await page.goto(`${server.base}/#/experiments/${expId}/runs/${live.runId}/charts`);
    const caption = page.locator('figure[data-metric="loss"] figcaption');
    await expect.poll(() => caption.textContent()).toContain('2 points');
    expect(await caption.textContent()).toContain('live');
    await seed.history(live.runId, 'loss', [0.8, 0.7, 0.6], 2);
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).toContain('5 points');
    await seed.call('POST', 'runs/update', { run_id: live.runId, status: 'FINISHED', end_time: Date.now() });
    await expect.poll(() => caption.textContent(), { timeout: 15_000 }).not.toContain('live');
  });
});

describe('compare and MLflow links', () => {
  it('compares two runs: differences only, parallel coordinates, scatter, overlaid charts', async () => {
    const runs = encodeURIComponent(JSON.stringify([bestRun.runId, otherRun.runId]));
    await page.goto(`${server.base}/#/compare-runs?runs=${runs}&experiments=${encodeURIComponent(JSON.stringify([expId]))}`);
    await page.getByRole('heading', { name: 'Comparing 2 runs' }).waitFor();
    const rows = page.locator('table.compare tbody tr');
    await expect.poll(() => rows.filter({ hasText: 'lr' }).count()).toBe(1);
    await page.getByLabel('Show differences only').check();
    // lr is 0.05 for both: no longer shown; model differs
    await expect.poll(() => rows.filter({ hasText: /^param lr/ }).count()).toBe(0);
    expect(await rows.filter({ hasText: 'model' }).count()).toBe(1);
    await page.getByRole('img', { name: 'Parallel coordinates of the compared runs' }).waitFor();
    await page.getByRole('img', { name: /Scatter of/ }).locator('canvas').waitFor();
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    // the legend names the runs, whose names arrive after the chart was drawn
    const legend = page.locator('figure[data-metric="loss"] .u-legend .u-series');
    await expect.poll(() => legend.allInnerTexts()).toEqual([expect.stringMatching(/^step/), expect.stringContaining('best-model'), expect.stringContaining('baseline')]);
    await screenshot(page, 'compare');
  });

  it('selects two runs in the table and opens compare', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}`);
    await page.getByLabel('Select run best-model').check();
    await page.getByLabel('Select run baseline').check();
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByRole('heading', { name: 'Comparing 2 runs' }).waitFor();
  });

  it("opens MLflow 2.12.2's hash links", async () => {
    await page.goto(`${server.base}/#/runs/${bestRun.runId}`);
    await page.waitForURL(new RegExp(`#/experiments/${expId}/runs/${bestRun.runId}$`));
    await page.getByRole('heading', { name: /best-model/ }).waitFor();
    await page.goto(`${server.base}/#/experiments/${expId}/runs/${bestRun.runId}/artifactPath/notes.txt`);
    await page.getByText('hello from the run').waitFor();
    await page.goto(`${server.base}/#/metric/loss?runs=${encodeURIComponent(JSON.stringify([bestRun.runId]))}&experiments=["${expId}"]&x_axis=relative&y_axis_scale=log`);
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    expect(await page.getByLabel('Log scale').isChecked()).toBe(true);
    await page.goto(`${server.base}/#/compare-experiments/s?experiments=${encodeURIComponent(JSON.stringify(['0', expId]))}`);
    await page.getByRole('heading', { name: `Runs of experiments 0, ${expId}` }).waitFor();
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    await page.goto(`${server.base}/#/experiments/${expId}/s?searchFilter=${encodeURIComponent("params.model = 'linear'")}`);
    await page.getByRole('link', { name: 'baseline' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'best-model' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Filter runs (MLflow search syntax)' }).inputValue()).toBe("params.model = 'linear'");
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('accessibility (axe-core in the page)', () => {
  const pages = () => [
    { name: 'experiments', url: `${server.base}/#/experiments`, ready: (pg: Page) => pg.getByRole('link', { name: 'fraud-detection' }) },
    { name: 'runs', url: `${server.base}/#/experiments/${expId}`, ready: (pg: Page) => pg.getByRole('link', { name: 'best-model' }) },
    { name: 'run overview', url: `${server.base}/#/experiments/${expId}/runs/${bestRun.runId}`, ready: (pg: Page) => pg.getByRole('heading', { name: 'Registered model versions' }) },
    { name: 'run artifacts', url: `${server.base}/#/experiments/${expId}/runs/${bestRun.runId}/artifacts/model/MLmodel`, ready: (pg: Page) => pg.getByRole('table', { name: 'Signature inputs' }) },
    { name: 'run charts', url: `${server.base}/#/experiments/${expId}/runs/${bestRun.runId}/charts`, ready: (pg: Page) => pg.locator('figure[data-metric="loss"] canvas') },
    {
      name: 'compare',
      url: `${server.base}/#/compare-runs?runs=${encodeURIComponent(JSON.stringify([bestRun.runId, otherRun.runId]))}&experiments=${encodeURIComponent(JSON.stringify([expId]))}`,
      ready: (pg: Page) => pg.locator('figure[data-metric="loss"] canvas'),
    },
    { name: 'not found', url: `${server.base}/#/experiments/${expId}/runs/0123456789abcdef0123456789abcdef`, ready: (pg: Page) => pg.getByText('Not found', { exact: true }) },
  ];

  it('has no serious or critical violations on the main pages, in the light and the dark theme', async () => {
    const found: Record<string, unknown> = {};
    for (const dark of [false, true]) {
      const themed = await newPage(browser, { dark });
      for (const p of pages()) {
        await themed.goto('about:blank');
        await themed.goto(p.url);
        await p.ready(themed).first().waitFor();
        const violations = await axeViolations(themed);
        if (violations.length) found[`${p.name} (${dark ? 'dark' : 'light'})`] = violations;
      }
      await themed.context().close();
    }
    expect(found).toEqual({});
  }, 120_000);
});
