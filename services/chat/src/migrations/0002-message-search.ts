import { sql, type Kysely } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * Full-text search over message content, one index per dialect behind
 * search/search-repository.ts. Both fold case and accents and do no stemming, so Spanish and
 * English (and a mix of both in one conversation) match alike: "cafe" finds "Café".
 *
 * PostgreSQL: a text search configuration `chat_search` = `simple` + `unaccent` (no language's
 * stemming or stop words would suit the other language), a generated `search_vector` column
 * and a GIN index. `unaccent` is a trusted extension: the migration creates it in the chat
 * schema unless the database already has it somewhere, wherever that is.
 *
 * SQLite: an FTS5 table (unicode61, remove_diacritics 2) with external content, kept in step
 * with `messages` by triggers (so cascaded deletes of a conversation leave nothing behind). Its
 * rowids come from `message_search_rows`, whose INTEGER PRIMARY KEY survives VACUUM — the
 * implicit rowid of `messages` (text primary key) does not, and FTS5 would then point at the
 * wrong rows.
 */
export const createMessageSearch: Migration = {
  name: '0002_chat_message_search',
  async up(db, dialect) {
    if (dialect === 'postgres') await createPostgresSearch(db);
    else await createSqliteSearch(db);
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createPostgresSearch(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent schema ${sql.id(await currentSchema(db))}`.execute(db);
  const found = await sql<{ schema: string }>`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'unaccent'`.execute(db);
  const unaccentSchema = found.rows[0]!.schema;
  await sql`create text search configuration chat_search (copy = pg_catalog.simple)`.execute(db);
  await sql`alter text search configuration chat_search alter mapping for hword, hword_part, word with ${sql.id(unaccentSchema, 'unaccent')}, simple`.execute(db);
  await sql`alter table messages add column search_vector tsvector generated always as (to_tsvector('chat_search'::regconfig, content)) stored`.execute(db);
  await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function currentSchema(db: Kysely<any>): Promise<string> {
  return (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createSqliteSearch(db: Kysely<any>): Promise<void> {
  const statements = [
    `create table message_search_rows (search_rowid integer primary key, message_id text not null unique)`,
    `create view message_search_source as
       select r.search_rowid, m.content from message_search_rows r join messages m on m.id = r.message_id`,
    `create virtual table message_search using fts5(
       content, content = 'message_search_source', content_rowid = 'search_rowid',
       tokenize = 'unicode61 remove_diacritics 2')`,
    `create trigger messages_search_insert after insert on messages begin
       insert into message_search_rows (message_id) values (new.id);
       insert into message_search (rowid, content)
         values ((select search_rowid from message_search_rows where message_id = new.id), new.content);
     end`,
    // External content: FTS5 removes a row's terms only when given the text it indexed.
    `create trigger messages_search_update after update of content on messages when old.content is not new.content begin
       insert into message_search (message_search, rowid, content)
         values ('delete', (select search_rowid from message_search_rows where message_id = old.id), old.content);
       insert into message_search (rowid, content)
         values ((select search_rowid from message_search_rows where message_id = new.id), new.content);
     end`,
    `create trigger messages_search_delete after delete on messages begin
       insert into message_search (message_search, rowid, content)
         values ('delete', (select search_rowid from message_search_rows where message_id = old.id), old.content);
       delete from message_search_rows where message_id = old.id;
     end`,
    // Messages written before this migration.
    `insert into message_search_rows (message_id) select id from messages order by created_at, id`,
    `insert into message_search (message_search) values ('rebuild')`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
