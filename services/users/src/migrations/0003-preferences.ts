import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * One row per user who changed a preference; a missing row means "all defaults". Notification
 * channels are 0/1 integers: SQLite has no boolean and better-sqlite3 cannot bind one.
 */
export const createPreferences: Migration = {
  name: '0003_users_preferences',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    const now = dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
    await db.schema
      .createTable('preferences')
      .addColumn('user_id', 'text', (column) => column.primaryKey())
      .addColumn('default_model', 'text')
      .addColumn('theme', 'text', (column) => column.notNull().defaultTo('system'))
      .addColumn('notify_email', 'integer', (column) => column.notNull().defaultTo(1))
      .addColumn('notify_slack', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('notify_push', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('notify_in_app', 'integer', (column) => column.notNull().defaultTo(1))
      .addColumn('updated_at', timestamp, (column) => column.notNull().defaultTo(now))
      .execute();
  },
};
