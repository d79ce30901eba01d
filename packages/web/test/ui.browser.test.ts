/**
 * The UI against the real server in Chromium, as a new user would use it: experiments, runs
 * table, run page with artifacts, charts (and a live one), compare, MLflow hash links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newPage, pageErrors, screenshot } from './support/browser.js';
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

    await box.fill("params.model = 'tree'");
    await box.press('Enter');
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    await page.getByRole('button', { name: /^rmse/ }).click();
    await page.waitForURL(/sort=-metrics%3Armse|sort=-metrics:rmse/);
    await page.getByRole('button', { name: /^rmse/ }).click();
    await page.waitForURL(/sort=metrics%3Armse|sort=metrics:rmse/);
    await expect.poll(() => page.locator('.runs-row:not(.header) .cell.name a').first().textContent()).toBe('best-model');
    await screenshot(page, 'runs-filtered');
  });

  it('keeps the view in the URL: a reload reproduces it', async () => {
    const url = page.url();
    await page.reload();
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    expect(page.url()).toBe(url);
    expect(await page.getByRole('combobox', { name: 'Filter runs (MLflow search syntax)' }).inputValue()).toBe("params.model = 'tree'");
  });

  it('shows nested runs under their parent', async () => {
    await page.goto(`${server.base}/#/experiments/${expId}`);
    await page.getByRole('link', { name: 'best-model' }).waitFor();
    expect(await page.getByRole('link', { name: 'child-fold-1' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show 1 child runs' }).click();
    await page.getByRole('link', { name: 'child-fold-1' }).waitFor();
    expect(page.url()).toContain(`expand=${bestRun.runId}`);
  });
});
