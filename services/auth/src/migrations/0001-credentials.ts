import { sql } from 'kysely';
import type { Migration } from '@versaai/storage';

export const createCredentials: Migration = {
  name: '0001_auth_credentials',
  async up(db, dialect) {
    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (column) => column.primaryKey())
      // Stored normalised (trimmed, lower-case), so the unique constraint is case-insensitive.
      .addColumn('email', 'text', (column) => column.notNull().unique())
      .addColumn('password_hash', 'text', (column) => column.notNull())
      .addColumn('created_at', dialect === 'postgres' ? 'timestamptz' : 'text', (column) =>
        column.notNull().defaultTo(dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`))
      .execute();
  },
};
