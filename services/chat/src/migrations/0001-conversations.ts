import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * Conversations and their messages. Messages form a tree (`parent_id`): editing a question or
 * regenerating an answer adds a sibling, and `active_leaf_id` remembers which branch the user
 * is on. Every hot query walks the tree by primary key or reads one of these indexes:
 * - conversations (user_id, archived, pinned desc, last_message_at desc, id desc): one user's
 *   list page, pinned first then most recent, read in index order (no sort);
 * - messages (conversation_id, parent_id, created_at, id): the children of a message, i.e.
 *   siblings, and a conversation's roots (parent_id null);
 * - messages (conversation_id, created_at, id): a conversation's messages in order;
 * - messages (status, updated_at): the reaper's unfinished answers;
 * - messages (user_id): erasing a user.
 */
export const createConversations: Migration = {
  name: '0001_chat_conversations',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    const money = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('title', 'text')
      // 'user' once the user named it (a generated title never replaces it), 'auto' when generated.
      .addColumn('title_source', 'text')
      .addColumn('pinned', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('archived', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('active_leaf_id', 'text')
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('updated_at', timestamp, (column) => column.notNull())
      .addColumn('last_message_at', timestamp, (column) => column.notNull())
      .execute();
    await sql`create index conversations_user_list on conversations (user_id, archived, pinned desc, last_message_at desc, id desc)`.execute(db);

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('conversation_id', 'text', (column) => column.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('parent_id', 'text')
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('content', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('error_code', 'text')
      .addColumn('model', 'text')
      .addColumn('provider', 'text')
      .addColumn('prompt_tokens', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('completion_tokens', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('cost_usd', money, (column) => column.notNull().defaultTo(0))
      .addColumn('finish_reason', 'text')
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('updated_at', timestamp, (column) => column.notNull())
      .execute();
    await db.schema.createIndex('messages_conversation_order').on('messages').columns(['conversation_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('messages_children').on('messages').columns(['conversation_id', 'parent_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('messages_unfinished').on('messages').columns(['status', 'updated_at']).execute();
    await db.schema.createIndex('messages_user').on('messages').columns(['user_id']).execute();
  },
};
