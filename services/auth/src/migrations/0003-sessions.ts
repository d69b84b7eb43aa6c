import type { Migration } from '@versaai/storage';

/**
 * A session is one login and its family of refresh tokens: every rotation adds a token to the
 * same session, so revoking the session (logout, reuse of a rotated token, password change)
 * ends the whole family. Refresh tokens are stored as SHA-256 hashes only.
 */
export const createSessions: Migration = {
  name: '0003_auth_sessions',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('user_agent', 'text')
      .addColumn('device', 'text', (column) => column.notNull())
      .addColumn('ip', 'text')
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('last_used_at', timestamp, (column) => column.notNull())
      // Moves with every rotation: the session lives as long as its newest refresh token.
      .addColumn('expires_at', timestamp, (column) => column.notNull())
      .addColumn('revoked_at', timestamp)
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_id').on('sessions').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('session_id', 'text', (column) => column.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', timestamp, (column) => column.notNull())
      .addColumn('expires_at', timestamp, (column) => column.notNull())
      // Set once, by the rotation that replaced it; presenting it again is reuse.
      .addColumn('used_at', timestamp)
      .addColumn('replaced_by', 'text')
      .execute();
    await db.schema.createIndex('refresh_tokens_session_id').on('refresh_tokens').column('session_id').execute();
  },
};
