import type { Highlight } from './code-block.ts';
import type { MarkdownLabels } from './labels.ts';
import { LruCache } from './lru-cache.ts';
import { parseMarkdown } from './markdown-parser.ts';
import { sanitizeHtml } from './sanitize.ts';

export interface RenderOptions {
  /** Syntax highlighting for fenced code; without it code is escaped plain text. */
  highlight?: Highlight;
}

/** Markdown to sanitised HTML, safe for v-html. Pure: the same input gives the same output. */
export function renderMarkdownUncached(source: string, labels: MarkdownLabels, options: RenderOptions = {}): string {
  return sanitizeHtml(parseMarkdown(source, { labels, highlight: options.highlight }));
}

export const RENDER_CACHE_SIZE = 500;
const cache = new LruCache<string, string>(RENDER_CACHE_SIZE);
const highlighterIds = new WeakMap<Highlight, number>();
let highlighters = 0;
let stats = { hits: 0, misses: 0 };

function highlighterId(highlight: Highlight | undefined): number {
  if (!highlight) return 0;
  const known = highlighterIds.get(highlight);
  if (known !== undefined) return known;
  highlighters += 1;
  highlighterIds.set(highlight, highlighters);
  return highlighters;
}

/**
 * renderMarkdownUncached, memoised by source (and labels and highlighter): a long conversation
 * scrolled back and forth re-parses nothing. Streaming drafts should not come here, they would
 * push finished messages out of the cache.
 */
export function renderMarkdown(source: string, labels: MarkdownLabels, options: RenderOptions = {}): string {
  const key = JSON.stringify([highlighterId(options.highlight), labels.copy, labels.copyCode, labels.plainText, source]);
  const cached = cache.get(key);
  if (cached !== undefined) {
    stats.hits += 1;
    return cached;
  }
  stats.misses += 1;
  const html = renderMarkdownUncached(source, labels, options);
  cache.set(key, html);
  return html;
}

/** For tests and diagnostics: how often the memo answered. */
export function renderCacheStats(): { hits: number; misses: number; size: number } {
  return { ...stats, size: cache.size };
}

export function clearRenderCache(): void {
  cache.clear();
  stats = { hits: 0, misses: 0 };
}
