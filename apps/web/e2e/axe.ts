import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
// From node_modules, nothing fetched. Not through page.addScriptTag: that adds an inline
// <script>, which the app's CSP (script-src 'self') rightly refuses. Evaluated through the
// DevTools protocol instead, which the CSP does not govern — and the CSP stays on for the test.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeNode { target: unknown[]; html: string; failureSummary?: string }
interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] }

/** The serious and critical WCAG 2.x A/AA violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id, impact: violation.impact, help: violation.help, helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, html: node.html, failureSummary: node.failureSummary })),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** One readable block per violation: rule, impact, what to do, and each offending element. */
export function formatViolations(where: string, violations: AxeViolation[]): string {
  if (violations.length === 0) return '';
  const blocks = violations.map((violation) => [
    `[${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`,
    ...violation.nodes.map((node) => `    ${node.target.join(' ')}\n      ${node.html.slice(0, 200)}\n      ${(node.failureSummary ?? '').replaceAll('\n', '\n      ')}`),
  ].join('\n'));
  return `axe on ${where}: ${violations.length} serious/critical violation(s)\n${blocks.join('\n')}`;
}

/** Runs axe and returns the formatted report ('' when clean), so a test asserts `toBe('')` and the failure reads well. */
export async function axeReport(page: Page, where: string): Promise<string> {
  return formatViolations(where, await axeViolations(page));
}
