import type { ServiceDb } from './service-db.ts';
import type { EventEnvelope } from './envelope.ts';
import { encodeEvent } from './envelope.ts';
import { streamFor } from './transport.ts';

// Far below SQLite's bound-parameter limit (5 columns per row).
const INSERT_CHUNK = 500;

/** One outbox row as written: what the relay publishes. */
export interface OutboxEntry {
  id: string;
  type: string;
  stream: string;
  payload: string;
}

/**
 * Writes events to the outbox inside the caller's transaction, so they are committed (and
 * later published by the relay) if and only if the state change that caused them is. Returns
 * the rows written, for OutboxRelay.publishCommitted once the transaction has committed.
 */
export async function enqueueEvents(trx: ServiceDb, events: EventEnvelope[]): Promise<OutboxEntry[]> {
  const createdAt = new Date().toISOString();
  const entries = events.map((event) => ({ id: event.id, type: event.type, stream: streamFor(event.type), payload: encodeEvent(event) }));
  for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
    const rows = entries.slice(start, start + INSERT_CHUNK).map((entry) => ({ ...entry, created_at: createdAt }));
    await trx.insertInto('versaai_outbox').values(rows).execute();
  }
  return entries;
}
