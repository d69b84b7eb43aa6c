import MarkdownIt from 'markdown-it';
import type { Env, MarkdownIt as Parser, MarkdownItOptions, Token } from 'markdown-it';
import { escapeHtml, renderCodeBlock, type Highlight } from './code-block.ts';
import type { MarkdownLabels } from './labels.ts';
import { isSafeUrl } from './safe-url.ts';
import { LINK_REL } from './sanitize.ts';

export interface RenderEnv extends Env {
  labels: MarkdownLabels;
  highlight?: Highlight;
}

export const TABLE_WRAPPER_CLASS = 'md-table';
export const IMAGE_LINK_CLASS = 'md-image-link';

// A scheme is letters before the first colon that comes before any '/', '?' or '#'.
const HAS_SCHEME = /^[^/?#]*:/;

function createParser(): Parser {
  // html: false — raw HTML in a message is shown as text, never parsed.
  const md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false });

  // Links to other schemes stay literal Markdown text; relative ones parse but are rendered as plain text below.
  md.validateLink = (url) => isSafeUrl(url) || !HAS_SCHEME.test(url.trim());

  md.core.ruler.push('md_unlink_unsafe', (state) => {
    for (const block of state.tokens) {
      let dropping = false;
      for (const token of block.children ?? []) {
        if (token.type === 'link_open' && !isSafeUrl(String(token.attrGet('href') ?? ''))) {
          token.meta = { dropped: true };
          dropping = true;
        } else if (token.type === 'link_close' && dropping) {
          token.meta = { dropped: true };
          dropping = false;
        }
      }
    }
  });

  const renderToken = md.renderer.renderToken.bind(md.renderer);
  const rules = md.renderer.rules;

  rules.link_open = (tokens, index, options) => {
    const token = tokens[index]!;
    if (token.meta?.dropped) return '';
    token.attrSet('rel', LINK_REL);
    token.attrSet('target', '_blank');
    return renderToken(tokens, index, options);
  };
  rules.link_close = (tokens, index, options) => (tokens[index]!.meta?.dropped ? '' : renderToken(tokens, index, options));

  // A model-written image URL can exfiltrate the conversation (prompt injection): never an <img>, a link at most.
  rules.image = (tokens, index, options, env) => {
    const token = tokens[index]!;
    const src = String(token.attrGet('src') ?? '');
    const alt = md.renderer.renderInlineAsText(token.children ?? [], options, env);
    const text = escapeHtml(alt || src);
    if (!isSafeUrl(src)) return text;
    return `<a href="${escapeHtml(src)}" class="${IMAGE_LINK_CLASS}" rel="${LINK_REL}" target="_blank">${text}</a>`;
  };

  rules.fence = (tokens, index, _options, env) => {
    const token = tokens[index]!;
    const { labels, highlight } = env as RenderEnv;
    return renderCodeBlock(token.content, token.info, labels, highlight);
  };
  rules.code_block = (tokens, index, _options, env) => {
    const { labels, highlight } = env as RenderEnv;
    return renderCodeBlock(tokens[index]!.content, '', labels, highlight);
  };

  // Its own wrapper lets a wide table scroll sideways on a small screen (focusable: by keyboard too).
  rules.table_open = (tokens, index, options) => `<div class="${TABLE_WRAPPER_CLASS}" tabindex="0">${renderToken(tokens, index, options)}`;
  rules.table_close = (tokens, index, options) => `${renderToken(tokens, index, options)}</div>\n`;

  // Column alignment comes as a style attribute, which the sanitiser removes: a class instead.
  const alignedCell = (tokens: Token[], index: number, options: Required<MarkdownItOptions>) => {
    const token = tokens[index]!;
    const align = /text-align:\s*(left|center|right)/.exec(String(token.attrGet('style') ?? ''))?.[1];
    if (token.attrs) token.attrs = token.attrs.filter(([name]) => name !== 'style');
    if (align) token.attrSet('class', `md-align-${align}`);
    return renderToken(tokens, index, options);
  };
  rules.th_open = alignedCell;
  rules.td_open = alignedCell;

  return md;
}

let parser: Parser | undefined;

/** Markdown to (unsanitised) HTML with the app's rules. */
export function parseMarkdown(source: string, env: RenderEnv): string {
  parser ??= createParser();
  return parser.render(source, env);
}
