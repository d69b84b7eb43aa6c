import type { Logger } from '@versaai/kernel';
import type { ServiceDb } from '../service-db.ts';
import type { EventEnvelope } from '../envelope.ts';

export interface HandlerContext {
  /** The transaction the inbox row is written in: write the handler's effects with it. */
  trx: ServiceDb;
  /** Child logger carrying eventId, type and correlationId. */
  logger: Logger;
  /** Enqueues follow-up events in the same transaction; causationId and correlationId come from the handled event. */
  publish(events: EventEnvelope[]): Promise<void>;
  /**
   * Runs `callback` once the transaction has ended: `committed` is true when the handler's
   * effects are durable, false when they were rolled back (the event is then delivered again or
   * re-run in a new transaction). For work that must not start before the commit (e.g. taking
   * up a row the handler inserted) without waiting for the next poll.
   */
  afterTransaction(callback: (committed: boolean) => void): void;
}

export type EventHandler = (event: EventEnvelope<any>, ctx: HandlerContext) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any -- handlers narrow by type
