/**
 * Snippets are cut and highlighted by the database (FTS5 snippet(), ts_headline) around
 * these two control characters instead of `<mark>`: the message text is escaped afterwards,
 * and only then do the sentinels become markup. So a message's own `<script>` is text, and
 * `<mark>` is the only element a snippet can contain.
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

const MARKED = new RegExp(`${MARK_START}([^${MARK_START}${MARK_END}]*)${MARK_END}`, 'g');
const STRAY = new RegExp(`[${MARK_START}${MARK_END}]`, 'g');

/** HTML-safe snippet text with `<mark>` around the matches; sentinels a message itself contained are dropped. */
export function markSnippet(raw: string): string {
  return escapeHtml(raw).replace(MARKED, '<mark>$1</mark>').replace(STRAY, '');
}
