import { requestContext, type Logger, type Metrics } from '@versaai/kernel';
import type { Database } from '@versaai/storage';
import type { EventEnvelope } from '../envelope.ts';
import { EventDecodeError } from '../event-errors.ts';
import { recordInbox } from '../inbox.ts';
import { enqueueEvents } from '../outbox.ts';
import type { BusTransport, StreamEntry } from '../transport.ts';
import type { EventHandler } from './handler.ts';

/** An entry read from the bus with the result of decoding it. */
export type DecodedEntry = { entry: StreamEntry; event: EventEnvelope; error?: undefined } | { entry: StreamEntry; event?: undefined; error: Error };

export type EntryOutcome =
  /** Done (handled, duplicate, or no handler): ack it. */
  | { kind: 'ack'; published: boolean }
  /** Already acked by the transport when it moved the entry to the dead letters. */
  | { kind: 'dead-lettered' }
  /** Leave it pending and re-deliver it after a backoff. */
  | { kind: 'retry' };

export interface EntryHandlingContext {
  transport: BusTransport;
  database: Database;
  group: string;
  handlers: Partial<Record<string, EventHandler>>;
  logger: Logger;
  metrics: Metrics | undefined;
  maxDeliveries: number;
}

const UNDECODABLE_TYPE = 'undecodable';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function handleEntry(ctx: EntryHandlingContext, decoded: DecodedEntry): Promise<EntryOutcome> {
  const { entry } = decoded;
  if (!decoded.event) {
    const { error } = decoded;
    const reason = error instanceof EventDecodeError ? `${error.code}: ${error.message}` : errorMessage(error);
    return deadLetter(ctx, entry, UNDECODABLE_TYPE, reason);
  }
  const { event } = decoded;
  if (entry.deliveries > ctx.maxDeliveries) {
    // Delivered again and again without an ack or a recorded failure: its handling crashes the process.
    return deadLetter(ctx, entry, event.type, `delivered ${entry.deliveries} times (maxDeliveries ${ctx.maxDeliveries}) without completing`);
  }
  const handler = ctx.handlers[event.type];
  if (!handler) return { kind: 'ack', published: false };

  const logger = ctx.logger.child({ eventId: event.id, type: event.type, correlationId: event.correlationId });
  let published = false;
  let duplicate = false;
  try {
    await ctx.database.db.transaction().execute(async (trx) => {
      if (!(await recordInbox(trx, ctx.group, event.id))) {
        logger.debug({ deliveries: entry.deliveries }, 'duplicate event skipped');
        duplicate = true;
        return;
      }
      const publish = async (events: EventEnvelope[]): Promise<void> => {
        await enqueueEvents(
          trx,
          events.map((next) => ({ ...next, causationId: event.id, correlationId: event.correlationId })),
        );
        if (events.length > 0) published = true;
      };
      // Events created by the handler inherit the correlation id, as they would inside a request.
      await requestContext.run({ requestId: event.id, correlationId: event.correlationId }, () => handler(event, { trx, logger, publish }));
    });
  } catch (error) {
    ctx.metrics?.bus.failed.inc({ group: ctx.group, type: event.type });
    if (entry.deliveries >= ctx.maxDeliveries) return deadLetter(ctx, entry, event.type, errorMessage(error));
    logger.warn({ err: error, deliveries: entry.deliveries, maxDeliveries: ctx.maxDeliveries }, 'event handler failed; will retry');
    return { kind: 'retry' };
  }
  if (!duplicate) ctx.metrics?.bus.consumed.inc({ group: ctx.group, type: event.type });
  return { kind: 'ack', published };
}

async function deadLetter(ctx: EntryHandlingContext, entry: StreamEntry, type: string, reason: string): Promise<EntryOutcome> {
  try {
    await ctx.transport.deadLetter(ctx.group, entry, reason);
  } catch (error) {
    // Still pending: it comes back through retry and is dead-lettered on that delivery.
    ctx.logger.error({ err: error, stream: entry.stream, entryId: entry.id }, 'could not dead-letter entry; will retry');
    return { kind: 'retry' };
  }
  ctx.metrics?.bus.deadLettered.inc({ group: ctx.group, type });
  ctx.logger.error({ stream: entry.stream, entryId: entry.id, type, deliveries: entry.deliveries, reason }, 'event dead-lettered');
  return { kind: 'dead-lettered' };
}
