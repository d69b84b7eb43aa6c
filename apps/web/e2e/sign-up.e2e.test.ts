import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startAllInOne, type RunningPlatform } from './platform.ts';

// Debian's Chromium (.ci/run installs it); playwright-core only drives it.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const artifacts = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-artifacts', 'web');

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`web e2e: ${CHROMIUM} is missing (required in CI; .ci/run installs the chromium package)`);
  console.error(`SKIPPED: web e2e needs ${CHROMIUM} (apt-get install -y chromium)`);
}

describe.runIf(hasChromium)('web app in Chromium against the all-in-one platform', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  beforeAll(async () => {
    const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.html');
    if (!existsSync(built)) throw new Error('apps/web/dist is not built: run `npm run build:web` (npm test does)');
    mkdirSync(artifacts, { recursive: true });
    platform = await startAllInOne();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs up, lands in the shell, gets a streamed answer, stays signed in across a reload, signs out', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // Chromium logs every non-2xx fetch; a refresh without a cookie answers 401 by contract.
      if (message.type() === 'error' && !message.text().includes('status of 401')) errors.push(message.text());
    });

    await page.goto(`${platform.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { name: 'Sign in to VersaAI' }).waitFor();
    await page.screenshot({ path: join(artifacts, 'sign-in.png') });

    await page.getByRole('link', { name: 'Create account' }).click();
    await page.getByLabel('E-mail').fill(`ada-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(/\/chat$/);
    // The shell's landmarks: banner, the conversations navigation, main.
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    await page.screenshot({ path: join(artifacts, 'shell.png') });

    await page.getByLabel('Message', { exact: true }).fill('Hello <img src=x onerror=alert(1)>');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    const answer = page.locator('.message-assistant .message-text');
    await answer.filter({ hasText: 'versaai-offline' }).waitFor({ timeout: 30_000 });
    await page.locator('.message-assistant .message-meta').waitFor();
    // The question is shown as text: no element was made from it.
    await expect(page.locator('.message-user .message-text').textContent()).resolves.toBe('Hello <img src=x onerror=alert(1)>');
    await expect(page.locator('.message img').count()).resolves.toBe(0);
    await page.screenshot({ path: join(artifacts, 'chat.png') });

    const conversationUrl = page.url();
    await page.reload();
    await page.waitForURL(conversationUrl);
    await answer.filter({ hasText: 'versaai-offline' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('link').count()).resolves.toBeGreaterThanOrEqual(2);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.reload();
    await page.waitForURL(/\/sign-in/);
    expect(errors).toEqual([]);
  }, 120_000);

  it('switches to Spanish and keeps it after a reload', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${platform.url}/sign-in`);
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Inicia sesión en VersaAI' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Inicia sesión en VersaAI' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
  }, 60_000);
});
