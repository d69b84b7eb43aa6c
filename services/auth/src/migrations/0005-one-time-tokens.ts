import type { Migration } from '@versaai/storage';

/**
 * Single-use tokens e-mailed to people (verify the address, reset the password). Only the
 * SHA-256 of the token is stored, so a leaked table cannot be used to take over accounts.
 */
export const createOneTimeTokens: Migration = {
  name: '0005_auth_one_time_tokens',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema
      .createTable('one_time_tokens')
      .addColumn('token_hash', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('purpose', 'text', (column) => column.notNull())
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('expires_at', timestamp, (column) => column.notNull())
      .addColumn('used_at', timestamp)
      .execute();
    await db.schema.createIndex('one_time_tokens_user_purpose').on('one_time_tokens').columns(['user_id', 'purpose']).execute();
  },
};
