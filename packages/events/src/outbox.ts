import type { ServiceDb } from './service-db.ts';
import type { EventEnvelope } from './envelope.ts';
import { encodeEvent } from './envelope.ts';
import { streamFor } from './transport.ts';

// Far below SQLite's bound-parameter limit (5 columns per row).
const INSERT_CHUNK = 500;

/**
 * Writes events to the outbox inside the caller's transaction, so they are committed (and
 * later published by the relay) if and only if the state change that caused them is.
 */
export async function enqueueEvents(trx: ServiceDb, events: EventEnvelope[]): Promise<void> {
  const createdAt = new Date().toISOString();
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const rows = events.slice(start, start + INSERT_CHUNK).map((event) => ({
      id: event.id,
      type: event.type,
      stream: streamFor(event.type),
      payload: encodeEvent(event),
      created_at: createdAt,
    }));
    await trx.insertInto('versaai_outbox').values(rows).execute();
  }
}
