export type { MarkdownLabels } from './labels.ts';
export type { Highlight } from './code-block.ts';
export { CODE_BLOCK_CLASS, CODE_LANGUAGE_CLASS, CODE_TOOLBAR_CLASS, COPY_BUTTON_CLASS } from './code-block.ts';
export { IMAGE_LINK_CLASS, TABLE_WRAPPER_CLASS } from './markdown-parser.ts';
export { renderMarkdown, renderMarkdownUncached, renderCacheStats, clearRenderCache, RENDER_CACHE_SIZE, type RenderOptions } from './render-markdown.ts';
export { loadHighlighter, currentHighlighter, hasFencedCode } from './highlighter.ts';
export { streamingSource } from './streaming-source.ts';
export { copyText } from './copy-text.ts';
export { sanitizeHtml, LINK_REL } from './sanitize.ts';
