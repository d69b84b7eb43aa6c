import type { Logger, Metrics } from '@versaai/kernel';
import type { Database } from '@versaai/storage';
import type { ServiceDb } from './service-db.ts';
import type { OutboxEntry } from './outbox.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { BusTransport } from './transport.ts';
import { WakeableSleep } from './wakeable-sleep.ts';

export interface OutboxRelayOptions {
  database: Database;
  transport: BusTransport;
  logger: Logger;
  metrics?: Metrics;
  /** Rows published per transport round trip. */
  batchSize?: number;
  /** Safety net for a missed notify() (e.g. rows written by another process): relay at least this often. */
  sweepIntervalMs?: number;
  /** Delay between attempts while the database or the bus fails. */
  retryBackoff?: BackoffOptions;
}

export interface OutboxRelay {
  /** Relays at once (rows a crash left behind), then on every notify() and sweep. */
  start(): void;
  /** Call right after committing a transaction that enqueued events. */
  notify(): void;
  /**
   * Call right after committing a transaction that enqueued `entries` (what enqueueEvents
   * returned): publishes them at once, without reading them back, then deletes their rows. Falls
   * back to notify() while older rows may be waiting (a failed publish, a full batch), so events
   * never overtake earlier ones; a failure leaves the rows to the loop.
   */
  publishCommitted(entries: OutboxEntry[]): void;
  /** Publishes one batch, oldest first; returns how many rows it published. */
  relayOnce(): Promise<number>;
  /** Stops the loop after the batch in progress. */
  stop(): Promise<void>;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { database, transport, logger, metrics } = options;
  const batchSize = options.batchSize ?? 100;
  const sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
  const retryBackoff = options.retryBackoff ?? { baseMs: 200, maxMs: 10_000 };
  const log = logger.child({ component: 'outbox-relay', service: database.service });
  const wakeup = new WakeableSleep();
  const failurePause = new WakeableSleep();
  let running = false;
  let loop: Promise<void> | undefined;
  // One batch at a time per relay: the loop and direct relayOnce() calls never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  // True once a pass of the loop found the outbox drained and nothing failed since: only then
  // can rows committed now be published ahead of the loop without overtaking older ones.
  let drained = false;
  // The ids the latest batch read from the table published: a publishCommitted queued behind
  // that batch skips them instead of appending them a second time.
  let lastBatchIds = new Set<string>();

  async function publishAndDelete(db: ServiceDb, rows: OutboxEntry[]): Promise<number> {
    if (rows.length === 0) return 0;
    await transport.append(rows.map((row) => ({ stream: row.stream, payload: row.payload })));
    // A crash here publishes these rows again on restart: harmless, consumers dedupe by event id.
    await db.deleteFrom('versaai_outbox').where('id', 'in', rows.map((row) => row.id)).execute();
    countPublished(rows);
    return rows.length;
  }

  function countPublished(rows: OutboxEntry[]): void {
    if (!metrics) return;
    const perType = new Map<string, number>();
    for (const row of rows) perType.set(row.type, (perType.get(row.type) ?? 0) + 1);
    for (const [type, count] of perType) metrics.bus.published.inc({ type }, count);
  }

  function selectBatch(db: ServiceDb) {
    return db.selectFrom('versaai_outbox').select(['id', 'type', 'stream', 'payload']).orderBy('created_at').orderBy('id').limit(batchSize);
  }

  async function relayBatch(): Promise<number> {
    if (database.dialect === 'postgres') {
      // Replicas relaying the same schema each lock a different batch instead of publishing the same rows.
      return database.db.transaction().execute(async (trx) => {
        const rows: OutboxEntry[] = await selectBatch(trx).forUpdate().skipLocked().execute();
        lastBatchIds = new Set(rows.map((row) => row.id));
        return publishAndDelete(trx, rows);
      });
    }
    // SQLite has one writer and Kysely one connection: holding a transaction across the publish
    // would stall every other query of the service, so read, publish, then delete.
    const rows: OutboxEntry[] = await selectBatch(database.db).execute();
    lastBatchIds = new Set(rows.map((row) => row.id));
    return publishAndDelete(database.db, rows);
  }

  function relayOnce(): Promise<number> {
    const next = queue.then(relayBatch).catch((error: unknown) => {
      drained = false;
      throw error;
    });
    queue = next.catch(() => undefined);
    return next;
  }

  function publishCommitted(entries: OutboxEntry[]): void {
    if (entries.length === 0) return;
    if (!running || !drained) {
      wakeup.wake();
      return;
    }
    // Behind any batch in flight, so rows committed earlier in this process go out first.
    const next = queue.then(() => {
      // An earlier publish failed meanwhile: these must wait behind its rows.
      if (!drained) {
        wakeup.wake();
        return 0;
      }
      // A batch that ran meanwhile may have read and published some of them already (another
      // replica's too: consumers dedupe by event id).
      return publishAndDelete(database.db, entries.filter((entry) => !lastBatchIds.has(entry.id)));
    });
    queue = next.catch((error: unknown) => {
      drained = false;
      log.warn({ err: error }, 'could not publish committed events at once; the relay loop retries them');
      wakeup.wake();
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      try {
        const relayed = await relayOnce();
        failures = 0;
        if (relayed > 0) log.debug({ relayed }, 'outbox relayed');
        drained = relayed < batchSize;
        if (!drained) continue; // more rows are probably waiting
        await wakeup.sleep(sweepIntervalMs);
      } catch (error) {
        failures += 1;
        const retryInMs = Math.max(retryBackoff.baseMs, backoffDelay(failures, retryBackoff));
        log.error({ err: error, failures, retryInMs }, 'outbox relay failed; will retry');
        await failurePause.sleep(retryInMs);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    notify() {
      wakeup.wake();
    },
    publishCommitted,
    relayOnce,
    async stop() {
      running = false;
      wakeup.wake();
      failurePause.wake();
      await loop;
      await queue;
      loop = undefined;
    },
  };
}
