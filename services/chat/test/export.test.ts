import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBothDialects } from '@versaai/testing';
import { exportRoutes } from '../src/export/export-routes.ts';
import { insertChain, insertConversation, insertMessage } from './search-fixtures.ts';
import { startChatRoutes, type ChatRoutesPlatform } from './search-platform.ts';

describeOnBothDialects('chat: conversation export', (harness) => {
  let chat: ChatRoutesPlatform;
  const eva = { sub: 'user-eva-0001' };
  const fin = { sub: 'user-fin-0002' };
  let conversation: string;
  let ids: { q1: string; a1: string; q2: string; oldAnswer: string; newAnswer: string };

  beforeAll(async () => {
    chat = await startChatRoutes(harness, [exportRoutes]);
    conversation = await insertConversation(chat.db, eva.sub, 'Recetas: ¿paella o risotto?');
    const [q1, a1, q2, oldAnswer] = await insertChain(chat.db, conversation, eva.sub, [
      '¿Cómo hago una paella?', 'Sofríe, añade el arroz y **no lo remuevas**.', 'And a risotto?', 'Stir it constantly.',
    ], { model: 'llama-3.3-70b' });
    // A regenerated answer: a sibling of the old one, and the branch the user is on now.
    const newAnswer = await insertMessage(chat.db, conversation, eva.sub, 'Stir often, add stock ladle by ladle.', {
      role: 'assistant', parentId: q2!, model: 'gpt-oss-20b', provider: 'groq', status: 'cancelled',
    });
    ids = { q1: q1!, a1: a1!, q2: q2!, oldAnswer: oldAnswer!, newAnswer };
  });

  afterAll(async () => {
    await chat?.stop();
  });

  const exportAs = (as: { sub: string }, query = '', id = conversation) => chat.call({ url: `/api/chat/conversations/${id}/export${query}`, as });

  it('exports the whole tree as a JSON attachment', async () => {
    const response = await exportAs(eva, '?format=json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="recetas-paella-o-risotto.json"');
    expect(response.headers['cache-control']).toBe('no-store');
    const document = response.json();
    expect(document).toMatchObject({
      format: 'versaai.conversation.v1',
      exportedAt: expect.any(String),
      conversation: { id: conversation, title: 'Recetas: ¿paella o risotto?', activeLeafId: ids.newAnswer },
      activePath: [ids.q1, ids.a1, ids.q2, ids.newAnswer],
    });
    expect(document.messages.map((message: { id: string }) => message.id)).toEqual([ids.q1, ids.a1, ids.q2, ids.oldAnswer, ids.newAnswer]);
    expect(document.messages[3]).toMatchObject({ parentId: ids.q2, role: 'assistant', content: 'Stir it constantly.', model: 'llama-3.3-70b', status: 'completed' });
    expect(response.body).not.toContain(eva.sub);
  });

  it('defaults to JSON', async () => {
    const response = await exportAs(eva);
    expect(response.statusCode).toBe(200);
    expect(response.json().format).toBe('versaai.conversation.v1');
  });

  it('exports the active branch as Markdown with roles, models and times', async () => {
    const response = await exportAs(eva, '?format=markdown');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="recetas-paella-o-risotto.md"');
    const markdown = response.body;
    expect(markdown.startsWith('# Recetas: ¿paella o risotto?\n')).toBe(true);
    expect(markdown).toContain(`- Conversation: \`${conversation}\``);
    expect(markdown).toMatch(/\*\*User\*\* · \d{4}-\d{2}-\d{2}T[\d:.]+Z\n\n¿Cómo hago una paella\?/);
    expect(markdown).toMatch(/\*\*Assistant\*\* · `llama-3\.3-70b` \(offline\) · [\dT:.Z-]+\n\nSofríe, añade el arroz y \*\*no lo remuevas\*\*\./);
    expect(markdown).toMatch(/\*\*Assistant\*\* · `gpt-oss-20b` \(groq\) · [\dT:.Z-]+ · _cancelled_\n\nStir often/);
    expect(markdown).not.toContain('Stir it constantly.');
    const order = ['¿Cómo hago', 'Sofríe', 'And a risotto?', 'Stir often'].map((text) => markdown.indexOf(text));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("answers 404 for another user's conversation and an unknown one", async () => {
    for (const response of [await exportAs(fin, '?format=markdown'), await exportAs(eva, '', 'no-such-conversation')]) {
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('CHAT_CONVERSATION_NOT_FOUND');
    }
  });

  it('answers an id no conversation can have with 404, never a database error', async () => {
    for (const id of ['%E2%80%AE', 'x'.repeat(100)]) {
      const response = await exportAs(eva, '', id);
      expect(response.statusCode, id).toBe(404);
    }
    // A NUL byte never reaches a route: the kernel refuses the request target first.
    for (const id of ['%00', 'a%00b']) expect((await exportAs(eva, '', id)).json().code).toBe('INVALID_REQUEST_TARGET');
  });

  it('refuses unknown formats and parameters, and anonymous callers', async () => {
    expect((await exportAs(eva, '?format=pdf')).statusCode).toBe(400);
    expect((await exportAs(eva, '?format=json&x=1')).statusCode).toBe(400);
    expect((await chat.call({ url: `/api/chat/conversations/${conversation}/export` })).statusCode).toBe(401);
  });

  it('exports an empty, untitled conversation', async () => {
    const empty = await insertConversation(chat.db, eva.sub, null);
    const response = await exportAs(eva, '?format=markdown', empty);
    expect(response.headers['content-disposition']).toBe('attachment; filename="conversation.md"');
    expect(response.body).toContain('# Untitled conversation\n');
    expect((await exportAs(eva, '?format=json', empty)).json()).toMatchObject({ activePath: [], messages: [] });
  });
});
