import type { Migration } from '@versaai/storage';

/**
 * Users whose ai data was erased (user.deleted), by a SHA-256 of their id rather than the id:
 * a message of theirs delivered after the erasure (events of different streams arrive in any
 * order) is recognised and dropped instead of starting an answer and storing its prompt.
 */
export const createErasedUsersTable: Migration = {
  name: '0003_ai_erased_users',
  async up(db) {
    await db.schema
      .createTable('ai_erased_users')
      .addColumn('user_hash', 'text', (column) => column.primaryKey())
      .addColumn('erased_at', 'bigint', (column) => column.notNull())
      .execute();
  },
};
