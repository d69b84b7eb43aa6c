import type { Migration } from '@versaai/storage';

/**
 * API keys: `vak_<id>_<secret>`; the id is the row's key, only SHA-256(secret) is stored.
 * `scopes` is space-separated, as in the access tokens they are exchanged for.
 */
export const createApiKeys: Migration = {
  name: '0006_auth_api_keys',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('scopes', 'text', (column) => column.notNull())
      .addColumn('secret_hash', 'text', (column) => column.notNull())
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('expires_at', timestamp)
      .addColumn('last_used_at', timestamp)
      .execute();
    await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();
  },
};
