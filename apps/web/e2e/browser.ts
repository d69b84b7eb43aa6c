import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Account } from './platform.ts';

// Debian's Chromium (.ci/run installs it); playwright-core only drives it and downloads nothing.
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.CI) throw new Error(`web e2e: ${CHROMIUM} is missing (required in CI; .ci/run installs the chromium package)`);
  console.error(`SKIPPED: web e2e needs ${CHROMIUM} (apt-get install -y chromium)`);
}

/** Fails early with the fix when the app was not built (the gateway serves apps/web/dist). */
export function requireBuiltApp(): void {
  const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.html');
  if (!existsSync(built)) throw new Error('apps/web/dist is not built: run `npm run build:web` (npm test does)');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export const PHONE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * Page errors and console errors, for a test to assert none happened. Chromium logs every
 * non-2xx fetch; a refresh without a cookie answers 401 by contract, and a non-admin's admin
 * call answers 403 by contract, so those two statuses are not errors.
 */
export function collectErrors(page: Page, opts: { allowStatuses?: number[] } = {}): string[] {
  const allowed = [401, ...(opts.allowStatuses ?? [])];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (allowed.some((status) => message.text().includes(`status of ${status}`))) return;
    errors.push(message.text());
  });
  return errors;
}

/**
 * Waits until the page's path (not its query) matches. A URL pattern is not enough: the
 * sign-in and sign-up pages carry `?redirect=/chat`, which a pattern like /\/chat$/ matches
 * before the user ever got there.
 */
export function waitForPath(page: Page, path: string | RegExp): Promise<void> {
  return page.waitForURL((url) => (typeof path === 'string' ? url.pathname === path : path.test(url.pathname)));
}

/** Signs in through the sign-in page and waits for the chat. */
export async function signIn(page: Page, url: string, account: Account): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByRole('heading', { name: 'Sign in to VersaAI' }).waitFor();
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await waitForPath(page, /^\/chat/);
}
