import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import type { ConversationWithPath, SendAccepted } from '../src/api-types.ts';
import { startChatPlatform, type ChatPlatform } from './chat-platform.ts';

describeOnBothDialects('chat: message routes', (harness) => {
  let chat: ChatPlatform;

  beforeAll(async () => {
    chat = await startChatPlatform(harness);
  });

  afterAll(async () => {
    await chat?.stop();
  });

  async function newConversation(as: string, body: object = {}): Promise<string> {
    return (await chat.call({ method: 'POST', url: '/conversations', as, body })).json().id;
  }

  async function send(as: string, conversationId: string, body: object): Promise<SendAccepted> {
    const response = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as, body });
    expect(response.statusCode, response.body).toBe(202);
    return response.json();
  }

  async function answer(as: string, conversationId: string, accepted: SendAccepted, content: string): Promise<void> {
    const event = await chat.publish('ai.response.generated', {
      conversationId, messageId: accepted.messageId, responseId: accepted.responseId, userId: as, status: 'completed', content,
      model: 'versaai-offline', provider: 'offline', usage: { promptTokens: 1, completionTokens: 2 }, costUsd: 0, finishReason: 'stop', cached: false,
    });
    await chat.handled(event);
  }

  async function path(as: string, conversationId: string, query = ''): Promise<ConversationWithPath> {
    const response = await chat.call({ url: `/conversations/${conversationId}${query}`, as });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  it('stores the message, a pending answer and message.sent together, and answers 202 with both ids', async () => {
    const conversationId = await newConversation('ann');
    await chat.published('message.sent');
    const accepted = await send('ann', conversationId, { content: 'What is 2+2?', model: 'versaai-offline', parameters: { temperature: 0 } });
    expect(accepted).toEqual({ conversationId, messageId: expect.any(String), responseId: expect.any(String) });
    const rows = await chat.db.selectFrom('messages').select(['id', 'role', 'status', 'parent_id', 'content']).where('conversation_id', '=', conversationId).orderBy('id').execute();
    expect(rows).toEqual([
      { id: accepted.messageId, role: 'user', status: 'completed', parent_id: null, content: 'What is 2+2?' },
      { id: accepted.responseId, role: 'assistant', status: 'pending', parent_id: accepted.messageId, content: '' },
    ]);
    const [event] = await chat.published('message.sent', 1);
    expect(event!.key).toBe(conversationId);
    expect(event!.data).toEqual({
      conversationId, messageId: accepted.messageId, responseId: accepted.responseId, userId: 'ann', content: 'What is 2+2?',
      model: 'versaai-offline', history: [], parameters: { temperature: 0 }, generateTitle: true,
    });
    expect((await path('ann', conversationId)).conversation.activeLeafId).toBe(accepted.responseId);
    expect(chat.notifications.filter((n) => n.userId === 'ann').map((n) => n.message.type))
      .toEqual(['conversation.created', 'message.created', 'message.created', 'conversation.updated']);

    // The next message follows the answer; the model sees the path before it.
    await answer('ann', conversationId, accepted, '4');
    const next = await send('ann', conversationId, { content: 'And 3+3?' });
    const [second] = await chat.published('message.sent', 1);
    expect(second!.data).toMatchObject({
      messageId: next.messageId, history: [{ role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: '4' }], parameters: {}, generateTitle: false,
    });
    expect((await chat.db.selectFrom('messages').select('parent_id').where('id', '=', next.messageId).executeTakeFirstOrThrow()).parent_id).toBe(accepted.responseId);
  });

  it('leaves nothing half-written when an insert fails: no message, no answer, no event', async () => {
    const conversationId = await newConversation('ben');
    await chat.published('message.sent');
    if (harness.dialect === 'sqlite') {
      await sql`create trigger refuse_answers before insert on messages when new.role = 'assistant' and new.user_id = 'ben'
        begin select raise(abort, 'injected failure'); end`.execute(chat.db);
    } else {
      await sql`create function refuse_answers() returns trigger language plpgsql as $$
        begin if new.role = 'assistant' and new.user_id = 'ben' then raise exception 'injected failure'; end if; return new; end $$`.execute(chat.db);
      await sql`create trigger refuse_answers before insert on messages for each row execute function refuse_answers()`.execute(chat.db);
    }
    try {
      const response = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as: 'ben', body: { content: 'lost?' } });
      expect(response.statusCode).toBe(500);
    } finally {
      await sql`drop trigger refuse_answers${harness.dialect === 'postgres' ? sql` on messages` : sql``}`.execute(chat.db);
    }
    expect(await chat.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute()).toEqual([]);
    expect((await path('ben', conversationId)).conversation.activeLeafId).toBeNull();
    expect(await chat.db.selectFrom('versaai_outbox').select('id').execute()).toEqual([]);
    // The same request works once the fault is gone, and only its own event goes out.
    const accepted = await send('ben', conversationId, { content: 'lost?' });
    const events = await chat.published('message.sent', 1);
    expect(events.map((event) => (event.data as { responseId: string }).responseId)).toEqual([accepted.responseId]);
  });

  it('edits and regenerates as sibling branches, switches branch, and shows the active path with sibling counts', async () => {
    const conversationId = await newConversation('cat');
    const first = await send('cat', conversationId, { content: 'Q1' });
    await answer('cat', conversationId, first, 'A1');
    const second = await send('cat', conversationId, { content: 'Q2' });
    await answer('cat', conversationId, second, 'A2');

    // Regenerating A2: a second answer to Q2, now on the active path.
    const regenerated = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${second.responseId}/regenerate`, as: 'cat', body: { model: 'other-model' } });
    expect(regenerated.statusCode).toBe(202);
    const again: SendAccepted = regenerated.json();
    expect(again.messageId).toBe(second.messageId);
    const [regeneratedEvent] = (await chat.published('message.sent', 3)).slice(-1);
    expect(regeneratedEvent!.data).toMatchObject({
      messageId: second.messageId, responseId: again.responseId, content: 'Q2', model: 'other-model',
      history: [{ role: 'user', content: 'Q1' }, { role: 'assistant', content: 'A1' }], generateTitle: false,
    });
    // Still pending: a third answer must wait (or the user cancels first).
    const busy = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${again.responseId}/regenerate`, as: 'cat', body: {} });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('CHAT_RESPONSE_IN_PROGRESS');
    await answer('cat', conversationId, again, 'A2 bis');
    // Without a body at all: the same question, to the model that gave the previous answer.
    const bare = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${again.responseId}/regenerate`, as: 'cat' });
    expect(bare.statusCode, bare.body).toBe(202);
    const third: SendAccepted = bare.json();
    expect((await chat.published('message.sent', 1)).at(-1)!.data).toMatchObject({ responseId: third.responseId, model: 'versaai-offline', content: 'Q2' });
    await answer('cat', conversationId, third, 'A2 ter');
    // Back to the second answer for the checks below.
    expect((await chat.call({ method: 'PUT', url: `/conversations/${conversationId}/active-branch`, as: 'cat', body: { messageId: again.responseId } })).statusCode).toBe(200);

    let view = await path('cat', conversationId);
    expect(view.messages.map((m) => [m.content, m.siblingIndex, m.siblingCount])).toEqual([['Q1', 0, 1], ['A1', 0, 1], ['Q2', 0, 1], ['A2 bis', 1, 3]]);
    expect(view.messages[3]!.siblingIds).toEqual([second.responseId, again.responseId, third.responseId]);

    // Editing Q1: a new first question with its own answer; everything after the old Q1 stays on its branch.
    const edited = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages/${first.messageId}/edit`, as: 'cat', body: { content: 'Q1 edited' } });
    expect(edited.statusCode).toBe(202);
    const editAccepted: SendAccepted = edited.json();
    expect((await chat.published('message.sent', 1)).at(-1)!.data).toMatchObject({ content: 'Q1 edited', history: [], generateTitle: true });
    view = await path('cat', conversationId);
    expect(view.messages.map((m) => [m.content, m.status, m.siblingIndex, m.siblingCount])).toEqual([['Q1 edited', 'completed', 1, 2], ['', 'pending', 0, 1]]);
    expect(view.conversation.activeLeafId).toBe(editAccepted.responseId);

    // Back to the original Q1: its branch ends at the newest answer of its newest follow-up.
    const switched = await chat.call({ method: 'PUT', url: `/conversations/${conversationId}/active-branch`, as: 'cat', body: { messageId: first.messageId } });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().messages.map((m: { content: string }) => m.content)).toEqual(['Q1', 'A1', 'Q2', 'A2 ter']);
    expect(switched.json().conversation.activeLeafId).toBe(third.responseId);
    // Choosing the older answer shows it.
    const older = await chat.call({ method: 'PUT', url: `/conversations/${conversationId}/active-branch`, as: 'cat', body: { messageId: second.responseId } });
    expect(older.json().messages.map((m: { content: string; siblingIndex: number }) => [m.content, m.siblingIndex]).at(-1)).toEqual(['A2', 0]);

    // Editing an answer is refused; a message must follow an answer.
    const notEditable = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages/${second.responseId}/edit`, as: 'cat', body: { content: 'x' } });
    expect(notEditable.json().code).toBe('CHAT_MESSAGE_NOT_EDITABLE');
    const badParent = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as: 'cat', body: { content: 'x', parentId: second.messageId } });
    expect(badParent.statusCode).toBe(409);
    expect(badParent.json().code).toBe('CHAT_INVALID_PARENT');
    const regenerateQuestion = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${second.messageId}/regenerate`, as: 'cat', body: {} });
    expect(regenerateQuestion.json().code).toBe('CHAT_RESPONSE_NOT_FOUND');
  });

  it('chains concurrent sends into one branch: each follows the answer before it', async () => {
    const conversationId = await newConversation('gil');
    const accepted = await Promise.all(Array.from({ length: 6 }, (_, i) => send('gil', conversationId, { content: `Q${i}` })));
    const view = await path('gil', conversationId, '?limit=200');
    expect(view.messages).toHaveLength(12);
    expect(view.messages.every((m) => m.siblingCount === 1)).toBe(true);
    expect(view.conversation.activeLeafId).toBe(view.messages.at(-1)!.id);
    expect(new Set(view.messages.map((m) => m.id))).toEqual(new Set(accepted.flatMap((a) => [a.messageId, a.responseId])));
  });

  it('pages the history backwards by cursor', async () => {
    const conversationId = await newConversation('dan');
    for (let i = 1; i <= 3; i++) {
      const accepted = await send('dan', conversationId, { content: `Q${i}` });
      await answer('dan', conversationId, accepted, `A${i}`);
    }
    const seen: string[][] = [];
    let query = '?limit=4';
    for (let pages = 0; pages < 5; pages++) {
      const view = await path('dan', conversationId, query);
      seen.push(view.messages.map((m) => m.content));
      if (view.nextCursor === null) break;
      query = `?limit=4&before=${view.nextCursor}`;
    }
    expect(seen).toEqual([['Q2', 'A2', 'Q3', 'A3'], ['Q1', 'A1']]);
    expect((await path('dan', conversationId, '?limit=200')).messages).toHaveLength(6);
    expect((await chat.call({ url: `/conversations/${conversationId}?limit=201`, as: 'dan' })).json().code).toBe('VALIDATION_FAILED');
    expect((await path('dan', await newConversation('dan'))).messages).toEqual([]);
  });

  it('limits content: at most 100,000 characters, not blank, no unknown fields', async () => {
    const conversationId = await newConversation('eve');
    const cases = [
      { content: 'x'.repeat(100_001) },
      { content: '' },
      { content: '  \n ' },
      { content: 'hi', temperature: 1 },
      { content: 'hi', parameters: { temperature: 3 } },
      { content: 'hi', parameters: { topK: 3 } },
      { content: 42 },
      { content: 'a\u0000b' },
      { content: 'hi', model: 'gpt\u0000' },
      { content: 'hi', parentId: 'a\u0000b' },
      { content: 'hi', parentId: '../etc' },
    ];
    for (const body of cases) {
      const response = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/messages`, as: 'eve', body });
      expect(response.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
    await send('eve', conversationId, { content: 'x'.repeat(100_000) });
  });

  it('asks the generator to stop an unfinished answer; a finished one is left alone', async () => {
    const conversationId = await newConversation('fay');
    const accepted = await send('fay', conversationId, { content: 'long story' });
    const cancel = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${accepted.responseId}/cancel`, as: 'fay' });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toEqual({ responseId: accepted.responseId, cancelRequested: true, status: 'pending' });
    expect(await chat.deps.responseStreams.isCancelRequested(accepted.responseId)).toBe(true);

    const done = await send('fay', conversationId, { content: 'short', parentId: undefined });
    await answer('fay', conversationId, done, 'ok');
    const late = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${done.responseId}/cancel`, as: 'fay' });
    expect(late.json()).toEqual({ responseId: done.responseId, cancelRequested: false, status: 'completed' });
    expect(await chat.deps.responseStreams.isCancelRequested(done.responseId)).toBe(false);
    const question = await chat.call({ method: 'POST', url: `/conversations/${conversationId}/responses/${done.messageId}/cancel`, as: 'fay' });
    expect(question.json().code).toBe('CHAT_RESPONSE_NOT_FOUND');
  });
});
