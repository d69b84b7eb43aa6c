import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useChatStore } from '../src/stores/chat.ts';
import type { StreamEntryEvent } from '../src/api/contracts.ts';
import { fakeApi, json, problem } from './fake-api.ts';
import { page, pathMessage } from './chat-fixtures.ts';

const entry = (seq: number, event: StreamEntryEvent) => ({ seq, event });
const ids = (chat: ReturnType<typeof useChatStore>) => chat.shown.map((message) => message.id);

describe('chat store actions', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('sends with the chosen model and follows the answer until it ends', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([])),
      'POST /api/chat/conversations/c1/messages': () => json(202, { conversationId: 'c1', messageId: 'm1', responseId: 'r1' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await chat.send('Hi', 'gpt-4o-mini');
    expect(calls.at(-1)!.body).toEqual({ content: 'Hi', model: 'gpt-4o-mini' });
    expect(chat.activeAnswer?.id).toBe('r1');
    chat.applyEntries('r1', [
      entry(1, { type: 'status', status: 'streaming', model: 'gpt-4o-mini', provider: 'openai' }),
      entry(2, { type: 'delta', text: 'Hello' }),
      entry(3, { type: 'end', status: 'completed', finishReason: 'stop' }),
    ]);
    expect(chat.activeAnswer).toBeNull();
    expect(chat.shown[1]).toMatchObject({ content: 'Hello', status: 'completed', model: 'gpt-4o-mini', provider: 'openai' });
  });

  it('stops an answer through the cancel endpoint; the stream then ends it as cancelled', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })])),
      'POST /api/chat/conversations/c1/responses/r1/cancel': () => json(202, { responseId: 'r1', cancelRequested: true, status: 'streaming' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    chat.applyEntries('r1', [entry(1, { type: 'delta', text: 'Part' })]);
    await chat.stop('r1');
    expect(calls.at(-1)).toMatchObject({ method: 'POST', path: '/api/chat/conversations/c1/responses/r1/cancel' });
    chat.applyEntries('r1', [entry(2, { type: 'end', status: 'cancelled' })]);
    expect(chat.shown[1]).toMatchObject({ content: 'Part', status: 'cancelled' });
    expect(chat.activeAnswer).toBeNull();
  });

  it('reads the stored state when asked to stop an answer that had already ended', async () => {
    let stored = pathMessage('r1', 'assistant', '', { status: 'pending' });
    fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), stored])),
      'POST /api/chat/conversations/c1/responses/r1/cancel': () => json(202, { responseId: 'r1', cancelRequested: false, status: 'completed' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    stored = pathMessage('r1', 'assistant', 'Done');
    await chat.stop('r1');
    expect(chat.shown[1]).toMatchObject({ content: 'Done', status: 'completed' });
  });

  it('regenerates: a new pending answer replaces the old one at its place, counted as a sibling', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'A1')])),
      'POST /api/chat/conversations/c1/responses/r1/regenerate': () => json(202, { conversationId: 'c1', messageId: 'm1', responseId: 'r2' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await chat.regenerate('r1');
    expect(calls.at(-1)!.body).toEqual({});
    expect(ids(chat)).toEqual(['m1', 'r2']);
    expect(chat.shown[1]).toMatchObject({ status: 'pending', siblingIds: ['r1', 'r2'], siblingCount: 2, siblingIndex: 1, model: 'llama-3.3-70b' });
    expect(chat.unfinishedStreams()).toEqual([{ responseId: 'r2', afterSeq: 0 }]);
  });

  it('retries a failed answer by regenerating it with the model the person picked', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([
        pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'par', { status: 'failed', errorCode: 'AI_IDLE_TIMEOUT' }),
      ])),
      'POST /api/chat/conversations/c1/responses/r1/regenerate': () => json(202, { conversationId: 'c1', messageId: 'm1', responseId: 'r2' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await chat.regenerate('r1', 'gpt-4o-mini');
    expect(calls.at(-1)!.body).toEqual({ model: 'gpt-4o-mini' });
    expect(chat.shown[1]).toMatchObject({ id: 'r2', status: 'pending', errorCode: null });
  });

  it('keeps the list unchanged when a regenerate is refused, and lets the error through', async () => {
    fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', 'A1')])),
      'POST /api/chat/conversations/c1/responses/r1/regenerate': () => problem(409, 'CHAT_RESPONSE_IN_PROGRESS'),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await expect(chat.regenerate('r1')).rejects.toMatchObject({ code: 'CHAT_RESPONSE_IN_PROGRESS' });
    expect(ids(chat)).toEqual(['m1', 'r1']);
    expect(chat.sending).toBe(false);
  });

  it('edits a question: a new branch with the new question and its pending answer; later messages leave the view', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page([
        pathMessage('m1', 'user', 'Q1'), pathMessage('r1', 'assistant', 'A1'), pathMessage('m2', 'user', 'Q2'), pathMessage('r2', 'assistant', 'A2'),
      ])),
      'POST /api/chat/conversations/c1/messages/m1/edit': () => json(202, { conversationId: 'c1', messageId: 'm3', responseId: 'r3' }),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await chat.edit('m1', 'Q1, better', 'llama-3.3-70b');
    expect(calls.at(-1)).toMatchObject({ method: 'POST', path: '/api/chat/conversations/c1/messages/m1/edit', body: { content: 'Q1, better', model: 'llama-3.3-70b' } });
    expect(ids(chat)).toEqual(['m3', 'r3']);
    expect(chat.shown[0]).toMatchObject({ content: 'Q1, better', siblingIds: ['m1', 'm3'], siblingIndex: 1 });
    expect(chat.activeAnswer?.id).toBe('r3');
  });

  it('switches branch with PUT active-branch and shows the path it answers', async () => {
    const first = [pathMessage('m1', 'user', 'Q', { siblingCount: 2, siblingIndex: 1, siblingIds: ['m0', 'm1'] }), pathMessage('r1', 'assistant', 'A')];
    const other = [pathMessage('m0', 'user', 'Old Q', { siblingCount: 2, siblingIndex: 0, siblingIds: ['m0', 'm1'] }), pathMessage('r0', 'assistant', 'Old A')];
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': () => json(200, page(first)),
      'PUT /api/chat/conversations/c1/active-branch': () => json(200, page(other)),
    });
    const chat = useChatStore();
    await chat.open('c1');
    await chat.switchBranch('m0');
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', body: { messageId: 'm0' } });
    expect(chat.shown.map((message) => message.content)).toEqual(['Old Q', 'Old A']);
    expect(chat.shown[0]).toMatchObject({ siblingIndex: 0, siblingCount: 2 });
  });

  it('loads older pages with `before` and puts them first', async () => {
    const { calls } = fakeApi({
      'GET /api/chat/conversations/c1': (call) => (call.path.includes('before=m3')
        ? json(200, page([pathMessage('m1', 'user', 'Q1'), pathMessage('r1', 'assistant', 'A1')], null))
        : json(200, page([pathMessage('m3', 'user', 'Q2'), pathMessage('r3', 'assistant', 'A2')], 'm3'))),
    });
    const chat = useChatStore();
    await chat.open('c1');
    expect(chat.olderCursor).toBe('m3');
    expect(await chat.loadOlder()).toBe(2);
    expect(calls.at(-1)!.path).toBe('/api/chat/conversations/c1?before=m3');
    expect(ids(chat)).toEqual(['m1', 'r1', 'm3', 'r3']);
    expect(chat.olderCursor).toBeNull();
    expect(await chat.loadOlder()).toBe(0);
  });

  it('takes an announced stored answer (final state, usage) in place of the stream', async () => {
    fakeApi({ 'GET /api/chat/conversations/c1': () => json(200, page([pathMessage('m1', 'user', 'Q'), pathMessage('r1', 'assistant', '', { status: 'pending' })])) });
    const chat = useChatStore();
    await chat.open('c1');
    chat.applyEntries('r1', [entry(1, { type: 'delta', text: 'Hel' })]);
    const { siblingCount: _c, siblingIndex: _i, siblingIds: _s, ...stored } = pathMessage('r1', 'assistant', 'Hello', { usage: { promptTokens: 5, completionTokens: 7 } });
    chat.applyMessage(stored);
    expect(chat.shown[1]).toMatchObject({ content: 'Hello', status: 'completed', usage: { promptTokens: 5, completionTokens: 7 }, siblingCount: 1 });
    expect(chat.unfinishedStreams()).toEqual([]);
  });
});
