import type Database from 'better-sqlite3';
import type { EntryRef, StreamEntry } from '../transport.ts';

interface EntryRow { seq: number; stream: string; payload: string }
interface PendingRow { seq: number; deliveries: number; payload: string | null }

/** Parses an embedded entry id; ids of the other transport or garbage match nothing. */
export function parseSeq(id: string): number | null {
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

/**
 * Delivery bookkeeping of consumer groups: handing out new entries, acks and takeovers of
 * pending ones. Every operation is one IMMEDIATE transaction, so an entry is handed to exactly
 * one consumer of a group even if another connection writes the same file.
 */
export function createDelivery(db: Database.Database) {
  const groupCursor = db.prepare<[string, string], { last_delivered_seq: number }>(
    'SELECT last_delivered_seq FROM bus_groups WHERE group_name = ? AND stream = ?');
  const touchConsumer = db.prepare<[string, string, string, number]>(
    `INSERT INTO bus_consumers (group_name, stream, consumer, seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (group_name, stream, consumer) DO UPDATE SET seen_at = excluded.seen_at`);
  const newEntries = db.prepare<[string, number, number], EntryRow>(
    'SELECT seq, stream, payload FROM bus_entries WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?');
  const addPending = db.prepare<[string, string, number, string, number]>(
    `INSERT INTO bus_pending (group_name, stream, seq, consumer, delivered_at, deliveries) VALUES (?, ?, ?, ?, ?, 1)`);
  const moveCursor = db.prepare<[number, string, string]>(
    'UPDATE bus_groups SET last_delivered_seq = ? WHERE group_name = ? AND stream = ?');
  const deletePending = db.prepare<[string, string, number]>(
    'DELETE FROM bus_pending WHERE group_name = ? AND stream = ? AND seq = ?');
  const idlePending = db.prepare<[string, string, number, number], PendingRow>(
    `SELECT p.seq, p.deliveries, e.payload FROM bus_pending p LEFT JOIN bus_entries e ON e.seq = p.seq
     WHERE p.group_name = ? AND p.stream = ? AND p.delivered_at <= ? ORDER BY p.seq LIMIT ?`);
  const onePending = db.prepare<[string, string, number], PendingRow>(
    `SELECT p.seq, p.deliveries, e.payload FROM bus_pending p LEFT JOIN bus_entries e ON e.seq = p.seq
     WHERE p.group_name = ? AND p.stream = ? AND p.seq = ?`);
  const redeliver = db.prepare<[string, number, string, string, number]>(
    `UPDATE bus_pending SET consumer = ?, delivered_at = ?, deliveries = deliveries + 1
     WHERE group_name = ? AND stream = ? AND seq = ?`);

  /** Hands a pending entry to `consumer` again; entries deleted by trim leave the pending list instead. */
  function takeOver(group: string, consumer: string, stream: string, row: PendingRow, now: number): StreamEntry | null {
    if (row.payload === null) {
      deletePending.run(group, stream, row.seq);
      return null;
    }
    redeliver.run(consumer, now, group, stream, row.seq);
    return { stream, id: String(row.seq), payload: row.payload, deliveries: row.deliveries + 1 };
  }

  const deliverNew = db.transaction((group: string, consumer: string, streams: string[], count: number): StreamEntry[] => {
    const now = Date.now();
    const cursors = streams.map((stream) => {
      const cursor = groupCursor.get(group, stream);
      if (!cursor) throw new Error(`NOGROUP consumer group "${group}" does not exist on stream "${stream}"`);
      return cursor.last_delivered_seq;
    });
    const delivered: EntryRow[] = [];
    streams.forEach((stream, index) => {
      touchConsumer.run(group, stream, consumer, now);
      const rows = newEntries.all(stream, cursors[index]!, count);
      for (const row of rows) addPending.run(group, stream, row.seq, consumer, now);
      if (rows.length > 0) moveCursor.run(rows[rows.length - 1]!.seq, group, stream);
      delivered.push(...rows);
    });
    return delivered
      .sort((a, b) => a.seq - b.seq)
      .map((row) => ({ stream: row.stream, id: String(row.seq), payload: row.payload, deliveries: 1 }));
  });

  const ack = db.transaction((group: string, entries: EntryRef[]) => {
    for (const { stream, id } of entries) {
      const seq = parseSeq(id);
      if (seq !== null) deletePending.run(group, stream, seq);
    }
  });

  const claimIdle = db.transaction((group: string, consumer: string, streams: string[], minIdleMs: number, count: number) => {
    const now = Date.now();
    const claimed: StreamEntry[] = [];
    for (const stream of streams) {
      const budget = count - claimed.length;
      if (budget <= 0) break;
      touchConsumer.run(group, stream, consumer, now);
      for (const row of idlePending.all(group, stream, now - Math.max(0, minIdleMs), budget)) {
        const entry = takeOver(group, consumer, stream, row, now);
        if (entry) claimed.push(entry);
      }
    }
    return claimed;
  });

  const retry = db.transaction((group: string, consumer: string, entries: EntryRef[]) => {
    const now = Date.now();
    return entries.flatMap(({ stream, id }) => {
      const seq = parseSeq(id);
      const row = seq === null ? undefined : onePending.get(group, stream, seq);
      if (!row) return [];
      touchConsumer.run(group, stream, consumer, now);
      return takeOver(group, consumer, stream, row, now) ?? [];
    });
  });

  return {
    deliverNew: (group: string, consumer: string, streams: string[], count: number) =>
      deliverNew.immediate(group, consumer, streams, count),
    ack: (group: string, entries: EntryRef[]) => ack.immediate(group, entries),
    claimIdle: (group: string, consumer: string, streams: string[], minIdleMs: number, count: number) =>
      claimIdle.immediate(group, consumer, streams, minIdleMs, count),
    retry: (group: string, consumer: string, entries: EntryRef[]) => retry.immediate(group, consumer, entries),
  };
}
