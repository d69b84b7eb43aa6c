import type { ServiceDb } from './service-db.ts';

/**
 * Records that `group` handled `eventId`, inside the handler's transaction. Returns false when
 * it already had: the event is a duplicate delivery and its effect must not be applied again.
 * On PostgreSQL a concurrent insert of the same key waits for the other transaction, so two
 * replicas handling the same event at once cannot both see `true`.
 */
export async function recordInbox(trx: ServiceDb, group: string, eventId: string): Promise<boolean> {
  const result = await trx
    .insertInto('versaai_inbox')
    .values({ group_name: group, event_id: eventId, processed_at: new Date().toISOString() })
    .onConflict((conflict) => conflict.columns(['group_name', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * recordInbox for many events in one statement: returns the ids that were new. Duplicates in
 * `eventIds` count once. Same transaction rules as recordInbox.
 */
export async function recordInboxBatch(trx: ServiceDb, group: string, eventIds: readonly string[]): Promise<Set<string>> {
  // Sorted: concurrent replicas then lock inbox keys in the same order and cannot deadlock.
  const unique = [...new Set(eventIds)].sort();
  if (unique.length === 0) return new Set();
  const processedAt = new Date().toISOString();
  const inserted = await trx
    .insertInto('versaai_inbox')
    .values(unique.map((eventId) => ({ group_name: group, event_id: eventId, processed_at: processedAt })))
    .onConflict((conflict) => conflict.columns(['group_name', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return new Set(inserted.map((row) => String(row.event_id)));
}

/** Deletes inbox rows at least `olderThanMs` old: redeliveries never come that late (streams are trimmed before). */
export async function pruneInbox(db: ServiceDb, olderThanMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  // `<=`: with a retention of 0, a row recorded in this very millisecond is old enough too.
  const result = await db.deleteFrom('versaai_inbox').where('processed_at', '<=', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
