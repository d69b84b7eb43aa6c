import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import type { Conversation, ConversationPage } from '../src/api-types.ts';
import { startChatPlatform, type ChatPlatform } from './chat-platform.ts';

describeOnBothDialects('chat: conversation routes', (harness) => {
  let chat: ChatPlatform;

  beforeAll(async () => {
    chat = await startChatPlatform(harness);
  });

  afterAll(async () => {
    await chat?.stop();
  });

  async function create(as: string, body: object = {}): Promise<Conversation> {
    const response = await chat.call({ method: 'POST', url: '/conversations', as, body });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  it('creates a conversation, named by the user or untitled', async () => {
    const named = await create('alice', { title: '  Trip plans ' });
    expect(named).toMatchObject({ title: 'Trip plans', titleSource: 'user', pinned: false, archived: false, activeLeafId: null });
    const untitled = await create('alice');
    expect(untitled).toMatchObject({ title: null, titleSource: null });
    expect(chat.notifications.filter((n) => n.message.type === 'conversation.created').map((n) => n.userId)).toEqual(['alice', 'alice']);
  });

  it('refuses anonymous callers, unknown fields, blank or long titles and bad cursors with problems', async () => {
    expect((await chat.call({ method: 'POST', url: '/conversations', body: {} })).statusCode).toBe(401);
    const unknown = await chat.call({ method: 'POST', url: '/conversations', as: 'alice', body: { title: 'x', owner: 'bob' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.json().code).toBe('VALIDATION_FAILED');
    expect((await chat.call({ method: 'POST', url: '/conversations', as: 'alice', body: { title: '   ' } })).json().code).toBe('VALIDATION_FAILED');
    expect((await chat.call({ method: 'POST', url: '/conversations', as: 'alice', body: { title: 'x'.repeat(201) } })).statusCode).toBe(400);
    const cursor = await chat.call({ url: '/conversations?cursor=not-a-cursor', as: 'alice' });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe('CHAT_INVALID_CURSOR');
    for (const forged of [[0, '2025-01-01T00:00:00.000Z', 'a\u0000b'], [0, '-000001-01-01T00:00:00.000Z', 'abc'], [2, '2025-01-01T00:00:00.000Z', 'abc'], { before: 'x' }]) {
      const encoded = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect((await chat.call({ url: `/conversations?cursor=${encoded}`, as: 'alice' })).json().code).toBe('CHAT_INVALID_CURSOR');
    }
    expect((await chat.call({ url: '/conversations?limit=0', as: 'alice' })).json().code).toBe('VALIDATION_FAILED');
    expect((await chat.call({ method: 'PATCH', url: '/conversations/x', as: 'alice', body: {} })).json().code).toBe('VALIDATION_FAILED');
  });

  it('lists pinned first, then most recent first, page by page; archived apart', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create('carol', { title: `c${i}` })).id);
    // Pinning c1 puts it first; archiving c3 takes it out of the default list.
    expect((await chat.call({ method: 'PATCH', url: `/conversations/${ids[1]}`, as: 'carol', body: { pinned: true } })).statusCode).toBe(200);
    expect((await chat.call({ method: 'PATCH', url: `/conversations/${ids[3]}`, as: 'carol', body: { archived: true } })).json()).toMatchObject({ archived: true });
    // A message makes c0 the most recent.
    expect((await chat.call({ method: 'POST', url: `/conversations/${ids[0]}/messages`, as: 'carol', body: { content: 'hello' } })).statusCode).toBe(202);

    const seen: string[] = [];
    let url = '/conversations?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page: ConversationPage = (await chat.call({ url, as: 'carol' })).json();
      seen.push(...page.items.map((item) => item.title!));
      if (page.nextCursor === null) break;
      url = `/conversations?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toEqual(['c1', 'c0', 'c4', 'c2']);
    expect((await chat.call({ url: '/conversations?archived=true', as: 'carol' })).json().items.map((c: Conversation) => c.title)).toEqual(['c3']);
    expect((await chat.call({ url: '/conversations?pinned=true', as: 'carol' })).json().items.map((c: Conversation) => c.title)).toEqual(['c1']);
    expect((await chat.call({ url: '/conversations', as: 'dave' })).json()).toEqual({ items: [], nextCursor: null });
  });

  it('renames, clears the title, pins and archives; deletes with its messages', async () => {
    const conversation = await create('erin');
    const renamed = await chat.call({ method: 'PATCH', url: `/conversations/${conversation.id}`, as: 'erin', body: { title: 'Renamed', pinned: true } });
    expect(renamed.json()).toMatchObject({ title: 'Renamed', titleSource: 'user', pinned: true });
    const cleared = await chat.call({ method: 'PATCH', url: `/conversations/${conversation.id}`, as: 'erin', body: { title: null, pinned: false } });
    expect(cleared.json()).toMatchObject({ title: null, titleSource: null, pinned: false });
    const sent = (await chat.call({ method: 'POST', url: `/conversations/${conversation.id}/messages`, as: 'erin', body: { content: 'to be deleted' } })).json();
    expect((await chat.call({ method: 'DELETE', url: `/conversations/${conversation.id}`, as: 'erin' })).statusCode).toBe(204);
    // Its answer was still pending: the generator is asked to stop.
    expect(await chat.deps.responseStreams.isCancelRequested(sent.responseId)).toBe(true);
    expect((await chat.call({ url: `/conversations/${conversation.id}`, as: 'erin' })).json().code).toBe('CHAT_CONVERSATION_NOT_FOUND');
    expect(await chat.db.selectFrom('messages').select('id').where('conversation_id', '=', conversation.id).execute()).toEqual([]);
    expect((await chat.call({ method: 'DELETE', url: `/conversations/${conversation.id}`, as: 'erin' })).statusCode).toBe(404);
    expect(chat.notifications.some((n) => n.userId === 'erin' && n.message.type === 'conversation.deleted')).toBe(true);
  });

  it("answers 404 for another user's conversation, messages and answers, never 403", async () => {
    const conversation = await create('frank', { title: 'Private' });
    const sent = (await chat.call({ method: 'POST', url: `/conversations/${conversation.id}/messages`, as: 'frank', body: { content: 'secret' } })).json();
    const base = `/conversations/${conversation.id}`;
    const attempts = [
      { method: 'GET', url: base, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'PATCH', url: base, body: { title: 'Mine now' }, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'DELETE', url: base, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'POST', url: `${base}/messages`, body: { content: 'hi' }, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'POST', url: `${base}/messages/${sent.messageId}/edit`, body: { content: 'hi' }, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'POST', url: `${base}/responses/${sent.responseId}/regenerate`, body: {}, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'POST', url: `${base}/responses/${sent.responseId}/cancel`, code: 'CHAT_CONVERSATION_NOT_FOUND' },
      { method: 'PUT', url: `${base}/active-branch`, body: { messageId: sent.messageId }, code: 'CHAT_CONVERSATION_NOT_FOUND' },
    ];
    for (const attempt of attempts) {
      const response = await chat.call({ ...attempt, as: 'mallory' });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(404);
      expect(response.json().code).toBe(attempt.code);
    }
    // Mallory's own conversation with Frank's message ids: still nothing of Frank's.
    const own = await create('mallory');
    const mine = `/conversations/${own.id}`;
    const crossIds = [
      { method: 'POST', url: `${mine}/messages`, body: { content: 'hi', parentId: sent.responseId }, code: 'CHAT_MESSAGE_NOT_FOUND' },
      { method: 'POST', url: `${mine}/messages/${sent.messageId}/edit`, body: { content: 'hi' }, code: 'CHAT_MESSAGE_NOT_FOUND' },
      { method: 'POST', url: `${mine}/responses/${sent.responseId}/regenerate`, body: {}, code: 'CHAT_RESPONSE_NOT_FOUND' },
      { method: 'POST', url: `${mine}/responses/${sent.responseId}/cancel`, code: 'CHAT_RESPONSE_NOT_FOUND' },
      { method: 'PUT', url: `${mine}/active-branch`, body: { messageId: sent.messageId }, code: 'CHAT_MESSAGE_NOT_FOUND' },
      { method: 'GET', url: `${mine}?before=${sent.messageId}`, code: 'CHAT_INVALID_CURSOR', status: 400 },
    ];
    for (const attempt of crossIds) {
      const response = await chat.call({ ...attempt, as: 'mallory' });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(attempt.status ?? 404);
      expect(response.json().code).toBe(attempt.code);
    }
    expect(await chat.deps.responseStreams.isCancelRequested(sent.responseId)).toBe(false);
    expect((await chat.call({ url: base, as: 'frank' })).json().conversation.title).toBe('Private');
  });

  it("exports the caller's own conversations and messages only", async () => {
    const response = await chat.call({ url: '/privacy/export', as: 'frank' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.conversations.map((c: Conversation) => c.title)).toEqual(['Private']);
    expect(body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([['user', 'secret'], ['assistant', '']]);
    expect((await chat.call({ url: '/privacy/export', as: { sub: 'frank', kind: 'api_key', scope: 'chat:read' } })).statusCode).toBe(403);
  });
});
