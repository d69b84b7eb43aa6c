import './markdown-dom.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import axe from 'axe-core';
import MarkdownContent from '../src/components/MarkdownContent.vue';
import { createAppI18n, type Locale } from '../src/i18n/i18n.ts';
import { currentHighlighter, loadHighlighter } from '../src/markdown/highlighter.ts';

let mounted: VueWrapper | undefined;

function mountMarkdown(props: { source: string; streaming?: boolean }, locale: Locale = 'en') {
  mounted = mount(MarkdownContent, { props, global: { plugins: [createAppI18n(locale)] }, attachTo: document.body });
  return mounted;
}

afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const CODE = 'const greeting = "<hi>" && 1 < 2;\nconsole.log(greeting);\n';

describe('MarkdownContent', () => {
  it('renders the Markdown of a finished message', () => {
    const wrapper = mountMarkdown({ source: '## Hi\n\n- a\n- b\n\n| x |\n|---|\n| 1 |' });
    expect(wrapper.find('h2').text()).toBe('Hi');
    expect(wrapper.findAll('li')).toHaveLength(2);
    expect(wrapper.find('.md-table table td').text()).toBe('1');
  });

  it('copies the raw code of its block, announces it politely, and says so on the button', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const wrapper = mountMarkdown({ source: `Two blocks:\n\n\`\`\`ts\n${CODE}\`\`\`\n\n\`\`\`\nsecond\n\`\`\`` });
    const buttons = wrapper.findAll('button.md-copy');
    expect(buttons).toHaveLength(2);
    await buttons[0]!.trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(CODE);
    expect(wrapper.find('[role=status]').text()).toBe('Copied');
    expect(buttons[0]!.text()).toBe('Copied');
    await buttons[1]!.trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenLastCalledWith('second\n');
  });

  it('falls back to a hidden textarea and execCommand without the clipboard API', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    let copied: string | undefined;
    const execCommand = vi.fn((command: string) => {
      copied = command === 'copy' ? (document.activeElement as HTMLTextAreaElement | null)?.value ?? (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value : undefined;
      return true;
    });
    Object.defineProperty(document, 'execCommand', { configurable: true, value: execCommand });
    const wrapper = mountMarkdown({ source: '```\nfallback code\n```' });
    await wrapper.find('button.md-copy').trigger('click');
    await flushPromises();
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(copied).toBe('fallback code\n');
    expect(document.querySelector('textarea')).toBeNull();
    expect(wrapper.find('[role=status]').text()).toBe('Copied');
    Reflect.deleteProperty(document, 'execCommand');
  });

  it('says when copying failed', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText: vi.fn().mockRejectedValue(new Error('denied')) } });
    Object.defineProperty(document, 'execCommand', { configurable: true, value: () => false });
    const wrapper = mountMarkdown({ source: '```\nx\n```' });
    await wrapper.find('button.md-copy').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role=status]').text()).toBe('Could not copy. Select the code and copy it by hand.');
    expect(wrapper.find('button.md-copy').text()).toBe('Copy');
    Reflect.deleteProperty(document, 'execCommand');
  });

  it('ignores clicks elsewhere in the message', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const wrapper = mountMarkdown({ source: 'text\n\n```\ncode\n```' });
    await wrapper.find('p').trigger('click');
    await wrapper.find('pre').trigger('click');
    await flushPromises();
    expect(writeText).not.toHaveBeenCalled();
  });

  it('labels the toolbar in the current language', () => {
    const wrapper = mountMarkdown({ source: '```\nx\n```' }, 'es');
    const button = wrapper.find('button.md-copy');
    expect(button.text()).toBe('Copiar');
    expect(button.attributes('aria-label')).toBe('Copiar código');
    expect(wrapper.find('.md-code-language').text()).toBe('texto');
  });

  it('while streaming, renders at most once per animation frame, with the latest text', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
    const wrapper = mountMarkdown({ source: 'Hel', streaming: true });
    const body = wrapper.find('.markdown-body').element;
    let renders = 0;
    const observer = new MutationObserver(() => (renders += 1));
    observer.observe(body, { childList: true });
    for (const source of ['Hello', 'Hello **wor', 'Hello **world**', 'Hello **world**\n\n```js\nlet x']) await wrapper.setProps({ source });
    await flushPromises();
    expect(body.textContent?.trim()).toBe('Hel');
    expect(wrapper.attributes('aria-busy')).toBe('true');
    vi.advanceTimersToNextFrame();
    await flushPromises();
    expect(renders).toBe(1);
    expect(wrapper.find('strong').text()).toBe('world');
    // The open fence is a code block in progress.
    expect(wrapper.find('.md-code pre code').text()).toBe('let x');
    vi.advanceTimersToNextFrame();
    await flushPromises();
    expect(renders).toBe(1);
    observer.disconnect();
  });

  it('renders the final text at once when streaming ends', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
    const wrapper = mountMarkdown({ source: 'Title', streaming: true });
    await wrapper.setProps({ source: 'Title\n-' });
    await wrapper.setProps({ source: 'Title\n---', streaming: false });
    await flushPromises();
    expect(wrapper.find('h2').text()).toBe('Title');
    expect(wrapper.attributes('aria-busy')).toBeUndefined();
    // The pending frame was cancelled: nothing renders the draft over the final text.
    vi.advanceTimersToNextFrame();
    await flushPromises();
    expect(wrapper.find('h2').text()).toBe('Title');
  });

  it('loads highlight.js on the first code block and then highlights it', async () => {
    const wrapper = mountMarkdown({ source: '```ts\nconst x = 1;\n```' });
    expect(wrapper.find('pre code').text()).toBe('const x = 1;');
    await loadHighlighter();
    await flushPromises();
    expect(currentHighlighter()).toBeDefined();
    expect(wrapper.find('pre code .hljs-keyword').text()).toBe('const');
    expect(wrapper.find('pre code').text()).toBe('const x = 1;');
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const wrapper = mountMarkdown({ source: '# Answer\n\nSee [docs](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```\n\n```\nplain\n```' });
    const results = await axe.run(wrapper.element, { resultTypes: ['violations'] });
    // axe really looked (the button's name, the link's name…), it did not bail out on the DOM.
    expect(results.passes.map((rule) => rule.id)).toEqual(expect.arrayContaining(['button-name', 'link-name']));
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).toEqual([]);
  });
});
