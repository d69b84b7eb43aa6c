import type { BusTransport, ReadOptions, StreamEntry } from '../transport.ts';
import { createAppendSignal } from './append-signal.ts';
import { createDeadLetters } from './dead-letters.ts';
import { createDelivery } from './delivery.ts';
import { createRetention } from './retention.ts';
import { openBusDatabase } from './schema.ts';

export interface EmbeddedTransportOptions {
  /** SQLite file of the bus (created with its folder if missing). */
  file: string;
}

/**
 * The bus in one SQLite file for the all-in-one topology: durable, same semantics as Redis
 * Streams consumer groups. Blocked readers are woken by appends of this process only.
 */
export function createEmbeddedTransport(opts: EmbeddedTransportOptions): BusTransport {
  const db = openBusDatabase(opts.file);
  const signal = createAppendSignal();
  const delivery = createDelivery(db);
  const retention = createRetention(db);
  const deadLetters = createDeadLetters(db, (stream) => signal.notify([stream]));
  let closed = false;

  const appendEntry = db.prepare<[string, string, number]>(
    'INSERT INTO bus_entries (stream, payload, created_at) VALUES (?, ?, ?)');
  const ensureGroupRow = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO bus_groups (group_name, stream, last_delivered_seq, created_at) VALUES (?, ?, 0, ?)');

  const appendAll = db.transaction((items: Array<{ stream: string; payload: string }>) => {
    const now = Date.now();
    return items.map((item) => String(appendEntry.run(item.stream, item.payload, now).lastInsertRowid));
  });

  const ensureGroups = db.transaction((group: string, streams: string[]) => {
    const now = Date.now();
    for (const stream of streams) ensureGroupRow.run(group, stream, now);
  });

  function assertOpen(): void {
    if (closed) throw new Error('The embedded bus is closed');
  }

  async function read(group: string, consumer: string, streams: string[], opts: ReadOptions): Promise<StreamEntry[]> {
    if (closed || streams.length === 0) return [];
    const deadline = Date.now() + Math.max(0, opts.blockMs);
    for (;;) {
      const entries = delivery.deliverNew(group, consumer, streams, opts.count);
      if (entries.length > 0) return entries;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      // Woken by an append to one of our streams; another consumer may still win it, so loop.
      const appended = await signal.waitForAppend(streams, remaining, opts.signal);
      if (closed || !appended) return [];
    }
  }

  return {
    kind: 'embedded',
    async append(items) {
      assertOpen();
      if (items.length === 0) return [];
      const ids = appendAll.immediate(items);
      signal.notify(items.map((item) => item.stream));
      return ids;
    },
    async ensureGroup(group, streams) {
      assertOpen();
      ensureGroups.immediate(group, streams);
    },
    read,
    async ack(group, entries) {
      assertOpen();
      delivery.ack(group, entries);
    },
    async claimIdle(group, consumer, streams, minIdleMs, count) {
      assertOpen();
      return delivery.claimIdle(group, consumer, streams, minIdleMs, count);
    },
    async retry(group, consumer, entries) {
      assertOpen();
      return delivery.retry(group, consumer, entries);
    },
    async deadLetter(group, entry, error) {
      assertOpen();
      deadLetters.deadLetter(group, entry, error);
    },
    async listDeadLetters(group, limit) {
      assertOpen();
      return deadLetters.listDeadLetters(group, limit);
    },
    async replayDeadLetter(id) {
      assertOpen();
      return deadLetters.replayDeadLetter(id);
    },
    async trim(streams, trimOpts) {
      assertOpen();
      return retention.trim(streams, trimOpts);
    },
    async lag(group, streams) {
      assertOpen();
      return retention.lag(group, streams);
    },
    async pruneConsumers(group, streams, idleMs) {
      assertOpen();
      return retention.pruneConsumers.immediate(group, streams, idleMs);
    },
    async ping() {
      assertOpen();
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      signal.close();
      db.close();
    },
  };
}
