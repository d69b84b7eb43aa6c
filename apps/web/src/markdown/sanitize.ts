import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';
import { COPY_BUTTON_CLASS } from './code-block.ts';
import { isSafeUrl } from './safe-url.ts';

export const LINK_REL = 'noopener noreferrer nofollow';

// Exactly what the Markdown renderer produces: no style, no media, no forms, no svg/math.
const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div', 'span', 'button',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'rel', 'target', 'start', 'type', 'aria-label', 'tabindex'];

// Our own classes (md-*), highlight.js's (hljs, hljs-*, and its "function_"-style sub-scopes).
const ALLOWED_CLASS = /^(?:md-[a-z-]+|hljs(?:-[\w-]+)?|language-[\w+#.-]+|[a-z]+_+)$/;

const CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|#)/i,
  // Values DOMPurify must not test against the URL pattern above (it would drop start="3").
  ADD_URI_SAFE_ATTR: ['start', 'type', 'aria-label', 'rel', 'target', 'tabindex'],
  KEEP_CONTENT: true,
};

function keepAttribute(element: Element, name: string, value: string): boolean {
  const tag = element.tagName.toLowerCase();
  switch (name) {
    case 'class':
      return value.split(/\s+/).every((token) => token === '' || ALLOWED_CLASS.test(token));
    case 'href':
      return tag === 'a' && isSafeUrl(value);
    case 'start':
      return tag === 'ol' && /^\d{1,9}$/.test(value);
    case 'type':
      return tag === 'button' && value === 'button';
    case 'aria-label':
      return tag === 'button';
    case 'tabindex':
      // Scrolling regions (code, table wrapper) join the tab order; nothing may reorder it.
      return value === '0' && (tag === 'pre' || tag === 'div');
    case 'rel':
    case 'target':
      return tag === 'a';
    default:
      return ALLOWED_ATTR.includes(name);
  }
}

function createPurifier(): Purifier {
  const purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeAttribute', (element, event) => {
    if (!keepAttribute(element, event.attrName, event.attrValue)) event.keepAttr = false;
  });
  purifier.addHook('afterSanitizeAttributes', (element) => {
    const tag = element.tagName.toLowerCase();
    if (tag === 'a') {
      // Every surviving link opens apart from the app and tells the target nothing.
      if (element.hasAttribute('href')) {
        element.setAttribute('rel', LINK_REL);
        element.setAttribute('target', '_blank');
      } else {
        element.removeAttribute('rel');
        element.removeAttribute('target');
      }
    }
    if (tag === 'button') {
      element.setAttribute('type', 'button');
      element.setAttribute('class', COPY_BUTTON_CLASS);
    }
  });
  return purifier;
}

let purifier: Purifier | undefined;

/** The renderer's HTML reduced to its allow-list: what v-html may receive. */
export function sanitizeHtml(html: string): string {
  purifier ??= createPurifier();
  return purifier.sanitize(html, CONFIG);
}
