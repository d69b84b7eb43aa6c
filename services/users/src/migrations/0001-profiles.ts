import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

export const createProfiles: Migration = {
  name: '0001_users_profiles',
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    const now = dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
    await db.schema
      .createTable('profiles')
      // The id auth assigned: the users service never mints user ids.
      .addColumn('user_id', 'text', (column) => column.primaryKey())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('display_name', 'text')
      // Null means "follow the browser's language".
      .addColumn('locale', 'text')
      .addColumn('created_at', timestamp, (column) => column.notNull().defaultTo(now))
      .addColumn('updated_at', timestamp, (column) => column.notNull().defaultTo(now))
      .execute();
  },
};
