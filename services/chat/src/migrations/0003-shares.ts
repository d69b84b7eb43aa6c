import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * Share links: a read-only snapshot of a conversation's active branch, copied as JSON when the
 * link is made, so later messages, edits or a renamed title never show through it. The row is
 * the link: revoking deletes it (the copy goes too), and so does deleting the conversation
 * (foreign key, on delete cascade) or the user (eraseUserShares).
 */
export const createShares: Migration = {
  name: '0003_chat_shares',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema
      .createTable('shares')
      // ≥ 128 random bits, base64url: the id is the capability, so it is never derived from anything.
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('title', 'text')
      .addColumn('message_count', 'integer', (column) => column.notNull())
      // { messages: [{ role, content, model, status, createdAt }] }: no ids, no user data.
      .addColumn('snapshot', 'text', (column) => column.notNull())
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .execute();
    await sql`create index shares_user on shares (user_id, created_at desc, id desc)`.execute(db);
    await db.schema.createIndex('shares_conversation').on('shares').column('conversation_id').execute();
  },
};
