import { z } from 'zod';

/** What travels on the bus: the same shape for every event type, `data` is typed by the catalog. */
export interface EventEnvelope<T = unknown> {
  /** UUIDv7: unique, and sortable by creation time. */
  id: string;
  type: string;
  version: number;
  /** ISO 8601 timestamp. */
  occurredAt: string;
  /** The service that produced the event. */
  source: string;
  /** Shared by every event and request caused by the same original request. */
  correlationId: string;
  /** Id of the event whose handling produced this one, null for events caused by a request. */
  causationId: string | null;
  /** Ordering key (e.g. conversation id): events with the same key are handled in order by one consumer. */
  key: string | null;
  data: T;
}

/** Shape check of the envelope only; `data` is checked against the catalog afterwards. */
export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  key: z.string().min(1).nullable(),
  data: z.unknown(),
});

export function encodeEvent(event: EventEnvelope): string {
  return JSON.stringify(event);
}
