import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, type Database } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { conversationsRepository, listQuery } from '../src/conversations/conversations-repository.ts';
import { decodeListCursor, encodeListCursor } from '../src/conversations/list-cursor.ts';
import { newMessageRow } from '../src/messages/message-row.ts';
import { ancestorsQuery, childrenQuery, messagesRepository, rootsQuery } from '../src/messages/messages-repository.ts';
import { chatMigrations } from '../src/migrations/index.ts';
import type { Db } from '../src/rows.ts';
import { at, insertChain, insertConversation } from './message-tree-fixture.ts';

describeOnBothDialects('chat: repositories', (harness) => {
  let database: Database;
  let db: Db;

  beforeAll(async () => {
    database = await harness.open('chat');
    await migrate(database, chatMigrations);
    db = database.db;
  });

  afterAll(async () => {
    await database?.close();
  });

  /** The plan's lines: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN text. */
  async function plan(query: CompiledQuery): Promise<string[]> {
    const prefix = harness.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
    const { rows } = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(prefix + query.sql, [...query.parameters]));
    return rows.map((row) => String(harness.dialect === 'sqlite' ? row.detail : row['QUERY PLAN']));
  }

  function expectIndexOnly(lines: string[]): void {
    if (harness.dialect === 'sqlite') {
      // SCAN of the recursive CTE's own rows is fine; a SCAN of the messages table is not.
      expect(lines.filter((line) => /^SCAN (messages|m|c)\b/.test(line))).toEqual([]);
      expect(lines.some((line) => /^SEARCH (messages|m|c) USING (INDEX|COVERING INDEX|INTEGER PRIMARY KEY)/.test(line))).toBe(true);
    } else {
      expect(lines.filter((line) => /Seq Scan on messages/.test(line))).toEqual([]);
      expect(lines.some((line) => /Index (Only )?Scan|Bitmap Index Scan/.test(line))).toBe(true);
    }
  }

  it('pages conversations pinned first, then most recent, by a stable cursor', async () => {
    await insertConversation(db, 'c-old', 'u1', { lastMessageAt: at(1_000) });
    await insertConversation(db, 'c-new', 'u1', { lastMessageAt: at(3_000) });
    await insertConversation(db, 'c-pinned-old', 'u1', { pinned: true, lastMessageAt: at(500) });
    await insertConversation(db, 'c-tie-a', 'u1', { lastMessageAt: at(2_000) });
    await insertConversation(db, 'c-tie-b', 'u1', { lastMessageAt: at(2_000) });
    await insertConversation(db, 'c-archived', 'u1', { archived: true, lastMessageAt: at(9_000) });
    await insertConversation(db, 'c-other', 'u2', { lastMessageAt: at(9_000) });
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await conversationsRepository.list(db, 'u1', { archived: false, limit: 2, after });
      seen.push(...page.map((conversation) => conversation.id));
      if (page.length < 2) break;
      const last = page.at(-1)!;
      after = decodeListCursor(encodeListCursor({ pinned: last.pinned, lastMessageAt: last.lastMessageAt, id: last.id }));
    }
    expect(seen).toEqual(['c-pinned-old', 'c-new', 'c-tie-b', 'c-tie-a', 'c-old']);
    expect((await conversationsRepository.list(db, 'u1', { archived: true, limit: 10 })).map((c) => c.id)).toEqual(['c-archived']);
    expect((await conversationsRepository.list(db, 'u1', { archived: false, pinned: true, limit: 10 })).map((c) => c.id)).toEqual(['c-pinned-old']);
  });

  it('keeps a generated title away from a conversation the user named', async () => {
    expect(await conversationsRepository.setGeneratedTitle(db, 'u1', 'c-old', 'Generated', at(10))).toBe(true);
    expect((await conversationsRepository.find(db, 'u1', 'c-old'))).toMatchObject({ title: 'Generated', titleSource: 'auto' });
    await conversationsRepository.update(db, 'u1', 'c-old', { title: 'Mine', titleSource: 'user' }, at(11));
    expect(await conversationsRepository.setGeneratedTitle(db, 'u1', 'c-old', 'Generated again', at(12))).toBe(false);
    expect(await conversationsRepository.setGeneratedTitle(db, 'u2', 'c-new', 'Not yours', at(12))).toBe(false);
    expect((await conversationsRepository.find(db, 'u1', 'c-old'))).toMatchObject({ title: 'Mine', titleSource: 'user' });
  });

  it('finishes an answer once: a final state is never overwritten', async () => {
    await insertConversation(db, 'c-answer', 'u1');
    await messagesRepository.insert(db, [
      newMessageRow({ id: 'q', conversationId: 'c-answer', userId: 'u1', parentId: null, role: 'user', content: 'hi', status: 'completed', now: at(0) }),
      newMessageRow({ id: 'a', conversationId: 'c-answer', userId: 'u1', parentId: 'q', role: 'assistant', content: '', status: 'pending', now: at(0) }),
    ]);
    const where = { id: 'a', userId: 'u1', conversationId: 'c-answer' };
    expect(await messagesRepository.finish(db, { ...where, userId: 'u2' }, { status: 'completed', content: 'x', errorCode: null, finishReason: 'stop' }, at(1))).toBe(false);
    expect(await messagesRepository.finish(db, where, {
      status: 'failed', content: 'partial', errorCode: 'AI_IDLE_TIMEOUT', finishReason: 'error', model: 'm', provider: 'p', usage: { promptTokens: 3, completionTokens: 4 }, costUsd: 0.25,
    }, at(1))).toBe(true);
    expect(await messagesRepository.finish(db, where, { status: 'completed', content: 'late', errorCode: null, finishReason: 'stop' }, at(2))).toBe(false);
    expect(await messagesRepository.find(db, 'u1', 'c-answer', 'a')).toMatchObject({
      status: 'failed', content: 'partial', errorCode: 'AI_IDLE_TIMEOUT', usage: { promptTokens: 3, completionTokens: 4 }, costUsd: 0.25, model: 'm', provider: 'p',
    });
    expect(await messagesRepository.find(db, 'u2', 'c-answer', 'a')).toBeUndefined();
  });

  it('follows the newest child down to find where a branch ends', async () => {
    await insertConversation(db, 'c-tree', 'u1');
    await messagesRepository.insert(db, [
      newMessageRow({ id: 't-q1', conversationId: 'c-tree', userId: 'u1', parentId: null, role: 'user', content: 'q1', status: 'completed', now: at(0) }),
      newMessageRow({ id: 't-a1', conversationId: 'c-tree', userId: 'u1', parentId: 't-q1', role: 'assistant', content: 'a1', status: 'completed', now: at(1) }),
      newMessageRow({ id: 't-a1b', conversationId: 'c-tree', userId: 'u1', parentId: 't-q1', role: 'assistant', content: 'a1b', status: 'completed', now: at(5) }),
      newMessageRow({ id: 't-q2', conversationId: 'c-tree', userId: 'u1', parentId: 't-a1', role: 'user', content: 'q2', status: 'completed', now: at(2) }),
      newMessageRow({ id: 't-q1b', conversationId: 'c-tree', userId: 'u1', parentId: null, role: 'user', content: 'q1b', status: 'completed', now: at(3) }),
    ]);
    expect(await messagesRepository.newestLeaf(db, 'c-tree', 't-q1')).toBe('t-a1b');
    expect(await messagesRepository.newestLeaf(db, 'c-tree', 't-a1')).toBe('t-q2');
    expect(await messagesRepository.newestLeaf(db, 'c-tree', 't-q1b')).toBe('t-q1b');
    expect(await messagesRepository.newestLeaf(db, 'c-other', 't-q1')).toBeUndefined();
    expect(await messagesRepository.siblingGroups(db, 'c-tree', [null, 't-q1'])).toEqual(expect.arrayContaining([
      { parentId: 't-q1', ids: ['t-a1', 't-a1b'] }, { parentId: null, ids: ['t-q1', 't-q1b'] },
    ]));
  });

  it('reads the last page of a 10,000-message conversation through indexes only', async () => {
    await insertConversation(db, 'c-long', 'u1');
    const ids = await insertChain(db, 'c-long', 'u1', 10_000);
    // A short conversation alongside, so the planner sees more than one conversation.
    await insertConversation(db, 'c-short', 'u1');
    await insertChain(db, 'c-short', 'u1', 10, 's');
    await db.executeQuery(CompiledQuery.raw(harness.dialect === 'sqlite' ? 'analyze' : 'analyze messages'));

    const leaf = ids.at(-1)!;
    const page = await messagesRepository.pathEndingAt(db, 'c-long', leaf, 50);
    expect(page.messages.map((message) => message.id)).toEqual(ids.slice(-50));
    expect(page.reachesRoot).toBe(false);
    const first = await messagesRepository.pathEndingAt(db, 'c-long', ids[9]!, 50);
    expect(first.messages.map((message) => message.id)).toEqual(ids.slice(0, 10));
    expect(first.reachesRoot).toBe(true);

    expectIndexOnly(await plan(ancestorsQuery('c-long', leaf, 50).compile(db)));
    const parents = page.messages.map((message) => message.parentId!);
    expectIndexOnly(await plan(childrenQuery(db, 'c-long', parents).compile()));
    expectIndexOnly(await plan(rootsQuery(db, 'c-long').compile()));
  });

  it('reads any page of the conversation list in index order, without a sort', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => ({
      id: `many-${String(i).padStart(5, '0')}`, user_id: `many-${i % 30}`, title: null, title_source: null, pinned: i % 7 === 0 ? 1 : 0,
      archived: i % 11 === 0 ? 1 : 0, active_leaf_id: null, created_at: at(i), updated_at: at(i), last_message_at: at(i),
    }));
    for (let start = 0; start < rows.length; start += 500) await db.insertInto('conversations').values(rows.slice(start, start + 500)).execute();
    await db.executeQuery(CompiledQuery.raw(harness.dialect === 'sqlite' ? 'analyze' : 'analyze conversations'));
    const deep = { pinned: false, lastMessageAt: at(1_500), id: 'many-01500' };
    for (const filter of [{ archived: false, limit: 21 }, { archived: false, limit: 21, after: deep }, { archived: true, pinned: false, limit: 21, after: deep }]) {
      const lines = await plan(listQuery(db, 'many-3', filter).compile());
      if (harness.dialect === 'sqlite') {
        expect(lines).toEqual([expect.stringMatching(/^SEARCH conversations USING INDEX conversations_user_list \(user_id=\? AND archived=\?/)]);
      } else {
        expect(lines.join('\n')).toMatch(/Index Scan using conversations_user_list/);
        expect(lines.join('\n')).not.toMatch(/Sort|Seq Scan/);
      }
    }
  });

  it('erases a user: conversations and messages, and only theirs', async () => {
    await conversationsRepository.eraseUser(db, 'u1');
    await conversationsRepository.eraseUser(db, 'u1');
    expect(await conversationsRepository.listAll(db, 'u1')).toEqual([]);
    expect(await messagesRepository.listAll(db, 'u1')).toEqual([]);
    expect((await conversationsRepository.listAll(db, 'u2')).map((c) => c.id)).toEqual(['c-other']);
  });
});
