import type { Migration } from '@versaai/storage';

/**
 * The model registry. Rows are seeded from configuration at start (source 'config') and may be
 * changed or added by admins (source 'admin', never overwritten by the seed). Booleans are
 * integers 0/1 and lists JSON text so both dialects read them the same way; times are epoch ms.
 */
export const createModelsTable: Migration = {
  name: '0001_ai_models',
  async up(db) {
    await db.schema
      .createTable('models')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('upstream_model', 'text', (column) => column.notNull())
      .addColumn('context_window', 'integer', (column) => column.notNull())
      .addColumn('max_output_tokens', 'integer', (column) => column.notNull())
      .addColumn('input_price_per_million', 'double precision', (column) => column.notNull().defaultTo(0))
      .addColumn('output_price_per_million', 'double precision', (column) => column.notNull().defaultTo(0))
      .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
      .addColumn('allowed_plans', 'text', (column) => column.notNull().defaultTo('[]'))
      .addColumn('fallbacks', 'text', (column) => column.notNull().defaultTo('[]'))
      .addColumn('is_default', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();
  },
};
