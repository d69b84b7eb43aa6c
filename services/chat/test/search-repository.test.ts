import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '@versaai/storage';
import { describeOnBothDialects } from '@versaai/testing';
import { chatMigrations } from '../src/migrations/index.ts';
import { parseSearchQuery } from '../src/search/search-query.ts';
import { messageSearchRepository, type SearchHit } from '../src/search/search-repository.ts';
import { insertChain, insertConversation, insertMessage } from './search-fixtures.ts';

const ONLY_MARK_MARKUP = /<(?!\/?mark>)/;

describeOnBothDialects('chat: message search repository', (harness) => {
  let database: Database;

  beforeAll(async () => {
    database = await harness.open('chat');
    await migrate(database, chatMigrations);
  });

  afterAll(async () => {
    await database?.close();
  });

  async function search(userId: string, query: string, page = { limit: 20, offset: 0 }): Promise<SearchHit[]> {
    return (await messageSearchRepository.search(database, userId, parseSearchQuery(query), page)).hits;
  }

  it('ranks a message that is about the term above one that mentions it in passing', async () => {
    const conversation = await insertConversation(database.db, 'rank-user', 'Tuning');
    const passing = await insertMessage(database.db, conversation, 'rank-user',
      'Yesterday we talked about gardens, weather, trains, music, holidays, recipes and, once, zeppelins among many other unrelated things worth remembering.');
    const about = await insertMessage(database.db, conversation, 'rank-user', 'Zeppelins: zeppelins float; zeppelins are slow.');
    await insertMessage(database.db, conversation, 'rank-user', 'Nothing to see here.');
    const hits = await search('rank-user', 'zeppelins');
    expect(hits.map((hit) => hit.messageId)).toEqual([about, passing]);
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
    expect(hits[0]).toEqual({
      conversationId: conversation, conversationTitle: 'Tuning', messageId: about, role: 'user',
      snippet: expect.stringContaining('<mark>'), rank: expect.any(Number), createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
  });

  it('highlights matches in an HTML-escaped snippet: <mark> is the only markup', async () => {
    const conversation = await insertConversation(database.db, 'html-user', null);
    await insertMessage(database.db, conversation, 'html-user', 'Try <img src=x onerror=alert(1)> & "quotes" before the xylophone <script>alert(2)</script> ends');
    const [hit] = await search('html-user', 'xylophone');
    expect(hit!.snippet).toContain('<mark>xylophone</mark>');
    expect(hit!.snippet).toContain('&amp;');
    expect(hit!.snippet).not.toMatch(ONLY_MARK_MARKUP);
    expect(hit!.conversationTitle).toBeNull();
  });

  it('folds accents and case both ways (Spanish and English alike)', async () => {
    const conversation = await insertConversation(database.db, 'accent-user', 'Cafetería');
    const accented = await insertMessage(database.db, conversation, 'accent-user', 'Un CAFÉ con leche en la cafetería, por favor.');
    const plain = await insertMessage(database.db, conversation, 'accent-user', 'A cafe latte, please.');
    expect((await search('accent-user', 'café')).map((hit) => hit.messageId).sort()).toEqual([accented, plain].sort());
    const hits = await search('accent-user', 'cafeteria');
    expect(hits.map((hit) => hit.messageId)).toEqual([accented]);
    expect(hits[0]!.snippet).toContain('<mark>cafetería</mark>');
    expect((await search('accent-user', 'ÑANDÚ')).length).toBe(0);
    const ñ = await insertMessage(database.db, conversation, 'accent-user', 'El niño cumplió un año.');
    expect((await search('accent-user', 'nino ano cumplio')).map((hit) => hit.messageId)).toEqual([ñ]);
  });

  it('matches words by their start, and quoted words as a phrase', async () => {
    const conversation = await insertConversation(database.db, 'phrase-user', 'Gatos');
    const ordered = await insertMessage(database.db, conversation, 'phrase-user', 'Los gatos negros duermen.');
    const reversed = await insertMessage(database.db, conversation, 'phrase-user', 'Negros son los gatos.');
    expect((await search('phrase-user', 'gat')).map((hit) => hit.messageId).sort()).toEqual([ordered, reversed].sort());
    expect((await search('phrase-user', '"gatos negros"')).map((hit) => hit.messageId)).toEqual([ordered]);
    expect((await search('phrase-user', 'gatos duermen')).map((hit) => hit.messageId)).toEqual([ordered]);
  });

  it("searches the caller's conversations only", async () => {
    const mine = await insertConversation(database.db, 'owner-a', 'Mine');
    const theirs = await insertConversation(database.db, 'owner-b', 'Theirs');
    const own = await insertMessage(database.db, mine, 'owner-a', 'the quokka smiles');
    await insertMessage(database.db, theirs, 'owner-b', 'the quokka smiles too');
    expect((await search('owner-a', 'quokka')).map((hit) => hit.messageId)).toEqual([own]);
    expect(await search('owner-c', 'quokka')).toEqual([]);
  });

  it('forgets edited, deleted and cascaded messages', async () => {
    const conversation = await insertConversation(database.db, 'delete-user', 'Doomed');
    const [question, answer] = await insertChain(database.db, conversation, 'delete-user', ['what is a narwhal', 'A narwhal is a whale.']);
    expect(await search('delete-user', 'narwhal')).toHaveLength(2);
    await database.db.updateTable('messages').set({ content: 'what is a platypus' }).where('id', '=', question).execute();
    expect((await search('delete-user', 'narwhal')).map((hit) => hit.messageId)).toEqual([answer]);
    expect((await search('delete-user', 'platypus')).map((hit) => hit.messageId)).toEqual([question]);
    await database.db.deleteFrom('messages').where('id', '=', answer).execute();
    expect(await search('delete-user', 'narwhal')).toEqual([]);
    await database.db.deleteFrom('conversations').where('id', '=', conversation).execute();
    expect(await search('delete-user', 'platypus')).toEqual([]);
    if (harness.dialect === 'sqlite') {
      // External content: the index must still agree with the rows it was given (throws when not).
      await sql`insert into message_search (message_search, rank) values ('integrity-check', 1)`.execute(database.db);
      const orphans = await sql<{ n: number }>`select count(*) as n from message_search_rows r left join messages m on m.id = r.message_id where m.id is null`.execute(database.db);
      expect(orphans.rows[0]!.n).toBe(0);
    }
  });

  it('pages by offset with a stable order', async () => {
    const conversation = await insertConversation(database.db, 'page-user', 'Pages');
    for (let i = 0; i < 5; i++) await insertMessage(database.db, conversation, 'page-user', `capybara number ${i}`);
    const all = await messageSearchRepository.search(database, 'page-user', parseSearchQuery('capybara'), { limit: 10, offset: 0 });
    expect(all.hits).toHaveLength(5);
    expect(all.hasMore).toBe(false);
    const first = await messageSearchRepository.search(database, 'page-user', parseSearchQuery('capybara'), { limit: 2, offset: 0 });
    const second = await messageSearchRepository.search(database, 'page-user', parseSearchQuery('capybara'), { limit: 2, offset: 2 });
    const third = await messageSearchRepository.search(database, 'page-user', parseSearchQuery('capybara'), { limit: 2, offset: 4 });
    expect([first.hasMore, second.hasMore, third.hasMore]).toEqual([true, true, false]);
    expect([...first.hits, ...second.hits, ...third.hits].map((hit) => hit.messageId)).toEqual(all.hits.map((hit) => hit.messageId));
  });

  it('indexes the messages written before the search migration (and finds unaccent where another schema installed it)', async () => {
    const older = await harness.open('chat_before_search');
    const [createConversations, ...rest] = chatMigrations;
    await migrate(older, [createConversations!]);
    const conversation = await insertConversation(older.db, 'backfill-user', 'Old');
    const message = await insertMessage(older.db, conversation, 'backfill-user', 'Un mensaje antiguo sobre el ornitorrinco');
    await migrate(older, [createConversations!, ...rest]);
    const hits = (await messageSearchRepository.search(older, 'backfill-user', parseSearchQuery('ornitorrinco antiguo'), { limit: 5, offset: 0 })).hits;
    expect(hits.map((hit) => hit.messageId)).toEqual([message]);
    await insertMessage(older.db, conversation, 'backfill-user', 'otro ornitorrinco');
    expect((await messageSearchRepository.search(older, 'backfill-user', parseSearchQuery('ornitorrinco'), { limit: 5, offset: 0 })).hits).toHaveLength(2);
  });

  it('matches through the full-text index (GIN on search_vector; FTS5 virtual table), not by reading every message', async () => {
    const plan = harness.dialect === 'postgres'
      ? await database.db.transaction().execute(async (trx) => {
        // Tables this small are cheaper to scan: forbid that to see whether the index can serve the query.
        await sql`set local enable_seqscan = off`.execute(trx);
        const { rows } = await sql<Record<string, string>>`explain select id from messages where search_vector @@ to_tsquery('chat_search', ${"'cafe':*"})`.execute(trx);
        return rows.map((row) => Object.values(row).join(' ')).join('\n');
      })
      : (await sql<{ detail: string }>`explain query plan select rowid from message_search where message_search match ${'"cafe"*'}`.execute(database.db)).rows.map((row) => row.detail).join('\n');
    expect(plan).toContain(harness.dialect === 'postgres' ? 'messages_search' : 'VIRTUAL TABLE INDEX');
  });

  describe('hostile queries never reach the engine as syntax', () => {
    beforeAll(async () => {
      const conversation = await insertConversation(database.db, 'hostile-user', 'Hostile');
      await insertMessage(database.db, conversation, 'hostile-user', 'content near the wombat AND the OR NOT table (with parens) and "quotes" x*y');
    });

    const cases: Array<[string, string, boolean]> = [
      ['an FTS5 column filter', 'content:wombat', true],
      ['NEAR as an operator', 'NEAR(wombat table)', true],
      ['a minus is no NOT: every word must match', 'wombat -giraffe', false],
      ['boolean operators', 'wombat AND OR NOT', true],
      ['a dangling star', 'wombat*', true],
      ['a lone star', '*', false],
      ['unbalanced parentheses', '((wombat', true],
      ['an unbalanced quote', '"wombat table', true],
      ['quotes inside quotes', '""wombat"" "\'', true],
      ['tsquery operators', "wombat & !table | (x <-> y) :* 'a'", true],
      ['a caret and a colon', '^wombat:', true],
      ['backslashes', '\\wombat\\', true],
      ['a 10 KB query', `wombat ${'zzz '.repeat(2_600)}`, false],
      ['10 KB of one word', 'w'.repeat(10_240), false],
      ['combining marks only', '\u0301\u0301', false],
      ['control characters', '\u0000wombat\u0002\u0003', true],
      ['emoji', '🦘 wombat', true],
    ];

    it.each(cases)('%s', async (_name, query, findsTheWombat) => {
      const hits = await search('hostile-user', query);
      expect(hits.length).toBe(findsTheWombat ? 1 : 0);
    });

    it('reduces a query of nothing searchable to no terms', () => {
      for (const query of ['', '   ', '*', '"" () - : ^', '\u0301', '&|!<->']) expect(parseSearchQuery(query)).toEqual([]);
    });
  });
});
