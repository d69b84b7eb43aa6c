import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useChatStore } from '../src/stores/chat.ts';
import { useConversationsStore } from '../src/stores/conversations.ts';
import type { StreamEntryEvent } from '../src/api/contracts.ts';
import { fakeApi, json } from './fake-api.ts';

const delta = (seq: number, text: string) => ({ seq, event: { type: 'delta', text } as StreamEntryEvent });
const conversation = { id: 'c1', title: null, titleSource: null, pinned: false, archived: false, activeLeafId: null, createdAt: '', updatedAt: '', lastMessageAt: '' };

describe('chat store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('applies entries strictly in order and ignores ones already applied', () => {
    const chat = useChatStore();
    expect(chat.applyEntries('r1', [delta(1, 'Hel'), delta(2, 'lo')])).toBeNull();
    expect(chat.applyEntries('r1', [delta(2, 'lo'), delta(3, '!')])).toBeNull();
    expect(chat.streams.r1).toMatchObject({ text: 'Hello!', lastSeq: 3, status: 'streaming' });
  });

  it('asks to resume after the last applied seq when entries are missing', () => {
    const chat = useChatStore();
    chat.applyEntries('r1', [delta(1, 'a')]);
    expect(chat.applyEntries('r1', [delta(4, 'd')])).toBe(1);
    expect(chat.streams.r1!.text).toBe('a');
    // Joining mid-stream: nothing applied yet, resume from the start.
    expect(chat.applyEntries('r2', [delta(5, 'x')])).toBe(0);
  });

  it('drops the text on reset and records the final state, model and failure code', () => {
    const chat = useChatStore();
    chat.applyEntries('r1', [
      { seq: 1, event: { type: 'status', status: 'streaming', model: 'versaai-offline', provider: 'offline' } },
      delta(2, 'partial'),
      { seq: 3, event: { type: 'reset', reason: 'retry' } },
      delta(4, 'again'),
      { seq: 5, event: { type: 'end', status: 'failed', errorCode: 'AI_IDLE_TIMEOUT' } },
    ]);
    expect(chat.streams.r1).toMatchObject({ text: 'again', status: 'failed', model: 'versaai-offline', errorCode: 'AI_IDLE_TIMEOUT' });
    expect(chat.unfinishedStreams()).toEqual([]);
  });

  it('sends in a new conversation: creates it, then shows the question and a pending answer that the stream fills', async () => {
    const { calls } = fakeApi({
      'POST /api/chat/conversations': () => json(201, conversation),
      'POST /api/chat/conversations/c1/messages': () => json(202, { conversationId: 'c1', messageId: 'm1', responseId: 'r1' }),
    });
    const chat = useChatStore();
    expect(await chat.send('Hi')).toBe('c1');
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /api/chat/conversations', 'POST /api/chat/conversations/c1/messages']);
    expect(calls[1]!.body).toEqual({ content: 'Hi' });
    expect(useConversationsStore().items.map((item) => item.id)).toEqual(['c1']);
    expect(chat.unfinishedStreams()).toEqual([{ responseId: 'r1', afterSeq: 0 }]);
    chat.applyEntries('r1', [delta(1, 'Hello')]);
    expect(chat.messages.map((message) => chat.view(message)).map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'Hi', 'completed'],
      ['assistant', 'Hello', 'streaming'],
    ]);
    expect(chat.unfinishedStreams()).toEqual([{ responseId: 'r1', afterSeq: 1 }]);
  });

  it('opens a conversation from the API', async () => {
    const message = { id: 'm1', conversationId: 'c1', parentId: null, role: 'user', content: 'Q', status: 'completed', errorCode: null, model: null };
    fakeApi({ 'GET /api/chat/conversations/c1': () => json(200, { conversation, messages: [message], nextCursor: null }) });
    const chat = useChatStore();
    await chat.open('c1');
    expect(chat.conversationId).toBe('c1');
    expect(chat.messages).toMatchObject([{ id: 'm1', role: 'user', content: 'Q', status: 'completed', errorCode: null, model: null }]);
  });
});
