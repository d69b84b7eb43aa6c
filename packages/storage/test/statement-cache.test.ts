import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { expect, it } from 'vitest';
import { withStatementCache } from '../src/statement-cache.ts';

it('reuses prepared statements by SQL text, evicts the least recently used, and follows schema changes', async () => {
  const connection = new BetterSqlite3(':memory:');
  let prepared = 0;
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((text: string) => {
    prepared += 1;
    return prepare(text);
  }) as typeof connection.prepare;
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(connection, 2) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  await sql`create table notes (id integer primary key, body text)`.execute(db);
  for (let i = 0; i < 5; i++) await db.insertInto('notes').values({ id: i, body: `n${i}` }).execute();
  expect(prepared).toBe(2); // create + one insert shape reused four times
  // A new column after the insert statement was cached: the cached select must see it.
  const selectAll = () => db.selectFrom('notes').selectAll().orderBy('id').limit(1).execute();
  expect(await selectAll()).toEqual([{ id: 0, body: 'n0' }]);
  await sql`alter table notes add column pinned integer default 0`.execute(db);
  expect(await selectAll()).toEqual([{ id: 0, body: 'n0', pinned: 0 }]);
  // Capacity 2: the insert shape was evicted by the select and the alter, so it is prepared again.
  const before = prepared;
  await db.insertInto('notes').values({ id: 9, body: 'n9' }).execute();
  expect(prepared).toBe(before + 1);
  await db.destroy();
});
