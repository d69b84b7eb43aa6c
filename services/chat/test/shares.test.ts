import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '@versaai/events';
import { describeOnBothDialects } from '@versaai/testing';
import { shareRoutes } from '../src/shares/share-routes.ts';
import { onUserDeleted } from '../src/handlers/user-deleted.ts';
import { insertChain, insertConversation, insertMessage } from './search-fixtures.ts';
import { startChatRoutes, type ChatRoutesPlatform } from './search-platform.ts';

describeOnBothDialects('chat: share links', (harness) => {
  let chat: ChatRoutesPlatform;
  const gil = { sub: 'user-gil-0001' };
  const hana = { sub: 'user-hana-0002' };
  let conversation: string;
  let lastAnswer: string;

  beforeAll(async () => {
    chat = await startChatRoutes(harness, [shareRoutes], { VERSAAI_PUBLIC_URL: 'https://chat.example.org/' });
    conversation = await insertConversation(chat.db, gil.sub, 'Plan de viaje');
    const [, answer] = await insertChain(chat.db, conversation, gil.sub, ['¿Qué ver en Oporto?', 'La Ribeira y la librería Lello.'], { model: 'llama-3.3-70b' });
    lastAnswer = answer!;
  });

  afterAll(async () => {
    await chat?.stop();
  });

  const create = async (as = gil, id = conversation, body?: unknown) => chat.call({ method: 'POST', url: `/api/chat/conversations/${id}/shares`, as, body });
  const view = (shareId: string) => chat.call({ url: `/api/chat/shared/${shareId}` });

  it('creates an unguessable link to a snapshot anyone can read without logging in', async () => {
    const created = await create();
    expect(created.statusCode).toBe(201);
    const share = created.json();
    expect(share).toEqual({
      shareId: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), url: `https://chat.example.org/api/chat/shared/${share.shareId}`,
      conversationId: conversation, title: 'Plan de viaje', messageCount: 2, createdAt: expect.any(String),
    });
    expect(created.headers.location).toBe(share.url);

    const viewed = await view(share.shareId);
    expect(viewed.statusCode).toBe(200);
    expect(viewed.headers['cache-control']).toBe('no-store');
    expect(viewed.headers['referrer-policy']).toBe('no-referrer');
    expect(viewed.json()).toEqual({
      title: 'Plan de viaje',
      sharedAt: share.createdAt,
      messages: [
        { role: 'user', content: '¿Qué ver en Oporto?', model: null, status: 'completed', createdAt: expect.any(String) },
        { role: 'assistant', content: 'La Ribeira y la librería Lello.', model: 'llama-3.3-70b', status: 'completed', createdAt: expect.any(String) },
      ],
    });
    expect(viewed.body).not.toContain(gil.sub);
    expect(viewed.body).not.toContain(conversation);
    expect(viewed.body).not.toContain(lastAnswer);
  });

  it('keeps the snapshot as it was: later messages and a new title do not show', async () => {
    const share = (await create()).json();
    const question = await insertMessage(chat.db, conversation, gil.sub, '¿Y en Lisboa?', { parentId: lastAnswer });
    await insertMessage(chat.db, conversation, gil.sub, '', { role: 'assistant', status: 'pending', parentId: question });
    await chat.db.updateTable('conversations').set({ title: 'Renamed' }).where('id', '=', conversation).execute();
    const viewed = (await view(share.shareId)).json();
    expect(viewed.title).toBe('Plan de viaje');
    expect(viewed.messages).toHaveLength(2);
    expect(JSON.stringify(viewed)).not.toContain('Lisboa');

    // A share made now has the new question, but not the answer still being generated.
    const later = (await create()).json();
    expect(later.messageCount).toBe(3);
    expect((await view(later.shareId)).json().messages.at(-1)).toMatchObject({ role: 'user', content: '¿Y en Lisboa?' });
  });

  it('lists my links only, newest first', async () => {
    const mine = await chat.call({ url: '/api/chat/shares', as: gil });
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as Array<{ shareId: string; createdAt: string; url: string }>;
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.map((item) => item.createdAt)).toEqual(items.map((item) => item.createdAt).sort().reverse());
    expect(items[0]!.url).toBe(`https://chat.example.org/api/chat/shared/${items[0]!.shareId}`);
    expect((await chat.call({ url: '/api/chat/shares', as: hana })).json()).toEqual({ items: [] });
  });

  it('revokes: afterwards the link is 404 CHAT_SHARE_NOT_FOUND; only the owner can revoke', async () => {
    const share = (await create()).json();
    const foreign = await chat.call({ method: 'DELETE', url: `/api/chat/shares/${share.shareId}`, as: hana });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CHAT_SHARE_NOT_FOUND');
    expect((await view(share.shareId)).statusCode).toBe(200);

    expect((await chat.call({ method: 'DELETE', url: `/api/chat/shares/${share.shareId}`, as: gil })).statusCode).toBe(204);
    const gone = await view(share.shareId);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.json().code).toBe('CHAT_SHARE_NOT_FOUND');
    expect((await chat.call({ method: 'DELETE', url: `/api/chat/shares/${share.shareId}`, as: gil })).statusCode).toBe(404);
    expect((await chat.call({ url: '/api/chat/shares', as: gil })).json().items.map((item: { shareId: string }) => item.shareId)).not.toContain(share.shareId);
  });

  it("answers 404 for unknown links and for sharing another user's conversation", async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAAAA', 'x', '..%2F..%2Fetc', 'x'.repeat(100)]) {
      const response = await view(id);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().code).toBe('CHAT_SHARE_NOT_FOUND');
    }
    // A NUL byte never reaches a route: the kernel refuses the request target first.
    for (const id of ['%00', 'a%00b']) expect((await view(id)).json().code).toBe('INVALID_REQUEST_TARGET');
    const nul = await chat.call({ method: 'DELETE', url: '/api/chat/shares/%00', as: gil });
    expect(nul.statusCode).toBe(400);
    expect((await create(gil, '%00')).statusCode).toBe(400);
    const foreign = await create(hana);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('CHAT_CONVERSATION_NOT_FOUND');
  });

  it('takes no body fields, and needs a signed-in caller except for the public view', async () => {
    expect((await create(gil, conversation, {})).statusCode).toBe(201);
    const unknown = await create(gil, conversation, { expiresAt: 'never' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('VALIDATION_FAILED');
    expect((await chat.call({ method: 'POST', url: `/api/chat/conversations/${conversation}/shares` })).statusCode).toBe(401);
    expect((await chat.call({ url: '/api/chat/shares' })).statusCode).toBe(401);
    expect((await chat.call({ method: 'DELETE', url: '/api/chat/shares/whatever' })).statusCode).toBe(401);
    const readOnlyKey = { ...gil, kind: 'api_key' as const, sid: 'ak_2', scope: 'chat:read' };
    expect((await create(readOnlyKey)).statusCode).toBe(403);
  });

  it("revokes the shares of a deleted conversation, and all of a deleted user's (chat's user.deleted handler)", async () => {
    const doomed = await insertConversation(chat.db, gil.sub, 'Doomed');
    await insertMessage(chat.db, doomed, gil.sub, 'bye');
    const ofDoomed = (await create(gil, doomed)).json();
    const kept = (await create()).json();
    await chat.db.deleteFrom('conversations').where('id', '=', doomed).execute();
    expect((await view(ofDoomed.shareId)).statusCode).toBe(404);
    expect((await view(kept.shareId)).statusCode).toBe(200);

    const hanas = await insertConversation(chat.db, hana.sub, 'Hana');
    const ofHana = (await create(hana, hanas)).json();
    const deleted = createEvent('user.deleted', { userId: gil.sub, deletedAt: new Date().toISOString() }, { source: 'auth', key: gil.sub });
    await chat.db.transaction().execute((trx) => onUserDeleted(deleted, { trx, logger: chat.platform.logger, publish: async () => {}, afterTransaction: () => {} }));
    expect(await chat.db.selectFrom('shares').select('id').where('user_id', '=', gil.sub).execute()).toEqual([]);
    expect((await view(kept.shareId)).statusCode).toBe(404);
    expect((await chat.call({ url: '/api/chat/shares', as: gil })).json()).toEqual({ items: [] });
    expect((await view(ofHana.shareId)).statusCode).toBe(200);
  });

  it('never hands out the same id twice', async () => {
    const ivo = { sub: 'user-ivo-0003' };
    const own = await insertConversation(chat.db, ivo.sub, 'Ivo');
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await create(ivo, own)).json().shareId);
    expect(ids.size).toBe(20);
  });
});
