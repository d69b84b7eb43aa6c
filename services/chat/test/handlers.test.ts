import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import type { SendAccepted } from '../src/api-types.ts';
import { startChatPlatform, type ChatPlatform } from './chat-platform.ts';

describeOnBothDialects('chat: event handlers', (harness) => {
  let chat: ChatPlatform;

  beforeAll(async () => {
    chat = await startChatPlatform(harness);
  });

  afterAll(async () => {
    await chat?.stop();
  });

  async function exchange(as: string, title?: string): Promise<SendAccepted> {
    const conversationId = (await chat.call({ method: 'POST', url: '/conversations', as, body: title ? { title } : {} })).json().id;
    return (await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as, body: { content: 'Hello' } })).json();
  }

  function generated(as: string, accepted: SendAccepted, outcome: { status: 'completed' | 'failed' | 'cancelled'; content: string; errorCode?: string; finishReason?: string }) {
    return chat.publish('ai.response.generated', {
      conversationId: accepted.conversationId, messageId: accepted.messageId, responseId: accepted.responseId, userId: as,
      content: outcome.content, status: outcome.status, ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      model: 'llama-3.3-70b', provider: 'groq', usage: { promptTokens: 12, completionTokens: 34 }, costUsd: 0.0012,
      finishReason: outcome.finishReason ?? 'stop', cached: false,
    });
  }

  async function answerOf(as: string, accepted: SendAccepted) {
    const view = (await chat.call({ url: `/conversations/${accepted.conversationId}`, as })).json();
    return view.messages.find((m: { id: string }) => m.id === accepted.responseId);
  }

  it('completes the pending answer with content, model, usage and cost; a duplicate or a later event changes nothing', async () => {
    const accepted = await exchange('gus');
    const event = await generated('gus', accepted, { status: 'completed', content: 'Hi there' });
    await chat.handled(event);
    const expected = {
      status: 'completed', content: 'Hi there', errorCode: null, model: 'llama-3.3-70b', provider: 'groq',
      usage: { promptTokens: 12, completionTokens: 34 }, costUsd: 0.0012, finishReason: 'stop',
    };
    expect(await answerOf('gus', accepted)).toMatchObject(expected);
    expect(chat.notifications.filter((n) => n.userId === 'gus' && n.message.type === 'message.updated')).toHaveLength(1);

    // The same event delivered again (same id), then another final word for the same answer on
    // the same stream: once that one is handled, the duplicate before it was too.
    await chat.redeliver(event);
    const late = await generated('gus', accepted, { status: 'failed', content: 'other', errorCode: 'AI_IDLE_TIMEOUT', finishReason: 'error' });
    await chat.handled(late);
    expect(await answerOf('gus', accepted)).toMatchObject(expected);
    expect(chat.notifications.filter((n) => n.userId === 'gus' && n.message.type === 'message.updated')).toHaveLength(1);
  });

  it('keeps the partial text and the code of a failed or cancelled answer', async () => {
    const failed = await exchange('hal');
    await chat.handled(await generated('hal', failed, { status: 'failed', content: 'Half an ans', errorCode: 'AI_IDLE_TIMEOUT', finishReason: 'error' }));
    expect(await answerOf('hal', failed)).toMatchObject({ status: 'failed', content: 'Half an ans', errorCode: 'AI_IDLE_TIMEOUT', finishReason: 'error' });
    const cancelled = await exchange('hal');
    await chat.handled(await generated('hal', cancelled, { status: 'cancelled', content: 'Stopped he', finishReason: 'cancelled' }));
    expect(await answerOf('hal', cancelled)).toMatchObject({ status: 'cancelled', content: 'Stopped he', errorCode: null, finishReason: 'cancelled' });
  });

  it('stores a NUL a model produced as U+FFFD rather than failing the event', async () => {
    const accepted = await exchange('ivy');
    await chat.handled(await generated('ivy', accepted, { status: 'completed', content: 'odd\u0000byte' }));
    expect(await answerOf('ivy', accepted)).toMatchObject({ status: 'completed', content: 'odd\uFFFDbyte' });
  });

  it("ignores an answer event naming another user's message", async () => {
    const accepted = await exchange('ida');
    await chat.handled(await generated('intruder', accepted, { status: 'completed', content: 'forged' }));
    expect(await answerOf('ida', accepted)).toMatchObject({ status: 'pending', content: '' });
  });

  it('titles a conversation from conversation.title.generated unless the user named it', async () => {
    const untitled = await exchange('jay');
    await chat.handled(await chat.publish('conversation.title.generated', { conversationId: untitled.conversationId, userId: 'jay', title: '  "Greetings\nexchanged"  ' }));
    const view = (await chat.call({ url: `/conversations/${untitled.conversationId}`, as: 'jay' })).json();
    expect(view.conversation).toMatchObject({ title: 'Greetings exchanged', titleSource: 'auto' });

    const named = await exchange('jay', 'My own name');
    await chat.handled(await chat.publish('conversation.title.generated', { conversationId: named.conversationId, userId: 'jay', title: 'Generated' }));
    expect((await chat.call({ url: `/conversations/${named.conversationId}`, as: 'jay' })).json().conversation).toMatchObject({ title: 'My own name', titleSource: 'user' });

    // Renamed after a generated title: the user's name stays.
    await chat.call({ method: 'PATCH', url: `/conversations/${untitled.conversationId}`, as: 'jay', body: { title: 'Renamed' } });
    await chat.handled(await chat.publish('conversation.title.generated', { conversationId: untitled.conversationId, userId: 'jay', title: 'Generated again' }));
    expect((await chat.call({ url: `/conversations/${untitled.conversationId}`, as: 'jay' })).json().conversation.title).toBe('Renamed');
  });

  it("erases every conversation and message of a deleted user, and only theirs", async () => {
    await exchange('kim');
    await exchange('kim');
    const other = await exchange('lou');
    const deleted = await chat.publish('user.deleted', { userId: 'kim', deletedAt: new Date().toISOString() }, 'auth');
    await chat.handled(deleted);
    expect(await chat.db.selectFrom('conversations').select('id').where('user_id', '=', 'kim').execute()).toEqual([]);
    expect(await chat.db.selectFrom('messages').select('id').where('user_id', '=', 'kim').execute()).toEqual([]);
    expect((await chat.call({ url: '/conversations', as: 'kim' })).json().items).toEqual([]);
    expect((await chat.call({ url: `/conversations/${other.conversationId}`, as: 'lou' })).statusCode).toBe(200);
  });
});
