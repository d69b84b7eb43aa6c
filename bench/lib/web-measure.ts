import type { BrowserContext } from 'playwright-core';

/** One cold open of a page, measured in the renderer (CDP Performance.getMetrics deltas) and by the page's own clock. */
export interface OpenSample {
  /** JavaScript execution (ScriptDuration delta), ms. */
  scriptMs: number;
  /** Every main-thread task (TaskDuration delta): script, style, layout, paint, parsing; ms. */
  taskMs: number;
  /** ScriptDuration delta until the page settled (no network for 500 ms after the check): work done after the first paint of the messages, such as code highlighting loaded on demand. */
  settledScriptMs: number;
  /** Layout + style recalculation, ms. */
  layoutMs: number;
  /** performance.now() when the visible messages were in the DOM: ms since the navigation started. */
  visibleMs: number;
  /** DOMContentLoaded (the HTML and the entry script are in), ms since navigation start. */
  domContentLoadedMs: number;
  /** When the last API response before the check ended (the app waits for it), ms since navigation start. */
  lastApiResponseMs: number;
  /** Requests (API calls, script chunks, styles) that ended before the check, in order: path and start–end ms. */
  requests: string[];
  /** Message elements in the DOM at that moment. */
  domMessages: number;
  /** JS heap used then, MiB. */
  heapMiB: number;
}

type Metrics = Record<string, number>;

/**
 * Opens `target` in a new page of `context` (after a same-origin `blankUrl`, so the renderer
 * process is already the one that will run the page and the metrics are comparable), and waits
 * until `readySelector` matches an element with text — polled every animation frame. Metrics are
 * taken just before the navigation and at that moment.
 */
export async function measureOpen(context: BrowserContext, opts: {
  blankUrl: string; target: string; readySelector: string; messageSelector: string; timeoutMs?: number;
}): Promise<OpenSample> {
  const page = await context.newPage();
  try {
    await page.goto(opts.blankUrl);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const read = async (): Promise<Metrics> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
    };
    const before = await read();
    await page.goto(opts.target, { waitUntil: 'commit' });
    // A function, not a string: the app's CSP forbids eval. The bench compiles without the DOM's types.
    const handle = await page.waitForFunction((selector: string) => {
      const { document } = globalThis as unknown as { document: { querySelector(query: string): { textContent: string | null } | null } };
      const element = document.querySelector(selector);
      return element && (element.textContent ?? '').trim() !== '' ? performance.now() : false;
    }, opts.readySelector, { polling: 'raf', timeout: opts.timeoutMs ?? 60_000 });
    const visibleMs = (await handle.jsonValue()) as number;
    const after = await read();
    const timing = await page.evaluate((visibleAt: number) => {
      const { performance: perf } = globalThis as unknown as { performance: { getEntriesByType(type: string): { name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd?: number }[] } };
      const navigation = perf.getEntriesByType('navigation')[0];
      const before = perf.getEntriesByType('resource').filter((entry) => entry.responseEnd <= visibleAt);
      const api = before.filter((entry) => entry.name.includes('/api/'));
      return {
        domContentLoadedMs: navigation?.domContentLoadedEventEnd ?? 0,
        lastApiResponseMs: Math.max(0, ...api.map((entry) => entry.responseEnd)),
        requests: before.map((entry) => `${new URL(entry.name).pathname.replace(/[0-9a-f-]{36}/g, ':id')} ${Math.round(entry.startTime)}–${Math.round(entry.responseEnd)}`),
      };
    }, visibleMs);
    const domMessages = await page.locator(opts.messageSelector).count();
    await page.waitForLoadState('networkidle', { timeout: 30_000 });
    const settled = await read();
    const delta = (name: string, end: Metrics = after) => ((end[name] ?? 0) - (before[name] ?? 0)) * 1000;
    return {
      scriptMs: delta('ScriptDuration'),
      settledScriptMs: delta('ScriptDuration', settled),
      taskMs: delta('TaskDuration'),
      layoutMs: delta('LayoutDuration') + delta('RecalcStyleDuration'),
      visibleMs,
      ...timing,
      domMessages,
      heapMiB: (after.JSHeapUsedSize ?? 0) / 2 ** 20,
    };
  } finally {
    await page.close();
  }
}
