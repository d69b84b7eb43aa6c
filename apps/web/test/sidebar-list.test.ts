import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, type DOMWrapper, type VueWrapper } from '@vue/test-utils';
import ConversationList from '../src/components/ConversationList.vue';
import { useConversationsStore } from '../src/stores/conversations.ts';
import { UNDO_WINDOW_MS } from '../src/stores/pending-deletion.ts';
import type { Conversation } from '../src/api/contracts.ts';
import { fakeApi, json, problem, tokens, type RecordedCall } from './fake-api.ts';
import { mountWithApp, unmountEachTest } from './mount-app.ts';

const track = unmountEachTest(() => vi.useRealTimers());

function conversation(id: string, minute: number, extra: Partial<Conversation> = {}): Conversation {
  const at = new Date(Date.UTC(2026, 0, 1, 12, 59 - minute)).toISOString();
  return { id, title: `Title ${id}`, titleSource: 'user', pinned: false, archived: false, activeLeafId: null, createdAt: at, updatedAt: at, lastMessageAt: at, ...extra };
}

const c1 = conversation('c1', 1);
const c2 = conversation('c2', 2);
const c3 = conversation('c3', 3);
const a1 = conversation('a1', 4, { archived: true });

type Routes = Record<string, (call: RecordedCall) => Response | Promise<Response>>;

/** The sidebar on a signed-in chat page, its list read (as the shell does). */
async function sidebar(routes: Routes = {}, path = '/chat') {
  const api = fakeApi({
    'POST /api/auth/refresh': () => json(200, tokens('t1')),
    'GET /api/chat/conversations': (call) => {
      const params = new URL(call.path, 'http://x').searchParams;
      if (params.get('archived') === 'true') return json(200, { items: [a1], nextCursor: null });
      if (params.get('cursor') === 'p2') return json(200, { items: [c3], nextCursor: null });
      return json(200, { items: [c1, c2], nextCursor: 'p2' });
    },
    ...routes,
  });
  const { wrapper, router } = await mountWithApp(ConversationList, { path });
  track(wrapper);
  const store = useConversationsStore();
  await store.load();
  await flushPromises();
  return { ...api, wrapper, router, store };
}

const item = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-conversation-id="${id}"]`);
const menuButton = (wrapper: VueWrapper, title: string) => wrapper.find(`button[aria-label="Actions for ${title}"]`);
const menuItems = (wrapper: VueWrapper) => wrapper.findAll('[role=menuitem]');
const focused = () => document.activeElement;
const press = async (target: DOMWrapper<Element>, key: string) => target.trigger('keydown', { key });

describe('ConversationList', () => {
  it('lists the conversations as links, with sections and a "new chat" link', async () => {
    const { wrapper } = await sidebar();
    expect(wrapper.find('a.new-chat').text()).toBe('New chat');
    expect(wrapper.find('a.new-chat').attributes('href')).toBe('/chat');
    expect(wrapper.findAll('.conversation-link').map((link) => link.text())).toEqual(['Title c1', 'Title c2']);
    expect(item(wrapper, 'c1').find('a').attributes('href')).toBe('/chat/c1');
    expect(wrapper.find('#sidebar-recent').text()).toBe('Recent');
    expect(wrapper.find('#sidebar-pinned').exists()).toBe(false);
  });

  it('the actions menu works from the keyboard; Esc closes it and gives the focus back', async () => {
    const { wrapper } = await sidebar();
    const button = menuButton(wrapper, 'Title c2');
    expect(button.attributes('aria-haspopup')).toBe('menu');
    expect(button.attributes('aria-expanded')).toBe('false');

    await press(button, 'ArrowDown');
    await flushPromises();
    expect(button.attributes('aria-expanded')).toBe('true');
    const menu = wrapper.find('[role=menu]');
    expect(menu.attributes('id')).toBe(button.attributes('aria-controls'));
    expect(menuItems(wrapper).map((entry) => entry.text())).toEqual(['Rename', 'Pin', 'Archive', 'Delete']);
    expect(focused()).toBe(menuItems(wrapper)[0]!.element);

    await press(menu, 'ArrowDown');
    expect(focused()).toBe(menuItems(wrapper)[1]!.element);
    await press(menu, 'ArrowUp');
    await press(menu, 'ArrowUp');
    expect(focused()).toBe(menuItems(wrapper)[3]!.element);
    await press(menu, 'ArrowDown');
    expect(focused()).toBe(menuItems(wrapper)[0]!.element);
    await press(menu, 'End');
    expect(focused()).toBe(menuItems(wrapper)[3]!.element);
    await press(menu, 'Home');
    expect(focused()).toBe(menuItems(wrapper)[0]!.element);

    await press(menu, 'Escape');
    expect(wrapper.find('[role=menu]').exists()).toBe(false);
    expect(button.attributes('aria-expanded')).toBe('false');
    expect(focused()).toBe(button.element);

    // ArrowUp opens on the last item.
    await press(button, 'ArrowUp');
    await flushPromises();
    expect(focused()).toBe(menuItems(wrapper)[3]!.element);
  });

  it('renames inline: Enter saves (PATCH), Esc cancels; the focus goes back to the menu button', async () => {
    const { wrapper, calls } = await sidebar({ 'PATCH /api/chat/conversations/c2': (call) => json(200, { ...c2, ...(call.body as object) }) });
    await menuButton(wrapper, 'Title c2').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=rename]').trigger('click');
    await flushPromises();
    const input = wrapper.find('input.rename-input');
    expect(focused()).toBe(input.element);
    expect((input.element as HTMLInputElement).value).toBe('Title c2');
    expect(wrapper.find(`label[for="${input.attributes('id')}"]`).text()).toBe('New title for Title c2');

    await input.setValue('Never mind');
    await press(input, 'Escape');
    await flushPromises();
    expect(calls.some((call) => call.method === 'PATCH')).toBe(false);
    expect(item(wrapper, 'c2').find('a').text()).toBe('Title c2');
    expect(focused()).toBe(menuButton(wrapper, 'Title c2').element);

    await menuButton(wrapper, 'Title c2').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=rename]').trigger('click');
    await flushPromises();
    await wrapper.find('input.rename-input').setValue('Trip plans');
    await press(wrapper.find('input.rename-input'), 'Enter');
    await flushPromises();
    expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([{ title: 'Trip plans' }]);
    expect(item(wrapper, 'c2').find('a').text()).toBe('Trip plans');
    expect(focused()).toBe(menuButton(wrapper, 'Trip plans').element);
  });

  it('pin moves the conversation to Pinned and the focus follows it; a refused change shows the error', async () => {
    const { wrapper } = await sidebar({
      'PATCH /api/chat/conversations/c2': () => json(200, { ...c2, pinned: true }),
      'PATCH /api/chat/conversations/c1': () => problem(503, 'SERVICE_UNAVAILABLE'),
    });
    await menuButton(wrapper, 'Title c2').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=pin]').trigger('click');
    await flushPromises();
    expect(wrapper.find('#sidebar-pinned').text()).toBe('Pinned');
    expect(wrapper.find('section[aria-labelledby=sidebar-pinned]').text()).toContain('Title c2');
    expect(focused()).toBe(menuButton(wrapper, 'Title c2').element);
    await menuButton(wrapper, 'Title c2').trigger('click');
    await flushPromises();
    expect(menuItems(wrapper).map((entry) => entry.text())).toContain('Unpin');

    await menuButton(wrapper, 'Title c1').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=archive]').trigger('click');
    await flushPromises();
    expect(item(wrapper, 'c1').exists()).toBe(true);
    expect(wrapper.find('[role=alert]').exists()).toBe(true);
  });

  it('delete: gone at once, "Conversation deleted — Undo" for a while, undo brings it back without a DELETE', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { wrapper, calls, router } = await sidebar({ 'DELETE /api/chat/conversations/c2': () => new Response(null, { status: 204 }) }, '/chat/c2');
    expect(router.currentRoute.value.name).toBe('conversation');
    await menuButton(wrapper, 'Title c2').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=delete]').trigger('click');
    await flushPromises();

    expect(item(wrapper, 'c2').exists()).toBe(false);
    const toast = wrapper.find('[role=status].undo-toast');
    expect(toast.attributes('aria-live')).toBe('polite');
    expect(toast.text()).toBe('Conversation deleted — Undo');
    expect(focused()).toBe(toast.find('button').element);
    // The open conversation was deleted: back to a new chat.
    expect(router.currentRoute.value.name).toBe('chat');

    vi.advanceTimersByTime(UNDO_WINDOW_MS - 1);
    await toast.find('button').trigger('click');
    await flushPromises();
    expect(item(wrapper, 'c2').exists()).toBe(true);
    expect(wrapper.findAll('.conversation-link').map((link) => link.text())).toEqual(['Title c1', 'Title c2']);
    expect(focused()).toBe(item(wrapper, 'c2').find('a').element);
    expect(wrapper.find('.undo-toast').text()).toBe('');
    vi.advanceTimersByTime(UNDO_WINDOW_MS * 2);
    await flushPromises();
    expect(calls.filter((call) => call.method === 'DELETE')).toEqual([]);
  });

  it('delete without undo: one DELETE when the toast expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { wrapper, calls } = await sidebar({ 'DELETE /api/chat/conversations/c1': () => new Response(null, { status: 204 }) });
    await menuButton(wrapper, 'Title c1').trigger('click');
    await flushPromises();
    await wrapper.find('[data-action=delete]').trigger('click');
    vi.advanceTimersByTime(UNDO_WINDOW_MS);
    await flushPromises();
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.path)).toEqual(['/api/chat/conversations/c1']);
    expect(wrapper.find('.undo-toast').text()).toBe('');
    expect(item(wrapper, 'c1').exists()).toBe(false);
  });

  it('"Load more" reads the next page; titles update live on upsert', async () => {
    const { wrapper, store } = await sidebar();
    const more = wrapper.find('button.load-more');
    expect(more.text()).toBe('Load more');
    (more.element as HTMLButtonElement).focus();
    await more.trigger('click');
    await flushPromises();
    expect(wrapper.findAll('.conversation-link').map((link) => link.text())).toEqual(['Title c1', 'Title c2', 'Title c3']);
    expect(wrapper.find('button.load-more').exists()).toBe(false);
    // The button went away under the keyboard user's focus: it moves to the last conversation.
    expect(focused()).toBe(item(wrapper, 'c3').find('a').element);

    store.upsert({ ...c1, title: 'A generated title', titleSource: 'auto' });
    await flushPromises();
    expect(item(wrapper, 'c1').find('a').text()).toBe('A generated title');
  });

  it('Archived is collapsed and read only when opened', async () => {
    const { wrapper, calls } = await sidebar();
    const toggle = wrapper.find('button.archived-toggle');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(calls.some((call) => call.path.includes('archived=true'))).toBe(false);
    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(item(wrapper, 'a1').isVisible()).toBe(true);
    await menuButton(wrapper, 'Title a1').trigger('click');
    await flushPromises();
    expect(menuItems(wrapper).map((entry) => entry.text())).toEqual(['Rename', 'Unarchive', 'Delete']);
  });

  it('shows an empty state, and an error with a way to try again', async () => {
    let fail = true;
    const { wrapper, store } = await sidebar({
      'GET /api/chat/conversations': () => (fail ? problem(503, 'SERVICE_UNAVAILABLE') : json(200, { items: [], nextCursor: null })),
    });
    expect(wrapper.find('[role=alert]').exists()).toBe(true);
    expect(store.error).not.toBeNull();
    fail = false;
    await wrapper.findAll('button').find((button) => button.text() === 'Try again')!.trigger('click');
    await flushPromises();
    expect(wrapper.find('[role=alert]').exists()).toBe(false);
    expect(wrapper.text()).toContain('No conversations yet.');
  });
});

describe('ConversationList in Spanish', () => {
  beforeEach(() => localStorage.clear());

  it('labels every control from the catalog', async () => {
    fakeApi({ 'POST /api/auth/refresh': () => problem(401, 'AUTH_REFRESH_INVALID') });
    const { wrapper } = await mountWithApp(ConversationList, { path: '/sign-in', locale: 'es' });
    track(wrapper);
    expect(wrapper.find('a.new-chat').text()).toBe('Nueva conversación');
    const field = wrapper.find('input[type=search]');
    expect(wrapper.find(`label[for="${field.attributes('id')}"]`).text()).toBe('Buscar en las conversaciones');
  });
});
