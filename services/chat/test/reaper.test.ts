import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import type { SendAccepted } from '../src/api-types.ts';
import { createReaper, type Reaper } from '../src/reaper/reaper.ts';
import { startChatPlatform, type ChatPlatform } from './chat-platform.ts';

const DEADLINE_MS = 5_000;

describeOnBothDialects('chat: reaper', (harness) => {
  let chat: ChatPlatform;
  // The reaper's clock: each test sets it relative to the rows' and entries' own timestamps.
  let clock = 0;
  let reaper: Reaper;

  beforeAll(async () => {
    chat = await startChatPlatform(harness);
    reaper = createReaper({ ...chat.deps, now: () => clock }, { deadlineMs: DEADLINE_MS });
  });

  afterAll(async () => {
    await chat?.stop();
  });

  async function exchange(as: string): Promise<SendAccepted & { createdAt: number }> {
    const conversationId = (await chat.call({ method: 'POST', url: '/conversations', as, body: {} })).json().id;
    const accepted: SendAccepted = (await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as, body: { content: 'Tell me' } })).json();
    const row = await chat.db.selectFrom('messages').select('created_at').where('id', '=', accepted.responseId).executeTakeFirstOrThrow();
    return { ...accepted, createdAt: new Date(row.created_at as string | Date).getTime() };
  }

  async function answer(as: string, accepted: SendAccepted) {
    const view = (await chat.call({ url: `/conversations/${accepted.conversationId}`, as })).json();
    return view.messages.find((m: { id: string }) => m.id === accepted.responseId);
  }

  const ref = (as: string, accepted: SendAccepted) => ({ responseId: accepted.responseId, conversationId: accepted.conversationId, userId: as });

  it('fails an answer whose stream stopped making progress with AI_NO_PROGRESS, keeping the partial text, and tells the clients', async () => {
    const accepted = await exchange('max');
    const entries = await chat.deps.responseStreams.append(ref('max', accepted), [
      { type: 'status', status: 'streaming', model: 'm', provider: 'p' }, { type: 'delta', text: 'Once upon' }, { type: 'delta', text: ' a time' },
    ]);
    const lastAt = entries.at(-1)!.at;
    clock = lastAt + DEADLINE_MS - 1;
    expect(await reaper.sweep()).toBe(0);
    expect(await answer('max', accepted)).toMatchObject({ status: 'pending' });

    clock = lastAt + DEADLINE_MS;
    expect(await reaper.sweep()).toBe(1);
    expect(await answer('max', accepted)).toMatchObject({ status: 'failed', errorCode: 'AI_NO_PROGRESS', content: 'Once upon a time', finishReason: 'error' });
    const stream = await chat.deps.responseStreams.read(accepted.responseId, entries.at(-1)!.seq);
    expect(stream.map((entry) => entry.event)).toEqual([{ type: 'end', status: 'failed', finishReason: 'error', errorCode: 'AI_NO_PROGRESS' }]);
    expect(chat.notifications.filter((n) => n.userId === 'max' && n.message.type === 'message.updated')).toHaveLength(1);
    // A second pass finds nothing more to do.
    expect(await reaper.sweep()).toBe(0);
  });

  it('keeps only the text after a reset, and counts from the row when there is no stream at all', async () => {
    const restarted = await exchange('ned');
    const entries = await chat.deps.responseStreams.append(ref('ned', restarted), [
      { type: 'delta', text: 'first attempt' }, { type: 'reset', reason: 'worker restarted' }, { type: 'delta', text: 'second' },
    ]);
    const silent = await exchange('ned');
    clock = Math.max(entries.at(-1)!.at, silent.createdAt) + DEADLINE_MS;
    expect(await reaper.sweep()).toBe(2);
    expect(await answer('ned', restarted)).toMatchObject({ status: 'failed', content: 'second', errorCode: 'AI_NO_PROGRESS' });
    expect(await answer('ned', silent)).toMatchObject({ status: 'failed', content: '', errorCode: 'AI_NO_PROGRESS' });
  });

  it('ends a stuck answer the user asked to stop as cancelled', async () => {
    const accepted = await exchange('ola');
    await chat.deps.responseStreams.append(ref('ola', accepted), [{ type: 'delta', text: 'Partial' }]);
    expect((await chat.call({ method: 'POST', url: `/conversations/${accepted.conversationId}/responses/${accepted.responseId}/cancel`, as: 'ola' })).statusCode).toBe(202);
    const entries = await chat.deps.responseStreams.read(accepted.responseId);
    clock = entries.at(-1)!.at + DEADLINE_MS;
    expect(await reaper.sweep()).toBe(1);
    expect(await answer('ola', accepted)).toMatchObject({ status: 'cancelled', content: 'Partial', errorCode: null });
    expect((await chat.deps.responseStreams.read(accepted.responseId)).at(-1)!.event).toEqual({ type: 'end', status: 'cancelled', finishReason: 'cancelled' });
  });

  it('ends as the stream said when its end came but the final event never did', async () => {
    const accepted = await exchange('pat');
    const entries = await chat.deps.responseStreams.append(ref('pat', accepted), [
      { type: 'delta', text: 'All done.' }, { type: 'end', status: 'completed', finishReason: 'stop' },
    ]);
    clock = entries.at(-1)!.at + DEADLINE_MS;
    expect(await reaper.sweep()).toBe(1);
    expect(await answer('pat', accepted)).toMatchObject({ status: 'completed', content: 'All done.', errorCode: null, finishReason: 'stop' });
    // No second end entry.
    expect(await chat.deps.responseStreams.read(accepted.responseId)).toHaveLength(2);
  });

  it('never touches a finished answer or one whose stream is still moving', async () => {
    const finished = await exchange('quinn');
    await chat.handled(await chat.publish('ai.response.generated', {
      conversationId: finished.conversationId, messageId: finished.messageId, responseId: finished.responseId, userId: 'quinn',
      status: 'completed', content: 'Final', model: 'm', provider: 'p', usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, finishReason: 'stop', cached: false,
    }));
    const moving = await exchange('quinn');
    const entries = await chat.deps.responseStreams.append(ref('quinn', moving), [{ type: 'delta', text: 'still going' }]);
    // The rows are old by this clock, but the stream's last entry is recent.
    clock = Math.max(finished.createdAt, moving.createdAt, entries.at(-1)!.at) + DEADLINE_MS - 1;
    const before = await chat.db.selectFrom('messages').select('id').where('status', 'in', ['pending', 'streaming']).execute();
    expect(before.map((row) => row.id)).toContain(moving.responseId);
    expect(await reaper.sweep()).toBe(0);
    expect(await answer('quinn', finished)).toMatchObject({ status: 'completed', content: 'Final' });
    expect(await answer('quinn', moving)).toMatchObject({ status: 'pending' });
  });
});
