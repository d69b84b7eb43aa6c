import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Every run's screenshots (gitignored): what the pages looked like when a test passed or failed. */
export const ARTIFACTS_DIR = join(repo, 'test-artifacts', 'web');
/** The committed copies shown by the docs, refreshed only on request. */
export const DOCS_DIR = join(repo, 'docs', 'screenshots');
/**
 * `VERSAAI_UPDATE_SCREENSHOTS=1 npx vitest run --project web-e2e apps/web/e2e/journey.e2e.test.ts`
 * (after `npm run build:web`) rewrites docs/screenshots/ from the journey.
 */
export const UPDATE_DOCS = process.env.VERSAAI_UPDATE_SCREENSHOTS === '1';
/** The docs' size: one window of a laptop, small enough to read in a README. */
export const DOCS_VIEWPORT = { width: 1280, height: 800 };
const DOCS_MAX_BYTES = 200 * 1024;

/**
 * Saves `<name>.png` into test-artifacts/web/; with `docs: true` and the update flag, copies it
 * to docs/screenshots/ too (the viewport must then be the docs' 1280x800 and the file < 200 KB).
 */
export async function saveScreenshot(page: Page, name: string, opts: { docs?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  // Wait for web fonts and the caret not to matter: animations off, caret hidden.
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (opts.docs && UPDATE_DOCS) {
    const viewport = page.viewportSize();
    if (viewport?.width !== DOCS_VIEWPORT.width || viewport.height !== DOCS_VIEWPORT.height) {
      throw new Error(`docs screenshot ${name}: the viewport is ${JSON.stringify(viewport)}, not 1280x800`);
    }
    const bytes = statSync(path).size;
    if (bytes > DOCS_MAX_BYTES) throw new Error(`docs screenshot ${name} is ${Math.round(bytes / 1024)} KB (limit 200 KB)`);
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(path, join(DOCS_DIR, `${name}.png`));
  }
  return path;
}
