import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import { useConversationsStore } from '../src/stores/conversations.ts';
import { UNDO_WINDOW_MS } from '../src/stores/pending-deletion.ts';
import type { Conversation } from '../src/api/contracts.ts';
import { fakeApi, json, problem, type RecordedCall } from './fake-api.ts';

let minute = 0;
/** Newest first when made in order: each one's last message is a minute older. */
function conversation(id: string, extra: Partial<Conversation> = {}): Conversation {
  minute += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 12, 60 - minute)).toISOString();
  return { id, title: `Title ${id}`, titleSource: 'user', pinned: false, archived: false, activeLeafId: null, createdAt: at, updatedAt: at, lastMessageAt: at, ...extra };
}

const ids = (list: Conversation[]) => list.map((item) => item.id);
const query = (call: RecordedCall) => new URL(call.path, 'http://x').searchParams;

/** A deferred answer: the test decides when (and how) the API replies. */
function later() {
  let answer!: (response: Response) => void;
  const promise = new Promise<Response>((resolve) => { answer = resolve; });
  return { promise, answer };
}

let p1: Conversation;
let c2: Conversation;
let c3: Conversation;
let c4: Conversation;
let a1: Conversation;

beforeEach(() => {
  setActivePinia(createPinia());
  minute = 0;
  p1 = conversation('p1', { pinned: true });
  c2 = conversation('c2');
  c3 = conversation('c3');
  c4 = conversation('c4');
  a1 = conversation('a1', { archived: true });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Two pages of active conversations, one of archived ones; PATCH/DELETE as given. */
function api(routes: Record<string, (call: RecordedCall) => Response | Promise<Response>> = {}) {
  return fakeApi({
    'GET /api/chat/conversations': (call) => {
      const params = query(call);
      if (params.get('archived') === 'true') return json(200, { items: [a1], nextCursor: null });
      if (params.get('cursor') === 'page2') return json(200, { items: [c4], nextCursor: null });
      return json(200, { items: [p1, c2, c3], nextCursor: 'page2' });
    },
    ...routes,
  });
}

describe('conversations store: lists', () => {
  it('reads the list page by page along the cursor, pinned and recent apart', async () => {
    const { calls } = api();
    const store = useConversationsStore();
    await store.load();
    expect(ids(store.pinned)).toEqual(['p1']);
    expect(ids(store.recent)).toEqual(['c2', 'c3']);
    expect(store.hasMore).toBe(true);

    await store.loadMore();
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3', 'c4']);
    expect(store.hasMore).toBe(false);
    expect(query(calls[1]!).get('cursor')).toBe('page2');
    expect(query(calls[0]!).get('archived')).toBeNull();

    // Nothing more to read: no call.
    await store.loadMore();
    expect(calls).toHaveLength(2);
  });

  it('reads the archived list only when asked, once', async () => {
    const { calls } = api();
    const store = useConversationsStore();
    await store.load();
    expect(store.archivedItems).toEqual([]);
    await store.loadArchived();
    await store.loadArchived();
    expect(ids(store.archivedItems)).toEqual(['a1']);
    expect(calls.filter((call) => query(call).get('archived') === 'true')).toHaveLength(1);
  });

  it('keeps the error of a failed page and reads it again on demand', async () => {
    let fail = true;
    api({ 'GET /api/chat/conversations': () => (fail ? problem(503, 'SERVICE_UNAVAILABLE') : json(200, { items: [c2], nextCursor: null })) });
    const store = useConversationsStore();
    await store.load();
    expect(store.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    fail = false;
    await store.load();
    expect(store.error).toBeNull();
    expect(ids(store.items)).toEqual(['c2']);
  });

  it('upsert: a new conversation goes first among the recent ones, a new title replaces the old in place', async () => {
    api();
    const store = useConversationsStore();
    await store.load();
    const fresh = { ...conversation('new'), lastMessageAt: '2027-01-01T00:00:00.000Z' };
    store.upsert(fresh);
    expect(ids(store.items)).toEqual(['p1', 'new', 'c2', 'c3']);
    store.upsert({ ...c3, title: 'Generated title', titleSource: 'auto' });
    expect(ids(store.items)).toEqual(['p1', 'new', 'c2', 'c3']);
    expect(store.items[3]!.title).toBe('Generated title');
  });

  it('clear() forgets everything (sign-out)', async () => {
    api();
    const store = useConversationsStore();
    await store.load();
    store.clear();
    expect(store.items).toEqual([]);
    expect(store.hasMore).toBe(false);
  });
});

describe('conversations store: rename, pin, archive', () => {
  it('renames at once and keeps what the API answers', async () => {
    const reply = later();
    const { calls } = api({ 'PATCH /api/chat/conversations/c2': () => reply.promise });
    const store = useConversationsStore();
    await store.load();
    const done = store.rename('c2', '  Trip plans  ');
    expect(store.items.find((item) => item.id === 'c2')!.title).toBe('Trip plans');
    reply.answer(json(200, { ...c2, title: 'Trip plans', updatedAt: 'later' }));
    expect(await done).toBe(true);
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', body: { title: 'Trip plans' } });
    expect(store.items.find((item) => item.id === 'c2')!.updatedAt).toBe('later');
  });

  it('puts the old title back when the API refuses the rename', async () => {
    const reply = later();
    api({ 'PATCH /api/chat/conversations/c2': () => reply.promise });
    const store = useConversationsStore();
    await store.load();
    const done = store.rename('c2', 'New');
    expect(store.items.find((item) => item.id === 'c2')!.title).toBe('New');
    reply.answer(problem(400, 'VALIDATION_FAILED'));
    expect(await done).toBe(false);
    expect(store.items.find((item) => item.id === 'c2')!.title).toBe('Title c2');
    expect(store.actionError).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('an empty title clears it (the API may generate one later)', async () => {
    const { calls } = api({ 'PATCH /api/chat/conversations/c2': () => json(200, { ...c2, title: null, titleSource: null }) });
    const store = useConversationsStore();
    await store.load();
    await store.rename('c2', '   ');
    expect(calls.at(-1)!.body).toEqual({ title: null });
  });

  it('pins at once (moving it to Pinned) and moves it back where it was on error', async () => {
    const reply = later();
    const { calls } = api({ 'PATCH /api/chat/conversations/c3': () => reply.promise });
    const store = useConversationsStore();
    await store.load();
    const done = store.setPinned('c3', true);
    // Pinned ones in the API's order too: the latest message first.
    expect(ids(store.pinned)).toEqual(['p1', 'c3']);
    expect(ids(store.recent)).toEqual(['c2']);
    reply.answer(problem(503, 'SERVICE_UNAVAILABLE'));
    expect(await done).toBe(false);
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3']);
    expect(calls.at(-1)!.body).toEqual({ pinned: true });
  });

  it('archives at once (out of the list, into Archived when it is open) and undoes it on error', async () => {
    const reply = later();
    api({ 'PATCH /api/chat/conversations/c2': () => reply.promise });
    const store = useConversationsStore();
    await store.load();
    await store.loadArchived();
    const done = store.setArchived('c2', true);
    expect(ids(store.items)).toEqual(['p1', 'c3']);
    expect(ids(store.archivedItems)).toEqual(['c2', 'a1']);
    reply.answer(problem(404, 'CHAT_CONVERSATION_NOT_FOUND'));
    await done;
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3']);
    expect(ids(store.archivedItems)).toEqual(['a1']);
  });

  it('unarchives back into the list, in its place (or leaves it to a page not read yet)', async () => {
    api({ 'PATCH /api/chat/conversations/a1': () => json(200, { ...a1, archived: false }) });
    const store = useConversationsStore();
    await store.load();
    await store.loadArchived();
    expect(await store.setArchived('a1', false)).toBe(true);
    expect(store.archivedItems).toEqual([]);
    // Older than everything shown while a page remains: it will come with that page.
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3']);
    await store.loadMore();
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3', 'c4']);
    store.upsert({ ...a1, archived: false });
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3', 'c4', 'a1']);
  });
});

describe('conversations store: delete with undo', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  const deletes = (calls: RecordedCall[]) => calls.filter((call) => call.method === 'DELETE');
  const deleteRoute = { 'DELETE /api/chat/conversations/c2': () => new Response(null, { status: 204 }) };

  it('hides the conversation at once; undo puts it back where it was and sends nothing', async () => {
    const { calls } = api(deleteRoute);
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    expect(ids(store.items)).toEqual(['p1', 'c3']);
    expect(store.pendingDeletion?.conversation.id).toBe('c2');

    vi.advanceTimersByTime(UNDO_WINDOW_MS - 1);
    expect(store.undoDelete()?.id).toBe('c2');
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3']);
    expect(store.pendingDeletion).toBeNull();
    vi.advanceTimersByTime(UNDO_WINDOW_MS * 2);
    await flushPromises();
    expect(deletes(calls)).toEqual([]);
  });

  it('sends exactly one DELETE when the undo window ends', async () => {
    const { calls } = api(deleteRoute);
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    vi.advanceTimersByTime(UNDO_WINDOW_MS - 1);
    expect(deletes(calls)).toEqual([]);
    vi.advanceTimersByTime(1);
    await flushPromises();
    vi.advanceTimersByTime(UNDO_WINDOW_MS * 2);
    await flushPromises();
    expect(deletes(calls).map((call) => call.path)).toEqual(['/api/chat/conversations/c2']);
    expect(store.pendingDeletion).toBeNull();
    expect(store.undoDelete()).toBeNull();
    expect(ids(store.items)).toEqual(['p1', 'c3']);
  });

  it('sends the DELETE at once when the page is left (pagehide), and only once', async () => {
    const { calls } = api(deleteRoute);
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    window.dispatchEvent(new Event('pagehide'));
    expect(deletes(calls)).toHaveLength(1);
    vi.advanceTimersByTime(UNDO_WINDOW_MS * 2);
    window.dispatchEvent(new Event('pagehide'));
    await flushPromises();
    expect(deletes(calls)).toHaveLength(1);
  });

  it('a reload during the undo window does not bring the conversation back', async () => {
    api(deleteRoute);
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    await store.load();
    expect(ids(store.items)).toEqual(['p1', 'c3']);
    store.upsert({ ...c2, title: 'late notification' });
    expect(ids(store.items)).toEqual(['p1', 'c3']);
  });

  it('a second deletion ends the first one’s window (its DELETE goes at once)', async () => {
    const { calls } = api({ ...deleteRoute, 'DELETE /api/chat/conversations/c3': () => new Response(null, { status: 204 }) });
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    store.remove('c3');
    expect(deletes(calls).map((call) => call.path)).toEqual(['/api/chat/conversations/c2']);
    expect(store.undoDelete()?.id).toBe('c3');
    expect(ids(store.items)).toEqual(['p1', 'c3']);
  });

  it('puts the conversation back when the API refuses the DELETE', async () => {
    api({ 'DELETE /api/chat/conversations/c2': () => problem(503, 'SERVICE_UNAVAILABLE') });
    const store = useConversationsStore();
    await store.load();
    store.remove('c2');
    vi.advanceTimersByTime(UNDO_WINDOW_MS);
    await flushPromises();
    expect(ids(store.items)).toEqual(['p1', 'c2', 'c3']);
    expect(store.actionError).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
