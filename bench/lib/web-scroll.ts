import type { BrowserContext } from 'playwright-core';

/**
 * Opens the conversation and scrolls its message list to the top until the first message is
 * shown (every older page loaded), then counts the message elements in the DOM: with a
 * virtualised list that stays near what fits on screen, whatever the conversation's length.
 */
export async function loadAllMessages(context: BrowserContext, target: string, firstId: string, lastId: string): Promise<{ domMessages: number; loadedPages: number }> {
  const page = await context.newPage();
  let loadedPages = 0;
  page.on('request', (request) => { if (/\/api\/chat\/conversations\/[^/?]+(\?|$)/.test(request.url())) loadedPages += 1; });
  try {
    await page.goto(target);
    await page.locator(`article[data-message-id="${lastId}"]`).waitFor({ timeout: 60_000 });
    const scroller = page.getByRole('region', { name: 'Messages' });
    const deadline = Date.now() + 120_000;
    while (!(await page.locator(`article[data-message-id="${firstId}"]`).count())) {
      if (Date.now() > deadline) throw new Error('the first message never came into view while scrolling up');
      await scroller.evaluate((element) => { element.scrollTop = 0; });
      await page.waitForTimeout(100);
    }
    return { domMessages: await page.locator('article[data-message-id]').count(), loadedPages };
  } finally {
    await page.close();
  }
}
