import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { ApiClient } from '../src/api/api-client.ts';
import { setApi } from '../src/api/api-instance.ts';
import { SEARCH_DEBOUNCE_MS, useSearchStore } from '../src/stores/search.ts';
import { parseSnippet } from '../src/components/sidebar/snippet.ts';
import SidebarSearch from '../src/components/sidebar/SidebarSearch.vue';
import ConversationList from '../src/components/ConversationList.vue';
import type { SearchHit } from '../src/api/contracts.ts';
import { fakeApi, json, problem } from './fake-api.ts';
import { fakeTimeoutsEachTest, mountWithApp, unmountEachTest } from './mount-app.ts';

const hit = (conversationId: string, snippet: string, extra: Partial<SearchHit> = {}): SearchHit => ({
  conversationId, conversationTitle: `Title ${conversationId}`, messageId: `m-${conversationId}`, role: 'user', snippet, rank: 1, createdAt: '2026-01-01T00:00:00.000Z', ...extra,
});

const searchedFor = (path: string) => new URL(path, 'http://x').searchParams.get('q');

fakeTimeoutsEachTest();
const track = unmountEachTest();

describe('parseSnippet', () => {
  it('splits on <mark> and decodes the escaped text, once', () => {
    expect(parseSnippet('Un <mark>café</mark> en la Baixa &amp; un &quot;pastel&quot; &#39;x&#39; &amp;lt;')).toEqual([
      { text: 'Un ', marked: false },
      { text: 'café', marked: true },
      { text: ` en la Baixa & un "pastel" 'x' &lt;`, marked: false },
    ]);
  });

  it('keeps any other markup as text', () => {
    expect(parseSnippet('<b>bold</b> &lt;i&gt;<mark>x</mark>')).toEqual([
      { text: '<b>bold</b> <i>', marked: false },
      { text: 'x', marked: true },
    ]);
  });
});

describe('search store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('waits for typing to pause, then sends one search for the last text', async () => {
    const { calls } = fakeApi({ 'GET /api/chat/search': () => json(200, { items: [hit('c1', '<mark>caf</mark>é')], nextCursor: null }) });
    const search = useSearchStore();
    search.setQuery('c');
    vi.advanceTimersByTime(100);
    search.setQuery('ca');
    vi.advanceTimersByTime(100);
    search.setQuery('caf');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await flushPromises();
    expect(calls.map((call) => searchedFor(call.path))).toEqual(['caf']);
    expect(search.results).toHaveLength(1);
    expect(search.searched).toBe('caf');
  });

  it('sends nothing for blank text and clears what was found', async () => {
    const { calls } = fakeApi({ 'GET /api/chat/search': () => json(200, { items: [hit('c1', 'x')], nextCursor: null }) });
    const search = useSearchStore();
    search.setQuery('x');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    await flushPromises();
    search.setQuery('   ');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2);
    await flushPromises();
    expect(calls).toHaveLength(1);
    expect(search.results).toEqual([]);
  });

  it('aborts a search still in flight when a newer one starts; the old answer is never shown', async () => {
    const requests: { q: string | null; signal: AbortSignal; answer: (response: Response) => void }[] = [];
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => new Promise<Response>((resolve, reject) => {
      const signal = init!.signal!;
      requests.push({ q: searchedFor(String(input)), signal, answer: resolve });
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
    setApi(new ApiClient({ fetch, refreshLock: (task) => task() }));
    const search = useSearchStore();

    search.setQuery('old');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    expect(requests.map((request) => request.q)).toEqual(['old']);
    search.setQuery('new');
    expect(requests[0]!.signal.aborted).toBe(true);
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    requests[1]!.answer(json(200, { items: [hit('c2', '<mark>new</mark>')], nextCursor: null }));
    requests[0]!.answer(json(200, { items: [hit('c1', '<mark>old</mark>')], nextCursor: null }));
    await flushPromises();
    expect(search.results.map((item) => item.conversationId)).toEqual(['c2']);
    expect(search.error).toBeNull();
    expect(search.loading).toBe(false);
  });

  it('a query with no word in it is no match, not a failure', async () => {
    fakeApi({ 'GET /api/chat/search': () => problem(400, 'CHAT_SEARCH_QUERY_INVALID') });
    const search = useSearchStore();
    search.setQuery('*');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    await flushPromises();
    expect(search.error).toBeNull();
    expect(search.results).toEqual([]);
    expect(search.searched).toBe('*');
  });

  it('reads the next page along the cursor', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/search': (call) => (new URL(call.path, 'http://x').searchParams.get('cursor') === 'n2'
        ? json(200, { items: [hit('c2', 'b')], nextCursor: null })
        : json(200, { items: [hit('c1', 'a')], nextCursor: 'n2' })),
    });
    const search = useSearchStore();
    search.setQuery('a');
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    await flushPromises();
    await search.loadMore();
    expect(search.results.map((item) => item.conversationId)).toEqual(['c1', 'c2']);
    expect(searchedFor(calls[1]!.path)).toBe('a');
  });
});

describe('SidebarSearch', () => {
  const signedOut = { 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') };

  async function typeAndWait(wrapper: VueWrapper, text: string) {
    await wrapper.find('input[type=search]').setValue(text);
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    await flushPromises();
  }

  it('shows snippets as text with only <mark> elements, whatever the snippet holds', async () => {
    const snippet = 'look: &lt;img src=x onerror=alert(1)&gt; and <mark>caf&eacute;</mark> &amp; <mark>m&lt;a&gt;rk</mark><script>x</script>';
    fakeApi({ ...signedOut, 'GET /api/chat/search': () => json(200, { items: [hit('c1', snippet)], nextCursor: null }) });
    const { wrapper } = await mountWithApp(SidebarSearch, { path: '/sign-in' });
    track(wrapper);
    await typeAndWait(wrapper, 'caf');

    const rendered = wrapper.find('.result-snippet').element;
    const elements = [...rendered.querySelectorAll('*')].map((element) => element.tagName);
    expect(elements).toEqual(['MARK', 'MARK']);
    expect(rendered.textContent).toBe('look: <img src=x onerror=alert(1)> and caf&eacute; & m<a>rk<script>x</script>');
    expect([...rendered.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['caf&eacute;', 'm<a>rk']);
    expect(document.querySelector('img')).toBeNull();
    expect(wrapper.find('.result-title').text()).toBe('Title c1');
  });

  it('arrow keys move through the results, Enter opens one, Esc clears and keeps the focus in the field', async () => {
    fakeApi({ ...signedOut, 'GET /api/chat/search': () => json(200, { items: [hit('c1', 'a'), hit('c2', 'b', { conversationTitle: null })], nextCursor: null }) });
    const { wrapper, router } = await mountWithApp(SidebarSearch, { path: '/sign-in' });
    track(wrapper);
    const push = vi.spyOn(router, 'push').mockResolvedValue(undefined);
    await typeAndWait(wrapper, 'x');
    const field = wrapper.find('input[type=search]');
    expect(field.attributes('aria-expanded')).toBe('true');
    expect(wrapper.findAll('[role=option]')[1]!.text()).toContain('Untitled conversation');

    await field.trigger('keydown', { key: 'ArrowDown' });
    await field.trigger('keydown', { key: 'ArrowDown' });
    await field.trigger('keydown', { key: 'ArrowDown' });
    const options = wrapper.findAll('[role=option]');
    expect(field.attributes('aria-activedescendant')).toBe(options[1]!.attributes('id'));
    expect(options[1]!.attributes('aria-selected')).toBe('true');
    await field.trigger('keydown', { key: 'ArrowUp' });
    expect(field.attributes('aria-activedescendant')).toBe(options[0]!.attributes('id'));

    await field.trigger('keydown', { key: 'Enter' });
    expect(push).toHaveBeenCalledWith({ name: 'conversation', params: { conversationId: 'c1' } });

    (field.element as HTMLInputElement).focus();
    await field.trigger('keydown', { key: 'Escape' });
    expect((field.element as HTMLInputElement).value).toBe('');
    expect(wrapper.findAll('[role=option]')).toHaveLength(0);
    expect(document.activeElement).toBe(field.element);
  });

  it('says when nothing matched', async () => {
    fakeApi({ ...signedOut, 'GET /api/chat/search': () => json(200, { items: [], nextCursor: null }) });
    const { wrapper } = await mountWithApp(SidebarSearch, { path: '/sign-in' });
    track(wrapper);
    await typeAndWait(wrapper, 'zzz');
    expect(wrapper.find('.search-status').text()).toBe('No messages match “zzz”.');
  });
});

describe('Ctrl+K / Cmd+K', () => {
  const press = (init: KeyboardEventInit) => {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    window.dispatchEvent(event);
    return event;
  };

  it('focuses the search field from anywhere; Esc gives the focus back', async () => {
    fakeApi({ 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') });
    const { wrapper } = await mountWithApp(ConversationList, { path: '/sign-in' });
    track(wrapper);
    const field = wrapper.find('input[type=search]').element as HTMLInputElement;
    const elsewhere = document.createElement('button');
    document.body.append(elsewhere);
    elsewhere.focus();

    const plain = press({ key: 'k' });
    expect(plain.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(elsewhere);

    const ctrlK = press({ key: 'k', ctrlKey: true });
    expect(ctrlK.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(field);

    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe(elsewhere);

    expect(press({ key: 'K', metaKey: true }).defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(field);
    expect(press({ key: 'l', ctrlKey: true }).defaultPrevented).toBe(false);

    wrapper.unmount();
    track(undefined);
    elsewhere.focus();
    expect(press({ key: 'k', ctrlKey: true }).defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(elsewhere);
    elsewhere.remove();
  });
});
