import { requestContext, type Logger, type Metrics } from '@versaai/kernel';
import type { Database } from '@versaai/storage';
import type { EventEnvelope } from '../envelope.ts';
import { EventDecodeError } from '../event-errors.ts';
import { recordInbox, recordInboxBatch } from '../inbox.ts';
import { enqueueEvents } from '../outbox.ts';
import type { ServiceDb } from '../service-db.ts';
import type { BusTransport, StreamEntry } from '../transport.ts';
import type { EventHandler, HandlerContext } from './handler.ts';

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

/** An entry that passed every check before its handler: decoded, not over-delivered, handled here. */
export interface RunnableEntry {
  entry: StreamEntry;
  event: EventEnvelope;
  handler: EventHandler;
}

const UNDECODABLE_TYPE = 'undecodable';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Settles what can be settled without running a handler; returns the entry to run otherwise. */
export async function precheckEntry(ctx: EntryHandlingContext, decoded: DecodedEntry): Promise<EntryOutcome | RunnableEntry> {
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
  return { entry, event, handler };
}

interface Applied {
  duplicate: boolean;
  published: boolean;
}

/** What handlers asked to run once their transaction ends (HandlerContext.afterTransaction). */
type Settled = Array<(committed: boolean) => void>;

function runSettled(ctx: EntryHandlingContext, callbacks: Settled, committed: boolean): void {
  for (const callback of callbacks) {
    try {
      callback(committed);
    } catch (error) {
      ctx.logger.error({ err: error, committed }, 'an after-transaction callback of an event handler failed');
    }
  }
}

/** Inbox row + handler effects, written with `trx`: the caller commits them together. */
async function applyEvent(ctx: EntryHandlingContext, trx: ServiceDb, runnable: RunnableEntry, settled: Settled): Promise<Applied> {
  if (!(await recordInbox(trx, ctx.group, runnable.event.id))) return skipDuplicate(ctx, runnable);
  return runHandler(ctx, trx, runnable, settled);
}

function skipDuplicate(ctx: EntryHandlingContext, runnable: RunnableEntry): Applied {
  ctx.logger.debug({ eventId: runnable.event.id, type: runnable.event.type, deliveries: runnable.entry.deliveries }, 'duplicate event skipped');
  return { duplicate: true, published: false };
}

/** The handler's effects, after its inbox row was recorded in the same transaction. */
async function runHandler(ctx: EntryHandlingContext, trx: ServiceDb, runnable: RunnableEntry, settled: Settled): Promise<Applied> {
  const { event, handler } = runnable;
  let published = false;
  const publish = async (events: EventEnvelope[]): Promise<void> => {
    await enqueueEvents(
      trx,
      events.map((next) => ({ ...next, causationId: event.id, correlationId: event.correlationId })),
    );
    if (events.length > 0) published = true;
  };
  // Events created by the handler inherit the correlation id, as they would inside a request.
  const context: HandlerContext = {
    trx,
    publish,
    afterTransaction: (callback) => {
      settled.push(callback);
    },
    // Built on first use: a pino child serialises its bindings at once, and most handlers never log.
    get logger() {
      const logger = ctx.logger.child({ eventId: event.id, type: event.type, correlationId: event.correlationId });
      Object.defineProperty(context, 'logger', { value: logger });
      return logger;
    },
  };
  await requestContext.run({ requestId: event.id, correlationId: event.correlationId }, () => handler(event, context));
  return { duplicate: false, published };
}

function succeeded(ctx: EntryHandlingContext, runnable: RunnableEntry, applied: Applied): EntryOutcome {
  if (!applied.duplicate) ctx.metrics?.bus.consumed.inc({ group: ctx.group, type: runnable.event.type });
  return { kind: 'ack', published: applied.published };
}

/** One event in its own transaction: a failure affects this event only. */
export async function runInOwnTransaction(ctx: EntryHandlingContext, runnable: RunnableEntry): Promise<EntryOutcome> {
  let applied: Applied | undefined;
  const settled: Settled = [];
  try {
    await ctx.database.db.transaction().execute(async (trx) => {
      applied = await applyEvent(ctx, trx, runnable, settled);
    });
  } catch (error) {
    runSettled(ctx, settled, false);
    return failed(ctx, runnable, error);
  }
  runSettled(ctx, settled, true);
  return succeeded(ctx, runnable, applied!);
}

/**
 * Several events in ONE transaction: one commit instead of one per event, which is what makes
 * the consumer fast (a commit costs far more than an inbox insert). A failing handler rolls the
 * transaction back; that event gets its failure outcome and the others run again in a new
 * transaction, so every handler still runs once per delivery of its own event and a failure
 * never leaves a neighbour's effect half-applied.
 */
export async function runInSharedTransaction(ctx: EntryHandlingContext, runnables: RunnableEntry[]): Promise<EntryOutcome[]> {
  const outcomes = new Map<RunnableEntry, EntryOutcome>();
  let remaining = runnables;
  while (remaining.length > 0) {
    const results: Applied[] = [];
    const settled: Settled = [];
    let culprit: { index: number; error: unknown } | undefined;
    try {
      await ctx.database.db.transaction().execute(async (trx) => {
        // One inbox statement for the whole batch; only events it had not seen run their handler.
        const fresh = await recordInboxBatch(trx, ctx.group, remaining.map((runnable) => runnable.event.id));
        for (const [index, runnable] of remaining.entries()) {
          // delete(): the same event twice in one batch runs once.
          if (!fresh.delete(runnable.event.id)) {
            results.push(skipDuplicate(ctx, runnable));
            continue;
          }
          try {
            results.push(await runHandler(ctx, trx, runnable, settled));
          } catch (error) {
            culprit = { index, error };
            throw error;
          }
        }
      });
    } catch (error) {
      runSettled(ctx, settled, false);
      if (!culprit) {
        // Begin or commit failed: nothing of this transaction was applied.
        for (const runnable of remaining) outcomes.set(runnable, await failed(ctx, runnable, error));
        break;
      }
      const failedRunnable = remaining[culprit.index]!;
      outcomes.set(failedRunnable, await failed(ctx, failedRunnable, culprit.error));
      remaining = remaining.filter((runnable) => runnable !== failedRunnable);
      continue;
    }
    runSettled(ctx, settled, true);
    remaining.forEach((runnable, index) => outcomes.set(runnable, succeeded(ctx, runnable, results[index]!)));
    break;
  }
  return runnables.map((runnable) => outcomes.get(runnable)!);
}

async function failed(ctx: EntryHandlingContext, runnable: RunnableEntry, error: unknown): Promise<EntryOutcome> {
  const { entry, event } = runnable;
  ctx.metrics?.bus.failed.inc({ group: ctx.group, type: event.type });
  if (entry.deliveries >= ctx.maxDeliveries) return deadLetter(ctx, entry, event.type, errorMessage(error));
  ctx.logger.warn(
    { err: error, eventId: event.id, type: event.type, deliveries: entry.deliveries, maxDeliveries: ctx.maxDeliveries },
    'event handler failed; will retry',
  );
  return { kind: 'retry' };
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
