import type Database from 'better-sqlite3';
import type { TrimOptions } from '../transport.ts';

/** Trimming and lag of the embedded bus, with the same liveness rules as the Redis transport. */
export function createRetention(db: Database.Database) {
  const groupsOf = db.prepare<[string], { group_name: string; last_delivered_seq: number }>(
    'SELECT group_name, last_delivered_seq FROM bus_groups WHERE stream = ?');
  const oneGroup = db.prepare<[string, string], { last_delivered_seq: number }>(
    'SELECT last_delivered_seq FROM bus_groups WHERE group_name = ? AND stream = ?');
  const consumerActivity = db.prepare<[string, string], { consumers: number; last_seen: number | null }>(
    'SELECT COUNT(*) AS consumers, MAX(seen_at) AS last_seen FROM bus_consumers WHERE group_name = ? AND stream = ?');
  const oldestPending = db.prepare<[string, string], { seq: number | null }>(
    'SELECT MIN(seq) AS seq FROM bus_pending WHERE group_name = ? AND stream = ?');
  const countPending = db.prepare<[string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM bus_pending WHERE group_name = ? AND stream = ?');
  const countAfter = db.prepare<[string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM bus_entries WHERE stream = ? AND seq > ?');
  const removeIdleConsumers = db.prepare<[string, string, number]>(
    `DELETE FROM bus_consumers WHERE group_name = ? AND stream = ? AND seen_at <= ?
       AND NOT EXISTS (SELECT 1 FROM bus_pending p WHERE p.group_name = bus_consumers.group_name
                       AND p.stream = bus_consumers.stream AND p.consumer = bus_consumers.consumer)`);
  const removeBefore = db.prepare<[string, number, number]>(
    'DELETE FROM bus_entries WHERE stream = ? AND seq < ? AND created_at < ?');

  /** A group without consumers is about to start reading: live. Otherwise live if any consumer was seen lately. */
  function isLive(group: string, stream: string, now: number, liveGroupIdleMs: number): boolean {
    const activity = consumerActivity.get(group, stream)!;
    return activity.consumers === 0 || (activity.last_seen ?? 0) > now - liveGroupIdleMs;
  }

  const trimStream = db.transaction((stream: string, opts: TrimOptions): number => {
    const now = Date.now();
    let firstNeeded = Number.MAX_SAFE_INTEGER;
    for (const group of groupsOf.all(stream)) {
      if (!isLive(group.group_name, stream, now, opts.liveGroupIdleMs)) continue;
      const needed = oldestPending.get(group.group_name, stream)?.seq ?? group.last_delivered_seq + 1;
      firstNeeded = Math.min(firstNeeded, needed);
    }
    return removeBefore.run(stream, firstNeeded, now - opts.retentionMs).changes;
  });

  const lag = db.transaction((group: string, streams: string[]): number => {
    let total = 0;
    for (const stream of streams) {
      const cursor = oneGroup.get(group, stream);
      if (!cursor) continue;
      total += countAfter.get(stream, cursor.last_delivered_seq)!.n + countPending.get(group, stream)!.n;
    }
    return total;
  });

  return {
    trim(streams: string[], opts: TrimOptions): number {
      let removed = 0;
      for (const stream of streams) removed += trimStream.immediate(stream, opts);
      return removed;
    },
    lag: (group: string, streams: string[]) => lag(group, streams),
    pruneConsumers: db.transaction((group: string, streams: string[], idleMs: number): number => {
      const cutoff = Date.now() - idleMs;
      let removed = 0;
      for (const stream of streams) removed += removeIdleConsumers.run(group, stream, cutoff).changes;
      return removed;
    }),
  };
}
