import type { Migration } from '@versaai/storage';
import { sql } from 'kysely';

/**
 * Tables every service with events needs. The `0000_events_` prefix sorts them before a
 * service's own migrations, so its first migration can already enqueue events.
 */
export const eventsMigrations: Migration[] = [
  {
    name: '0000_events_outbox',
    async up(db, dialect) {
      await db.schema
        .createTable('versaai_outbox')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('stream', 'text', (column) => column.notNull())
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('created_at', dialect === 'postgres' ? 'timestamptz' : 'text', (column) =>
          column.notNull().defaultTo(dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
        )
        .execute();
      // The relay reads oldest first.
      await db.schema.createIndex('versaai_outbox_created_at').ifNotExists().on('versaai_outbox').columns(['created_at', 'id']).execute();
    },
  },
  {
    name: '0000_events_inbox',
    async up(db, dialect) {
      await db.schema
        .createTable('versaai_inbox')
        .ifNotExists()
        .addColumn('group_name', 'text', (column) => column.notNull())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('processed_at', dialect === 'postgres' ? 'timestamptz' : 'text', (column) =>
          column.notNull().defaultTo(dialect === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
        )
        .addPrimaryKeyConstraint('versaai_inbox_pk', ['group_name', 'event_id'])
        .execute();
      // Pruning old entries scans by age.
      await db.schema.createIndex('versaai_inbox_processed_at').ifNotExists().on('versaai_inbox').column('processed_at').execute();
    },
  },
];
