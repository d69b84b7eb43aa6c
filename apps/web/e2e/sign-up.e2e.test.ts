import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeReport } from './axe.ts';
import { collectErrors, hasChromium, launchChromium, requireBuiltApp, waitForPath } from './browser.ts';
import { startAllInOne, type RunningPlatform } from './platform.ts';
import { saveScreenshot } from './screenshots.ts';

// A fresh install: no provider configured, the offline model answers.
describe.runIf(hasChromium)('web app in Chromium against a fresh all-in-one platform (offline model)', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltApp();
    platform = await startAllInOne({ model: 'offline' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs up, lands in the shell, gets a streamed answer, stays signed in across a reload, signs out', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const errors = collectErrors(page);

    await page.goto(`${platform.url}/`);
    await waitForPath(page, '/sign-in');
    await page.getByRole('heading', { name: 'Sign in to VersaAI' }).waitFor();
    await saveScreenshot(page, 'offline-sign-in');

    await page.getByRole('link', { name: 'Create account' }).click();
    // The sign-up page is its own chunk: filling before it shows would fill the sign-in form.
    await page.getByRole('heading', { name: 'Create your VersaAI account' }).waitFor();
    await page.getByLabel('E-mail').fill(`ada-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();

    await waitForPath(page, '/chat');
    // The shell's landmarks: banner, the conversations navigation, main.
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    // No provider configured: the chat says so before anyone writes, in words an operator can act on.
    const banner = page.getByRole('note', { name: 'No AI provider is configured' });
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toContain('OPENAI_API_KEY');
    expect(await axeReport(page, 'chat with the offline-model banner')).toBe('');
    await saveScreenshot(page, 'offline-shell');

    await page.getByLabel('Message', { exact: true }).fill('Hello <img src=x onerror=alert(1)>');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await waitForPath(page, /^\/chat\/[0-9a-f-]{36}$/);
    const answer = page.locator('.message-assistant .message-text');
    await answer.filter({ hasText: 'versaai-offline' }).waitFor({ timeout: 30_000 });
    await page.locator('.message-assistant .message-meta').waitFor();
    // The question is shown as text: no element was made from it.
    await expect(page.locator('.message-user .message-text').textContent()).resolves.toBe('Hello <img src=x onerror=alert(1)>');
    await expect(page.locator('.message img').count()).resolves.toBe(0);
    await saveScreenshot(page, 'offline-chat');

    const conversationUrl = page.url();
    await page.reload();
    await page.waitForURL(conversationUrl);
    await answer.filter({ hasText: 'versaai-offline' }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('link').count()).resolves.toBeGreaterThanOrEqual(2);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await waitForPath(page, '/sign-in');
    await page.reload();
    await waitForPath(page, '/sign-in');
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
