import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import { searchRoutes } from '../src/search/search-routes.ts';
import { insertConversation, insertMessage } from './search-fixtures.ts';
import { startChatRoutes, type ChatRoutesPlatform } from './search-platform.ts';

describeOnBothDialects('chat: GET /api/chat/search', (harness) => {
  let chat: ChatRoutesPlatform;
  const ana = { sub: 'user-ana-0001' };
  const ben = { sub: 'user-ben-0002' };
  let anaMessage: string;

  beforeAll(async () => {
    chat = await startChatRoutes(harness, [searchRoutes]);
    const conversation = await insertConversation(chat.db, ana.sub, 'Viaje a <Lisboa>');
    anaMessage = await insertMessage(chat.db, conversation, ana.sub, 'Reservé el hotel de Lisboa & el tranvía 28');
    for (let i = 0; i < 3; i++) await insertMessage(chat.db, conversation, ana.sub, `tranvia número ${i}`);
    const bens = await insertConversation(chat.db, ben.sub, 'Ben');
    await insertMessage(chat.db, bens, ben.sub, 'Ben also rode the tranvía in Lisboa');
  });

  afterAll(async () => {
    await chat?.stop();
  });

  const search = (query: string, as: { sub: string } | undefined = ana) => chat.call({ url: `/api/chat/search?${query}`, as });

  it("answers the caller's matches with highlighted, escaped snippets", async () => {
    const response = await search('q=lisboa');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      items: [{
        conversationId: expect.any(String), conversationTitle: 'Viaje a <Lisboa>', messageId: anaMessage, role: 'user',
        snippet: 'Reservé el hotel de <mark>Lisboa</mark> &amp; el tranvía 28', rank: expect.any(Number), createdAt: expect.any(String),
      }],
      nextCursor: null,
    });
  });

  it('pages with an opaque cursor', async () => {
    const first = (await search('q=tranvia&limit=3')).json();
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await search(`q=tranvia&limit=3&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ role: 'user' })], nextCursor: null });
    const ids = [...first.items, ...second.items].map((item: { messageId: string }) => item.messageId);
    expect(new Set(ids).size).toBe(4);
  });

  it('never returns another user\'s messages', async () => {
    const response = await search('q=rode', ana);
    expect(response.json()).toEqual({ items: [], nextCursor: null });
    expect((await search('q=rode', ben)).json().items).toHaveLength(1);
  });

  it('answers 400 CHAT_SEARCH_QUERY_INVALID only when nothing searchable remains', async () => {
    for (const q of ['', '%20%20', '*', '%22%22', '()', '%26%7C!']) {
      const response = await search(`q=${q}`);
      expect(response.statusCode, q).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('CHAT_SEARCH_QUERY_INVALID');
    }
    const hostile = await search(`q=${encodeURIComponent(`"lisboa ${'(*'.repeat(3_000)} NEAR AND`)}`);
    expect(hostile.statusCode).toBe(200);
    // A NUL byte never reaches a route: the kernel refuses the request target first.
    for (const query of ['q=lisboa%00%01&cursor=%00', 'q=lis%00boa']) {
      const nul = await search(query);
      expect(nul.statusCode).toBe(400);
      expect(nul.json().code).toBe('INVALID_REQUEST_TARGET');
    }
    const control = await search('q=lisboa%01&cursor=%01');
    expect(control.statusCode).toBe(400);
    expect(control.json().code).toBe('VALIDATION_FAILED');
  });

  it('validates the query string strictly', async () => {
    for (const query of ['', 'q=x&limit=0', 'q=x&limit=51', 'q=x&unknown=1', 'q=x&cursor=not-a-cursor', `q=${'x'.repeat(16_385)}`]) {
      const response = await search(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('requires a signed-in caller (an API key needs chat:read)', async () => {
    expect((await chat.call({ url: '/api/chat/search?q=lisboa' })).statusCode).toBe(401);
    const key = { ...ana, kind: 'api_key' as const, sid: 'ak_1', scope: 'ai:use' };
    expect((await chat.call({ url: '/api/chat/search?q=lisboa', as: key })).statusCode).toBe(403);
    expect((await chat.call({ url: '/api/chat/search?q=lisboa', as: { ...key, scope: 'chat:read' } })).statusCode).toBe(200);
  });
});
