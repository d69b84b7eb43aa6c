import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import ChatPage from '../src/pages/ChatPage.vue';
import { useChatStore } from '../src/stores/chat.ts';
import { fakeApi, json, problem } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';
import { page, pathMessage, realModels } from './chat-fixtures.ts';

const track = unmountEachTest();

// happy-dom lays nothing out: give the list a 600 px viewport and each message 100 px, as a browser would measure.
const layout = {
  clientHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
  offsetHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight'),
  scrollHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight') ?? Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'scrollHeight'),
};
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get(this: HTMLElement) { return this.classList.contains('message-scroller') ? 600 : 0; } });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get(this: HTMLElement) { return this.classList.contains('message-row') ? 100 : 0; } });
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', { configurable: true, get(this: HTMLElement) { return this.classList.contains('message-scroller') ? 5000 : 0; } });
});
afterAll(() => {
  for (const [name, descriptor] of Object.entries(layout)) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    else Reflect.deleteProperty(HTMLElement.prototype, name);
  }
});

beforeEach(() => {
  localStorage.clear();
});


const accepted = (messageId: string, responseId: string) => json(202, { conversationId: 'c1', messageId, responseId });

async function openPage(routes: Parameters<typeof fakeApi>[0] = {}, messages = [pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'A')]) {
  const api = fakeApi({
    'GET /api/ai/models': () => json(200, realModels),
    'GET /api/users/me': () => json(200, { preferences: { defaultModel: null } }),
    'GET /api/chat/conversations/c1': () => json(200, page(messages)),
    ...routes,
  });
  const { wrapper } = await mountWithApp(ChatPage, { path: '/chat', props: { conversationId: 'c1' } });
  track(wrapper);
  await flushPromises();
  return { wrapper, calls: api.calls, composer: wrapper.find<HTMLTextAreaElement>('#composer-input') };
}

describe('ChatPage', () => {
  it('shows the conversation as articles with the class names browser tests use', async () => {
    const { wrapper } = await openPage();
    const articles = wrapper.findAll('article.message');
    expect(articles.map((article) => article.classes().find((name) => name.startsWith('message-')))).toEqual(['message-user', 'message-assistant']);
    expect(articles[1]!.find('.message-text').text()).toBe('A');
    expect(articles[1]!.find('.message-meta').text()).toContain('llama-3.3-70b');
  });

  it('Enter sends with the picked model and focus stays in the composer; Shift+Enter does not send', async () => {
    const { wrapper, calls, composer } = await openPage({ 'POST /api/chat/conversations/c1/messages': () => accepted('m2', 'r2') });
    await composer.setValue('line one');
    await composer.trigger('keydown', { key: 'Enter', shiftKey: true });
    await flushPromises();
    expect(calls.some((call) => call.path.endsWith('/messages'))).toBe(false);

    await wrapper.find<HTMLSelectElement>('#model-picker').setValue('gpt-4o-mini');
    await composer.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(calls.find((call) => call.path.endsWith('/messages'))!.body).toEqual({ content: 'line one', model: 'gpt-4o-mini' });
    expect(composer.element.value).toBe('');
    expect(document.activeElement).toBe(composer.element);
    expect(wrapper.find('.composer-stop').exists()).toBe(true);
  });

  it('Esc stops the answer being written (cancel endpoint) and focus returns to the composer', async () => {
    const { wrapper, calls, composer } = await openPage(
      { 'POST /api/chat/conversations/c1/responses/r1/cancel': () => json(202, { responseId: 'r1', cancelRequested: true, status: 'streaming' }) },
      [pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })],
    );
    expect(wrapper.find('button[aria-label="Stop the answer (Esc)"]').exists()).toBe(true);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(calls.filter((call) => call.path.endsWith('/cancel'))).toHaveLength(1);
    expect(document.activeElement).toBe(composer.element);

    useChatStore().applyEntries('r1', [{ seq: 1, event: { type: 'end', status: 'cancelled' } }]);
    await flushPromises();
    expect(wrapper.find('.composer-stop').exists()).toBe(false);
    expect(wrapper.find('.message-failure').text()).toBe('The answer was stopped.');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await flushPromises();
    expect(calls.filter((call) => call.path.endsWith('/cancel'))).toHaveLength(1); // nothing streams: Esc does nothing
  });

  it('the Stop button stops too', async () => {
    const { wrapper, calls } = await openPage(
      { 'POST /api/chat/conversations/c1/responses/r1/cancel': () => json(202, { responseId: 'r1', cancelRequested: true, status: 'streaming' }) },
      [pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'Part', { status: 'pending' })],
    );
    await wrapper.find('.composer-stop').trigger('click');
    await flushPromises();
    expect(calls.at(-1)!.path).toBe('/api/chat/conversations/c1/responses/r1/cancel');
  });

  it('announces a completed answer once, not each piece of it', async () => {
    const { wrapper } = await openPage({}, [pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })]);
    const live = wrapper.find('[aria-live="polite"]');
    const chat = useChatStore();
    chat.applyEntries('r1', [{ seq: 1, event: { type: 'delta', text: 'Hel' } }]);
    await flushPromises();
    expect(live.text()).toBe('');
    chat.applyEntries('r1', [{ seq: 2, event: { type: 'delta', text: 'lo' } }, { seq: 3, event: { type: 'end', status: 'completed' } }]);
    await flushPromises();
    expect(live.text()).toBe('Answer ready: Hello');
  });

  it('shows a refused action with its translated error', async () => {
    const { wrapper } = await openPage({ 'POST /api/chat/conversations/c1/responses/r1/regenerate': () => problem(409, 'CHAT_RESPONSE_IN_PROGRESS') });
    await wrapper.find('.message-regenerate').trigger('click');
    await flushPromises();
    expect(wrapper.find('[role=alert]').text()).not.toContain('CHAT_RESPONSE_IN_PROGRESS');
    expect(wrapper.find('[role=alert]').text()).not.toBe('');
  });

  it('switches branch from the ‹ › control', async () => {
    const first = [pathMessage('m1', 'user', 'New Q', { siblingCount: 2, siblingIndex: 1, siblingIds: ['m0', 'm1'] }), pathMessage('r1', 'assistant', 'A')];
    const { wrapper, calls } = await openPage({
      'PUT /api/chat/conversations/c1/active-branch': () => json(200, page([
        pathMessage('m0', 'user', 'Old Q', { siblingCount: 2, siblingIndex: 0, siblingIds: ['m0', 'm1'] }), pathMessage('r0', 'assistant', 'Old A'),
      ])),
    }, first);
    await wrapper.find('button[aria-label="Previous version"]').trigger('click');
    await flushPromises();
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', body: { messageId: 'm0' } });
    expect(wrapper.findAll('.message-text').map((text) => text.text())).toEqual(['Old Q', 'Old A']);
    expect(wrapper.find('.branch-position').text()).toBe('1/2');
  });

  it('renders only part of a 1,000-message conversation', async () => {
    const many = Array.from({ length: 1000 }, (_, index) => pathMessage(`m${index}`, index % 2 ? 'assistant' : 'user', `Message ${index}`));
    const { wrapper } = await openPage({}, many);
    await vi.waitFor(() => expect(wrapper.findAll('article.message').length).toBeGreaterThan(0));
    expect(wrapper.findAll('article.message').length).toBeLessThan(100);
  });

  it('loads the older page when the top comes near', async () => {
    const { wrapper, calls } = await openPage({
      'GET /api/chat/conversations/c1': (call) => json(200, call.path.includes('before=')
        ? page([pathMessage('m0', 'user', 'Oldest')], null)
        : page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'A')], 'm1')),
    });
    const scroller = wrapper.find<HTMLElement>('.message-scroller');
    scroller.element.scrollTop = 100;
    await scroller.trigger('scroll');
    await flushPromises();
    expect(calls.filter((call) => call.path.includes('before=m1'))).toHaveLength(1);
    expect(useChatStore().shown.map((message) => message.content)).toEqual(['Oldest', 'Q', 'A']);
    await scroller.trigger('scroll');
    await flushPromises();
    expect(calls.filter((call) => call.path.includes('before='))).toHaveLength(1); // nothing older is left
  });

  it('offers "Jump to latest" once the person scrolls up, and follows again after it', async () => {
    const many = Array.from({ length: 60 }, (_, index) => pathMessage(`m${index}`, index % 2 ? 'assistant' : 'user', `Message ${index}`));
    const { wrapper } = await openPage({}, many);
    const scroller = wrapper.find<HTMLElement>('.message-scroller');
    scroller.element.scrollTop = 4400; // the bottom
    await scroller.trigger('scroll');
    expect(wrapper.find('.jump-to-latest').exists()).toBe(false);
    scroller.element.scrollTop = 2000; // the person scrolls up
    await scroller.trigger('scroll');
    const jump = wrapper.find('.jump-to-latest');
    expect(jump.text()).toBe('Jump to latest');
    await jump.trigger('click');
    await flushPromises();
    expect(wrapper.find('.jump-to-latest').exists()).toBe(false);
  });
});
