/**
 * The UI with auth on (`--app-name basic-auth`) and behind `--static-prefix`: the sign-in form,
 * the server's message for bad credentials, writes with the session's CSRF token, sign-out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newPage, pageErrors, screenshot } from './support/browser.js';
import { startServer } from './support/server.js';
import type { RunningServer } from './support/server.js';

const PASSWORD = 'ui-admin-password-1';
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer(['--app-name', 'basic-auth'], '/mlflow-app', {
    VAULT_SERVICE_MLFLOW_ADMIN_USERNAME: 'admin',
    VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD: PASSWORD,
  });
  browser = await launch();
  page = await newPage(browser, { dark: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('signed out, auth on, under a path prefix', () => {
  it('shows the sign-in form and the server message for bad credentials', async () => {
    await page.goto(`${server.base}/experiments`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);
    await screenshot(page, 'sign-in-dark');
  });

  it('signs in, writes with the CSRF token, and signs out', async () => {
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    await page.getByText('admin', { exact: true }).waitFor();
    await page.getByPlaceholder('New experiment name').fill('made-with-a-session');
    await page.getByRole('button', { name: 'Create experiment' }).click();
    await page.getByRole('heading', { name: 'made-with-a-session' }).waitFor();
    expect(page.url()).toContain('/mlflow-app/experiments#/experiments/');
    await screenshot(page, 'experiment-dark');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(pageErrors(page)).toEqual([]);
  });

  it('refuses a cookie write without the CSRF token (the UI sends it, a forged form cannot)', async () => {
    const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const res = await fetch(`${server.base}/ajax-api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'forged' }) });
    expect(res.status).toBe(403);
  });
});
