import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

/**
 * The rest of the profile: avatar, time zone, and the role and status the users service is
 * the source of (auth projects them from user.updated). `display_name_folded` is the display
 * name lower-cased by the application, so the admin search is case-insensitive the same way
 * on SQLite (whose lower() folds ASCII only) and PostgreSQL.
 */
export const addProfileFields: Migration = {
  name: '0002_users_profile_fields',
  async up(db) {
    await db.schema.alterTable('profiles').addColumn('avatar_url', 'text').execute();
    await db.schema.alterTable('profiles').addColumn('time_zone', 'text').execute();
    await db.schema.alterTable('profiles').addColumn('role', 'text', (column) => column.notNull().defaultTo('user')).execute();
    await db.schema.alterTable('profiles').addColumn('status', 'text', (column) => column.notNull().defaultTo('active')).execute();
    await db.schema.alterTable('profiles').addColumn('display_name_folded', 'text').execute();
    // Rows written before this migration: ASCII folding is what SQL offers on both dialects.
    await sql`update profiles set display_name_folded = lower(display_name) where display_name is not null`.execute(db);
    await db.schema.createIndex('profiles_status_role').on('profiles').columns(['status', 'role']).execute();
  },
};
