import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * Users whose ai data was erased (user.deleted), by a SHA-256 of their id rather than the id:
 * a message of theirs delivered after the erasure (events of different streams arrive in any
 * order) is recognised and dropped instead of starting an answer and storing its prompt.
 */
export const createErasedUsersTable: Migration = {
  name: '0003_ai_erased_users',
  async up(db, dialect) {
    await db.schema
      .createTable('ai_erased_users')
      .addColumn('user_hash', 'text', (column) => column.primaryKey())
      .addColumn('erased_at', 'bigint', (column) => column.notNull())
      .execute();
    if (dialect !== 'postgres') return;
    // The intake's lock and check in one round trip: a VOLATILE function takes a fresh snapshot
    // for each statement it runs, so the check sees an erasure that held the lock and committed.
    await sql`
      create function ai_hold_user_for_write(lock_key text, hash text) returns boolean
      language plpgsql volatile as $$
      begin
        perform pg_advisory_xact_lock_shared(hashtextextended(lock_key, 0));
        return exists (select 1 from ai_erased_users where user_hash = hash);
      end
      $$`.execute(db);
  },
};
