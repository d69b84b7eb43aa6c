import type { Migration } from '@versaai/storage';

/**
 * Failed logins per key (`acct:<sha256 of the e-mail>`, `ip:<address>`), in the database so
 * every auth replica sees the same counts. Times are epoch milliseconds (bigint on PostgreSQL,
 * integer on SQLite) so the back-off arithmetic is the same on both.
 */
export const createLoginAttempts: Migration = {
  name: '0004_auth_login_attempts',
  async up(db) {
    await db.schema
      .createTable('login_attempts')
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('failures', 'integer', (column) => column.notNull())
      .addColumn('last_failure_at', 'bigint', (column) => column.notNull())
      .addColumn('blocked_until', 'bigint', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('login_attempts_last_failure_at').on('login_attempts').column('last_failure_at').execute();
  },
};
