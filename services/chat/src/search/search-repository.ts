import { sql, type Kysely } from 'kysely';
import type { SearchHit } from '@versaai/contracts';
import type { Dialect } from '@versaai/storage';
import { iso } from '../rows.ts';
import { toFts5Match, toTsQuery, type SearchTerm } from './search-query.ts';
import { MARK_END, MARK_START, markSnippet } from './snippet-marks.ts';

export type { SearchHit };

export interface SearchPage { hits: SearchHit[]; hasMore: boolean }

/** The part of a service's Database search needs: the SQL differs per dialect. */
export interface SearchDatabase {
  db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  dialect: Dialect;
}

interface HitRow {
  id: string;
  conversation_id: string;
  title: string | null;
  role: string;
  created_at: string | Date;
  rank: number;
  snippet: string | null;
}

const SNIPPET_WORDS = 24;

function toHit(row: HitRow): SearchHit {
  return {
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.id,
    role: row.role,
    snippet: markSnippet(row.snippet ?? ''),
    rank: Number(row.rank),
    createdAt: iso(row.created_at),
  };
}

async function searchPostgres(db: SearchDatabase['db'], userId: string, terms: SearchTerm[], limit: number, offset: number): Promise<HitRow[]> {
  const query = toTsQuery(terms);
  const options = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=1`;
  // The headline is the costly part: computed for the page's rows only, after ranking and limit.
  const result = await sql<HitRow>`
    select page.*, ts_headline('chat_search', m.content, to_tsquery('chat_search', ${query}), ${options}) as snippet
    from (
      select m.id, m.conversation_id, c.title, m.role, m.created_at, ts_rank_cd(m.search_vector, q, 1) as rank
      from messages m
      join conversations c on c.id = m.conversation_id
      cross join to_tsquery('chat_search', ${query}) q
      -- messages.user_id repeats the owner: the planner may AND its index (messages_user) with the GIN one.
      where c.user_id = ${userId} and m.user_id = ${userId} and m.search_vector @@ q
      order by rank desc, m.created_at desc, m.id desc
      limit ${limit} offset ${offset}
    ) page
    join messages m on m.id = page.id
    order by page.rank desc, page.created_at desc, page.id desc`.execute(db);
  return result.rows;
}

async function searchSqlite(db: SearchDatabase['db'], userId: string, terms: SearchTerm[], limit: number, offset: number): Promise<HitRow[]> {
  const match = toFts5Match(terms);
  const ranked = await sql<Omit<HitRow, 'snippet'> & { search_rowid: number }>`
    select m.id, m.conversation_id, c.title, m.role, m.created_at, -bm25(message_search) as rank, message_search.rowid as search_rowid
    from message_search
    join message_search_rows r on r.search_rowid = message_search.rowid
    join messages m on m.id = r.message_id
    join conversations c on c.id = m.conversation_id
    where message_search match ${match} and c.user_id = ${userId} and m.user_id = ${userId}
    order by rank desc, m.created_at desc, m.id desc
    limit ${limit} offset ${offset}`.execute(db);
  if (ranked.rows.length === 0) return [];
  // snippet() needs the MATCH of its own query; asking for the page's rows only keeps it cheap.
  const rowids = ranked.rows.map((row) => row.search_rowid);
  const snippets = await sql<{ search_rowid: number; snippet: string }>`
    select rowid as search_rowid, snippet(message_search, 0, ${MARK_START}, ${MARK_END}, '…', ${SNIPPET_WORDS}) as snippet
    from message_search where message_search match ${match} and rowid in (${sql.join(rowids)})`.execute(db);
  const snippetOf = new Map(snippets.rows.map((row) => [row.search_rowid, row.snippet]));
  return ranked.rows.map(({ search_rowid: searchRowid, ...row }) => ({ ...row, snippet: snippetOf.get(searchRowid) ?? null }));
}

/**
 * Full-text search of one user's messages, best match first; the one place where the SQL
 * differs per dialect (FTS5 on SQLite, tsvector on PostgreSQL — see migration 0002). Only
 * messages of conversations the user owns are searched; deleted ones are gone from the index
 * with their rows. Pages by offset: a ranking has no stable keyset across pages.
 */
export const messageSearchRepository = {
  async search(database: SearchDatabase, userId: string, terms: SearchTerm[], page: { limit: number; offset: number }): Promise<SearchPage> {
    if (terms.length === 0) return { hits: [], hasMore: false };
    const search = database.dialect === 'postgres' ? searchPostgres : searchSqlite;
    const rows = await search(database.db, userId, terms, page.limit + 1, page.offset);
    return { hits: rows.slice(0, page.limit).map(toHit), hasMore: rows.length > page.limit };
  },
};
