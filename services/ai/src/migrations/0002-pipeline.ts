import type { Migration } from '@versaai/storage';

/**
 * The pipeline's tables. Times are epoch milliseconds in bigint columns: leases are compared
 * with arithmetic on both dialects, and one integer type avoids timestamptz-vs-text branches.
 */
export const createPipelineTables: Migration = {
  name: '0002_ai_pipeline',
  async up(db) {
    // One row per chat response to produce: the job. A lease (owner + expiry) says which
    // process runs it; an expired lease on a queued/running row is adopted by any replica.
    await db.schema
      .createTable('responses')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('message_id', 'text', (column) => column.notNull())
      .addColumn('request', 'text', (column) => column.notNull())
      // queued | running | completed | failed | cancelled
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint', (column) => column.notNull().defaultTo(0))
      // The UTC day the quota was charged for: charged once, however many attempts run.
      .addColumn('quota_day', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('responses_open_by_lease').on('responses').columns(['status', 'lease_expires_at']).execute();

    // One row per finished response (chat or /v1): what it cost, for the usage API.
    await db.schema
      .createTable('ai_usage')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('day', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      // chat | api
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
      .addColumn('completion_tokens', 'integer', (column) => column.notNull())
      .addColumn('cost_usd', 'double precision', (column) => column.notNull())
      .addColumn('cached', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('ai_usage_by_user_day').on('ai_usage').columns(['user_id', 'day']).execute();
    await db.schema.createIndex('ai_usage_by_day').on('ai_usage').columns(['day']).execute();

    // The daily quota counters: one row per user and UTC day, raised by conditional UPDATEs.
    await db.schema
      .createTable('ai_quota_counters')
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('day', 'text', (column) => column.notNull())
      .addColumn('messages', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('tokens', 'bigint', (column) => column.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('ai_quota_counters_pk', ['user_id', 'day'])
      .execute();
  },
};
