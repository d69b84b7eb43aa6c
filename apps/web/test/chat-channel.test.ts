import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { connectChatChannel } from '../src/realtime/chat-channel.ts';
import { useChatStore } from '../src/stores/chat.ts';
import { useConversationsStore } from '../src/stores/conversations.ts';
import { fakeApi, json } from './fake-api.ts';
import { page, pathMessage } from './chat-fixtures.ts';

/** Stands in for the browser's WebSocket; `OPEN` is 1 like the real one. */
class FakeSocket {
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  send(data: string) { this.sent.push(JSON.parse(data) as Record<string, unknown>); }
  close() { this.readyState = 3; }
  receive(frame: unknown) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  /** A laptop lid closed: the socket is dead, and its close event never came. */
  dieSilently() { this.readyState = 3; }
  resumes() { return this.sent.filter((frame) => frame.type === 'resume'); }
}

class FakePage extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  show() {
    this.visibilityState = 'visible';
    this.dispatchEvent(new Event('visibilitychange'));
  }
  hide() {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('chat channel: coming back to a closed laptop shows the whole answer', () => {
  let sockets: FakeSocket[];
  let pageEvents: FakePage;
  let network: EventTarget;
  let channel: { stop: () => void } | null;

  const connect = () => {
    channel = connectChatChannel({
      chat: useChatStore(), conversations: useConversationsStore(), token: async () => 't1', url: 'ws://x/ws',
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
      page: pageEvents as unknown as Document, network: network as unknown as Window,
    });
  };

  beforeEach(() => {
    setActivePinia(createPinia());
    sockets = [];
    pageEvents = new FakePage();
    network = new EventTarget();
    channel = null;
    vi.useFakeTimers();
  });

  afterEach(() => {
    channel?.stop();
    vi.useRealTimers();
  });

  async function streamingConversation() {
    let stored = [pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })];
    const api = fakeApi({ 'GET /api/chat/conversations/c1': () => json(200, page(stored)) });
    const chat = useChatStore();
    await chat.open('c1');
    connect();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    expect(sockets[0]!.resumes()).toEqual([{ type: 'resume', responseId: 'r1', afterSeq: 0 }]);
    sockets[0]!.receive({ type: 'entries', responseId: 'r1', conversationId: 'c1', entries: [{ seq: 1, event: { type: 'delta', text: 'The begin' } }] });
    expect(chat.shown[1]!.content).toBe('The begin');
    return { chat, api, store: (messages: typeof stored) => { stored = messages; } };
  }

  it('reconnects at once when the page is visible again and resumes after the last applied entry', async () => {
    const { chat } = await streamingConversation();
    pageEvents.hide();
    sockets[0]!.dieSilently();
    pageEvents.show();
    await vi.advanceTimersByTimeAsync(0); // no back-off wait: at once
    expect(sockets).toHaveLength(2);
    sockets[1]!.receive({ type: 'ready', heartbeatMs: 30000 });
    expect(sockets[1]!.resumes()).toEqual([{ type: 'resume', responseId: 'r1', afterSeq: 1 }]);
    sockets[1]!.receive({
      type: 'entries', responseId: 'r1', conversationId: 'c1',
      entries: [{ seq: 2, event: { type: 'delta', text: 'ning and the end.' } }, { seq: 3, event: { type: 'end', status: 'completed' } }],
    });
    expect(chat.shown[1]).toMatchObject({ content: 'The beginning and the end.', status: 'completed' });
  });

  it('reads the stored answer from the API when the resumed stream is gone (expired)', async () => {
    const { chat, api, store } = await streamingConversation();
    sockets[0]!.dieSilently();
    store([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'The beginning and the whole end.')]);
    network.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    sockets[1]!.receive({ type: 'ready', heartbeatMs: 30000 });
    sockets[1]!.receive({ type: 'error', code: 'STREAM_NOT_FOUND', responseId: 'r1' });
    await vi.waitFor(() => expect(chat.shown[1]).toMatchObject({ content: 'The beginning and the whole end.', status: 'completed' }));
    // Opened; read again for the reconnection (notifications missed) and for the stream that is gone.
    expect(api.calls.filter((call) => call.path === '/api/chat/conversations/c1')).toHaveLength(3);
    // Nothing left to resume: the next reconnection asks for nothing.
    expect(chat.unfinishedStreams()).toEqual([]);
  });

  it('probes a socket that still looks open after a wake-up, resumes on it, and replaces it when it stays silent', async () => {
    await streamingConversation();
    pageEvents.show();
    expect(sockets[0]!.sent.at(-2)).toEqual({ type: 'ping' });
    expect(sockets[0]!.resumes().at(-1)).toEqual({ type: 'resume', responseId: 'r1', afterSeq: 1 });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100); // no pong: the socket is dead
    expect(sockets).toHaveLength(2);
    expect(sockets[0]!.readyState).toBe(3);
  });

  it('keeps a socket that answers the wake-up ping', async () => {
    await streamingConversation();
    pageEvents.show();
    sockets[0]!.receive({ type: 'pong' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
  });

  it('skips the back-off wait when the network comes back', async () => {
    await streamingConversation();
    sockets[0]!.readyState = 3;
    sockets[0]!.onclose?.({ code: 1006 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(1); // waiting out the back-off
    network.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
  });

  it('takes the stored answer a message.updated notification carries', async () => {
    const { chat } = await streamingConversation();
    const { siblingCount: _c, siblingIndex: _i, siblingIds: _s, ...stored } = pathMessage('r1', 'assistant', 'The beginning, stored.');
    sockets[0]!.receive({ type: 'message.updated', conversationId: 'c1', message: stored });
    expect(chat.shown[1]).toMatchObject({ content: 'The beginning, stored.', status: 'completed', usage: { promptTokens: 12, completionTokens: 34 } });
  });

  it('shows a message written on another device in the open conversation, and follows its answer', async () => {
    const { chat, api, store } = await streamingConversation();
    store([
      pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'Done.'),
      pathMessage('m2', 'user', 'From the phone'), pathMessage('r2', 'assistant', '', { status: 'pending' }),
    ]);
    const reads = () => api.calls.filter((call) => call.method === 'GET').length;
    const readsBefore = reads();
    const { siblingCount: _c, siblingIndex: _i, siblingIds: _s, ...question } = pathMessage('m2', 'user', 'From the phone');
    sockets[0]!.receive({ type: 'message.created', conversationId: 'c1', message: question });
    sockets[0]!.receive({ type: 'message.created', conversationId: 'c1', message: { ...question, id: 'r2', role: 'assistant', content: '', status: 'pending' } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads()).toBe(readsBefore + 1); // one read for the burst
    expect(chat.shown.map((message) => message.id)).toEqual(['m1', 'r1', 'm2', 'r2']);
    expect(sockets[0]!.resumes()).toContainEqual({ type: 'resume', responseId: 'r2', afterSeq: 0 });
  });

  it('reads nothing again for the messages this tab sent itself, even announced before the POST answered', async () => {
    let answerPost: (() => void) | null = null;
    const api = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'A')])),
      'POST /api/chat/conversations/c1/messages': () => new Promise<Response>((resolve) => {
        answerPost = () => resolve(json(202, { conversationId: 'c1', messageId: 'm2', responseId: 'r2' }));
      }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    connect();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    const sent = chat.send('Again');
    await vi.waitFor(() => expect(answerPost).not.toBeNull());
    sockets[0]!.receive({ type: 'message.created', conversationId: 'c1', message: { ...pathMessage('m2', 'user', 'Again'), siblingIds: undefined } });
    await vi.advanceTimersByTimeAsync(1_000); // the check waits while the send is in flight
    answerPost!();
    await sent;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.calls.filter((call) => call.method === 'GET')).toHaveLength(1);
    expect(chat.shown.map((message) => message.id)).toEqual(['m1', 'r1', 'm2', 'r2']);
  });

  it('reads the list and the open conversation again after a reconnection: the notifications sent meanwhile were missed', async () => {
    const { chat, api, store } = await streamingConversation();
    const reads = (path: string) => api.calls.filter((call) => call.method === 'GET' && call.path.split('?')[0] === path).length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect([reads('/api/chat/conversations/c1'), reads('/api/chat/conversations')]).toEqual([1, 0]); // the first ready reads nothing
    store([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'Done.'), pathMessage('m2', 'user', 'Written while we were away'), pathMessage('r2', 'assistant', 'Its answer.')]);
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect([reads('/api/chat/conversations/c1'), reads('/api/chat/conversations')]).toEqual([2, 1]);
    expect(chat.shown.map((message) => message.id)).toEqual(['m1', 'r1', 'm2', 'r2']);
  });

  it('stops listening to the page after stop()', async () => {
    await streamingConversation();
    channel!.stop();
    channel = null;
    sockets[0]!.dieSilently();
    pageEvents.show();
    network.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('follows the unfinished answers of a conversation opened after the socket was ready', async () => {
    fakeApi({ 'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })])) });
    connect();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0]!.receive({ type: 'ready', heartbeatMs: 30000 });
    expect(sockets[0]!.resumes()).toEqual([]);
    await useChatStore().open('c1');
    expect(sockets[0]!.resumes()).toEqual([{ type: 'resume', responseId: 'r1', afterSeq: 0 }]);
  });
});
