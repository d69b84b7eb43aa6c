import type { MarkdownLabels } from './labels.ts';

/** Highlights `code` as `language`, returning HTML, or null when it does not know the language. */
export type Highlight = (code: string, language: string) => string | null;

/** Class names of the code block markup; the component and its styles rely on them. */
export const CODE_BLOCK_CLASS = 'md-code';
export const CODE_TOOLBAR_CLASS = 'md-code-toolbar';
export const CODE_LANGUAGE_CLASS = 'md-code-language';
export const COPY_BUTTON_CLASS = 'md-copy';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The fence's first word, reduced to characters a language name uses: nothing from it can leave an attribute. */
export function fenceLanguage(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  return word.replace(/[^\w+#.-]/g, '').slice(0, 32).toLowerCase();
}

/** A fenced or indented code block with its toolbar (language name and a copy button). */
export function renderCodeBlock(code: string, info: string, labels: MarkdownLabels, highlight?: Highlight): string {
  const language = fenceLanguage(info);
  const highlighted = language && highlight ? highlight(code, language) : null;
  const body = highlighted ?? escapeHtml(code);
  const codeClass = highlighted === null ? 'hljs' : `hljs language-${language}`;
  return (
    `<div class="${CODE_BLOCK_CLASS}">` +
    `<div class="${CODE_TOOLBAR_CLASS}">` +
    `<span class="${CODE_LANGUAGE_CLASS}">${escapeHtml(language || labels.plainText)}</span>` +
    `<button type="button" class="${COPY_BUTTON_CLASS}" aria-label="${escapeHtml(labels.copyCode)}">${escapeHtml(labels.copy)}</button>` +
    `</div>` +
    // Focusable: a keyboard user can scroll a long line sideways.
    `<pre tabindex="0"><code class="${codeClass}">${body}</code></pre>` +
    `</div>\n`
  );
}
