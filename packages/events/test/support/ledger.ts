import type { Database, Migration } from '@versaai/storage';
import { eventsMigrations } from '../../src/migrations.ts';
import type { ServiceDb } from '../../src/service-db.ts';

/**
 * The observable effect of the test handlers: one row per application, with no unique key,
 * so applying an event twice shows up as two rows.
 */
const ledgerMigration: Migration = {
  name: '0001_ledger',
  async up(db) {
    await db.schema
      .createTable('ledger')
      .addColumn('event_id', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('note', 'text')
      .execute();
  },
};

export const ledgerMigrations: Migration[] = [...eventsMigrations, ledgerMigration];

export async function writeLedger(trx: ServiceDb, eventId: string, type: string, note: string | null = null): Promise<void> {
  await trx.insertInto('ledger').values({ event_id: eventId, type, note }).execute();
}

export async function ledgerRows(database: Database, eventId?: string): Promise<Array<{ event_id: string; type: string; note: string | null }>> {
  let query = database.db.selectFrom('ledger').select(['event_id', 'type', 'note']);
  if (eventId) query = query.where('event_id', '=', eventId);
  return query.execute();
}

export async function outboxSize(database: Database): Promise<number> {
  const { count } = await database.db
    .selectFrom('versaai_outbox')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}
