import type { Logger, Metrics } from '@versaai/kernel';
import type { Database } from '@versaai/storage';
import type { BackoffOptions } from '../backoff.ts';
import { backoffDelay } from '../backoff.ts';
import { decodeEvent } from '../decode-event.ts';
import { replayStreamFor, streamFor, type BusTransport, type StreamEntry } from '../transport.ts';
import { WakeableSleep } from '../wakeable-sleep.ts';
import { defaultConsumerName } from './consumer-name.ts';
import {
  errorMessage, precheckEntry, runInOwnTransaction, runInSharedTransaction,
  type DecodedEntry, type EntryHandlingContext, type EntryOutcome, type RunnableEntry,
} from './handle-entry.ts';
import type { EventHandler } from './handler.ts';
import { partitionByKey, runKeyed } from './keyed-concurrency.ts';
import { RetrySchedule, type PendingRef } from './retry-schedule.ts';

export interface ConsumerOptions {
  transport: BusTransport;
  database: Database;
  /** Consumer group: one per service; replicas of the service share its work. */
  group: string;
  /** Unique name of this consumer inside the group (default `${hostname}-${pid}-${random}`). */
  consumerName?: string;
  handlers: Partial<Record<string, EventHandler>>;
  logger: Logger;
  metrics?: Metrics;
  /** Entries per read (default 32). */
  batchSize?: number;
  /** Longest blocking read (default 1000 ms); stop() ends a read at once. */
  blockMs?: number;
  /** Deliveries before an event goes to the dead letters (default 5). */
  maxDeliveries?: number;
  /** Retry delay of failed handlers (default 250 ms doubling up to 30 s), capped at half of reclaimIdleMs. */
  backoff?: BackoffOptions;
  /** Pending entries idle this long belong to a dead consumer and are claimed (default 30 s). */
  reclaimIdleMs?: number;
  /**
   * Events handled in one database transaction (default 64). One commit per batch is what makes
   * a consumer fast; if a handler fails, the batch is rolled back and re-run without the failed
   * event. Handlers that wait on slow I/O should use 1: each event then gets its own
   * transaction and up to `concurrency` of them run at once.
   */
  transactionBatchSize?: number;
  /**
   * Transactions running at once (default 8): with transactionBatchSize 1, one per event; on
   * PostgreSQL also the shared transactions a batch is split into. Events with the same key
   * never run concurrently.
   */
  concurrency?: number;
  /** How often the lag gauge is refreshed (default 5 s). */
  lagIntervalMs?: number;
  /** Called after a handler's transaction enqueued events, to wake the outbox relay. */
  onOutboxWrite?: () => void;
}

export interface Consumer {
  readonly name: string;
  start(): void;
  /** Stops reading, waits for in-flight handlers and acknowledges what they finished. */
  stop(): Promise<void>;
  /** Throws unless the group exists and the loop is running. */
  readiness(): Promise<void>;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'died';

export function createConsumer(options: ConsumerOptions): Consumer {
  const { transport, database, group, handlers, metrics } = options;
  const name = options.consumerName ?? defaultConsumerName();
  const batchSize = options.batchSize ?? 32;
  const blockMs = Math.max(1, options.blockMs ?? 1_000);
  const maxDeliveries = options.maxDeliveries ?? 5;
  const reclaimIdleMs = options.reclaimIdleMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const transactionBatchSize = Math.max(1, options.transactionBatchSize ?? 64);
  const lagIntervalMs = options.lagIntervalMs ?? 5_000;
  // A retry waiting longer than reclaimIdleMs would be claimed by another consumer meanwhile.
  const retryBackoff: BackoffOptions = {
    baseMs: options.backoff?.baseMs ?? 250,
    maxMs: Math.max(1, Math.min(options.backoff?.maxMs ?? 30_000, Math.floor(reclaimIdleMs / 2))),
  };
  const handledTypes = Object.entries(handlers).flatMap(([type, handler]) => (handler ? [type] : []));
  const streams = [...new Set(handledTypes.map(streamFor)), replayStreamFor(group)];
  const logger = options.logger.child({ component: 'consumer', group, consumer: name });
  const entryContext: EntryHandlingContext = { transport, database, group, handlers, logger, metrics, maxDeliveries };

  const retries = new RetrySchedule();
  const failurePause = new WakeableSleep();
  /** Aborted by stop(): ends a blocking read at once instead of after blockMs. */
  let stopping = new AbortController();
  let acks: PendingRef[] = [];
  /** Resolves with the error of the acks in flight, or undefined: never rejects unobserved. */
  let ackInFlight: Promise<unknown> = Promise.resolve(undefined);
  let state: State = 'new';
  let deathCause: unknown;
  let loop: Promise<void> | undefined;
  let nextClaimAt = 0;
  let nextLagAt = 0;

  const isRunning = () => state === 'starting' || state === 'running';

  async function fetchBatch(): Promise<StreamEntry[]> {
    const now = Date.now();
    if (now >= nextClaimAt) {
      const claimed = await transport.claimIdle(group, name, streams, reclaimIdleMs, batchSize);
      // A full page means more idle entries may wait: claim again on the next turn.
      nextClaimAt = claimed.length >= batchSize ? now : now + reclaimIdleMs;
      for (const entry of claimed) retries.forget(entry);
      if (claimed.length > 0) return claimed;
    }
    const due = retries.takeDue(now, batchSize);
    if (due.length > 0) return transport.retry(group, name, due);
    // Block until new entries arrive, but wake for the next retry or reclaim: no sleep-polling.
    const waitMs = Math.min(blockMs, retries.nextDueAt() - now, nextClaimAt - now);
    if (waitMs < 1) return [];
    return transport.read(group, name, streams, { count: batchSize, blockMs: Math.ceil(waitMs), signal: stopping.signal });
  }

  async function processBatch(entries: StreamEntry[]): Promise<void> {
    const decoded: DecodedEntry[] = entries.map((entry) => {
      try {
        return { entry, event: decodeEvent(entry.payload) };
      } catch (error) {
        return { entry, error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
    const runnables: RunnableEntry[] = [];
    for (const item of decoded) {
      const outcome = await precheckEntry(entryContext, item);
      if ('handler' in outcome) runnables.push(outcome);
      else settle(item.entry, outcome);
    }
    if (transactionBatchSize === 1) {
      await runKeyed(runnables, (item) => item.event.key ?? null, concurrency, async (item) => {
        settle(item.entry, await runInOwnTransaction(entryContext, item));
      });
      return;
    }
    // PostgreSQL: up to `concurrency` transactions at once on the pool, each event's key kept in
    // one of them so its events stay in order. SQLite has one connection: one transaction at a time.
    const lanes = database.dialect === 'postgres' ? concurrency : 1;
    await Promise.all(partitionByKey(runnables, lanes).map(async (part) => {
      for (let start = 0; start < part.length; start += transactionBatchSize) {
        const chunk = part.slice(start, start + transactionBatchSize);
        const outcomes = await runInSharedTransaction(entryContext, chunk);
        chunk.forEach((item, index) => settle(item.entry, outcomes[index]!));
      }
    }));
  }

  function settle(entry: StreamEntry, outcome: EntryOutcome): void {
    if (outcome.kind === 'ack') {
      acks.push({ stream: entry.stream, id: entry.id });
      if (outcome.published) options.onOutboxWrite?.();
    } else if (outcome.kind === 'retry') {
      retries.schedule(entry, Date.now() + backoffDelay(entry.deliveries, retryBackoff));
    }
  }

  async function flushAcks(): Promise<void> {
    if (acks.length === 0) return;
    const batch = acks;
    acks = [];
    try {
      await transport.ack(group, batch);
    } catch (error) {
      acks = batch.concat(acks);
      throw error;
    }
  }

  async function refreshLag(): Promise<void> {
    if (!metrics || Date.now() < nextLagAt) return;
    nextLagAt = Date.now() + lagIntervalMs;
    try {
      metrics.bus.lag.set({ group }, await transport.lag(group, streams));
    } catch (error) {
      logger.warn({ err: error }, 'could not measure consumer lag');
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (isRunning()) {
      try {
        if (state === 'starting') {
          await transport.ensureGroup(group, streams);
          if (state === 'starting') state = 'running';
          logger.info({ streams }, 'consumer started');
        }
        // The previous batch's acks travel while this read waits: one round trip less per batch.
        const entries = await fetchBatch();
        // Entries already read are handled even when stop() came meanwhile: they are ours now.
        if (entries.length > 0) await processBatch(entries);
        await settleAcks();
        ackInFlight = flushAcks().then(() => undefined, (error: unknown) => error ?? new Error('ack failed'));
        await refreshLag();
        failures = 0;
      } catch (error) {
        failures += 1;
        const retryInMs = Math.max(retryBackoff.baseMs, backoffDelay(failures, retryBackoff));
        logger.error({ err: error, failures, retryInMs }, 'consumer loop failed; will retry');
        if (isRunning()) await failurePause.sleep(retryInMs);
      }
    }
    await settleAcks()
      .then(flushAcks)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not flush acks on stop; entries will be redelivered'));
  }

  /** Waits for the acks in flight; their failure (the entries are back in `acks`) surfaces here. */
  async function settleAcks(): Promise<void> {
    const failure = await ackInFlight;
    ackInFlight = Promise.resolve(undefined);
    if (failure !== undefined) throw failure;
  }

  return {
    name,
    start() {
      if (state !== 'new' && state !== 'stopped') return;
      state = 'starting';
      stopping = new AbortController();
      loop = run().then(
        () => {
          state = 'stopped';
        },
        (error: unknown) => {
          state = 'died';
          deathCause = error;
          logger.fatal({ err: error }, 'consumer loop died');
        },
      );
    },
    async stop() {
      if (state === 'starting' || state === 'running') state = 'stopping';
      stopping.abort();
      failurePause.wake();
      await loop;
      logger.info('consumer stopped');
    },
    async readiness() {
      if (state === 'died') throw new Error(`consumer ${name} of ${group} died: ${errorMessage(deathCause)}`);
      if (state !== 'running') throw new Error(`consumer ${name} of ${group} is not running (${state})`);
    },
  };
}
