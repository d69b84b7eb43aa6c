import './markdown-dom.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearRenderCache, renderCacheStats, renderMarkdown, renderMarkdownUncached, RENDER_CACHE_SIZE } from '../src/markdown/render-markdown.ts';
import { highlight } from '../src/markdown/highlight-languages.ts';
import { LruCache } from '../src/markdown/lru-cache.ts';
import { streamingSource } from '../src/markdown/streaming-source.ts';
import { hasFencedCode } from '../src/markdown/highlighter.ts';

const labels = { copy: 'Copy', copyCode: 'Copy code', plainText: 'text' };

function dom(source: string, withHighlight = true): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = renderMarkdownUncached(source, labels, withHighlight ? { highlight } : {});
  return container;
}

describe('renderMarkdown: the Markdown people write', () => {
  it('renders headings, emphasis, lists and quotes', () => {
    const root = dom('# Title\n\n## Part\n\nSome **bold**, _em_ and ~~gone~~ `code`.\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted');
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelector('h2')?.textContent).toBe('Part');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('em')?.textContent).toBe('em');
    expect(root.querySelector('s')?.textContent).toBe('gone');
    expect(root.querySelector('p > code')?.textContent).toBe('code');
    expect(Array.from(root.querySelectorAll('ul > li')).map((item) => item.textContent)).toEqual(['one', 'two']);
    expect(root.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(root.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
  });

  it('keeps single line breaks of a chat answer', () => {
    expect(dom('line one\nline two').querySelector('p')?.innerHTML).toBe('line one<br>\nline two');
  });

  it('renders a GFM table inside its own scrolling wrapper, alignment as classes', () => {
    const root = dom('| name | n |\n|:-----|--:|\n| a | 1 |\n| b | 2 |');
    const table = root.querySelector('.md-table > table')!;
    expect(Array.from(table.querySelectorAll('th')).map((cell) => cell.textContent)).toEqual(['name', 'n']);
    expect(table.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(table.querySelector('td')?.className).toBe('md-align-left');
    expect(table.querySelector('td:last-child')?.className).toBe('md-align-right');
    expect(root.querySelector('[style]')).toBeNull();
    // A scrolling region a keyboard can reach (axe: scrollable-region-focusable).
    expect(root.querySelector('.md-table')?.getAttribute('tabindex')).toBe('0');
  });

  it('makes links and bare URLs open apart, and drops links it cannot vouch for to text', () => {
    const root = dom('[docs](https://example.com/docs) https://example.org and [rel](/settings) and a@b.example');
    const hrefs = Array.from(root.querySelectorAll('a')).map((link) => link.getAttribute('href'));
    expect(hrefs).toEqual(['https://example.com/docs', 'https://example.org', 'mailto:a@b.example']);
    for (const link of root.querySelectorAll('a')) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(link.getAttribute('target')).toBe('_blank');
    }
    expect(root.textContent).toContain('and rel and');
  });

  it('shows raw HTML as text', () => {
    expect(dom('<b>hi</b>').querySelector('p')?.textContent).toBe('<b>hi</b>');
  });
});

describe('renderMarkdown: code blocks', () => {
  it('highlights a known language and gives the block a toolbar with a real copy button', () => {
    const root = dom('```ts\nconst answer: number = 42;\n```');
    const block = root.querySelector('.md-code')!;
    expect(block.querySelector('.md-code-toolbar .md-code-language')?.textContent).toBe('ts');
    const button = block.querySelector('.md-code-toolbar button.md-copy')!;
    expect(button.getAttribute('type')).toBe('button');
    expect(button.textContent).toBe('Copy');
    expect(button.getAttribute('aria-label')).toBe('Copy code');
    expect(block.querySelector('pre')?.getAttribute('tabindex')).toBe('0');
    const code = block.querySelector('pre > code')!;
    expect(code.classList.contains('language-ts')).toBe(true);
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('const');
    // The highlighted markup still reads as the code that was written.
    expect(code.textContent).toBe('const answer: number = 42;\n');
  });

  it('falls back to escaped plain text for an unknown or missing language', () => {
    const unknown = dom('```klingon\nqaStaH nuq? <b>\n```');
    expect(unknown.querySelector('.md-code-language')?.textContent).toBe('klingon');
    expect(unknown.querySelector('pre > code')?.className).toBe('hljs');
    expect(unknown.querySelector('pre > code')?.textContent).toBe('qaStaH nuq? <b>\n');
    expect(unknown.querySelector('pre > code *')).toBeNull();
    const missing = dom('```\nplain\n```');
    expect(missing.querySelector('.md-code-language')?.textContent).toBe('text');
    const indented = dom('para\n\n    indented code');
    expect(indented.querySelector('.md-code pre > code')?.textContent).toBe('indented code\n');
  });

  it('renders code plainly until the highlighter is there', () => {
    const root = dom('```python\nprint("hi")\n```', false);
    expect(root.querySelector('pre > code')?.textContent).toBe('print("hi")\n');
    expect(root.querySelector('pre > code span')).toBeNull();
  });

  it('highlights each registered language', () => {
    for (const language of ['ts', 'js', 'json', 'bash', 'sh', 'shell', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'sql', 'yaml', 'xml', 'html', 'css', 'markdown', 'diff', 'dockerfile', 'plaintext']) {
      expect(highlight('x', language), language).not.toBeNull();
    }
    expect(highlight('x', 'cobol')).toBeNull();
  });

  it('renders an unclosed fence as a code block in progress', () => {
    const root = dom('Here:\n\n```js\nconst a = 1;\nconst b');
    expect(root.querySelector('.md-code pre > code')?.textContent).toBe('const a = 1;\nconst b');
    expect(root.querySelector('p')?.textContent).toBe('Here:');
  });

  it('knows a source with fenced code from one without', () => {
    expect(hasFencedCode('a\n```ts\nx')).toBe(true);
    expect(hasFencedCode('a\n~~~\nx\n~~~')).toBe(true);
    expect(hasFencedCode('inline ``` is not a fence')).toBe(false);
  });
});

describe('streamingSource', () => {
  it('holds back a last line that is only the start of a marker', () => {
    expect(streamingSource('Title\n-')).toBe('Title\n');
    expect(streamingSource('text\n``')).toBe('text\n');
    expect(streamingSource('| a | b |\n|--')).toBe('| a | b |\n');
    expect(streamingSource('list\n1.')).toBe('list\n');
  });

  it('shows ordinary text as it arrives', () => {
    expect(streamingSource('Hello wor')).toBe('Hello wor');
    expect(streamingSource('- item in progr')).toBe('- item in progr');
    expect(streamingSource('done\n')).toBe('done\n');
  });
});

describe('the render memo', () => {
  beforeEach(() => clearRenderCache());

  it('parses a source once: the second render is a memo hit with the same HTML', () => {
    const first = renderMarkdown('# Hello', labels);
    const second = renderMarkdown('# Hello', labels);
    expect(second).toBe(first);
    expect(renderCacheStats()).toEqual({ hits: 1, misses: 1, size: 1 });
  });

  it('keys by labels and highlighter too', () => {
    renderMarkdown('```ts\nx\n```', labels);
    renderMarkdown('```ts\nx\n```', { ...labels, copy: 'Copiar' });
    renderMarkdown('```ts\nx\n```', labels, { highlight });
    expect(renderCacheStats()).toEqual({ hits: 0, misses: 3, size: 3 });
    expect(renderMarkdown('```ts\nx\n```', { ...labels, copy: 'Copiar' })).toContain('Copiar');
  });

  it('is bounded', () => {
    for (let index = 0; index < RENDER_CACHE_SIZE + 20; index += 1) renderMarkdown(`message ${index}`, labels);
    expect(renderCacheStats().size).toBe(RENDER_CACHE_SIZE);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
