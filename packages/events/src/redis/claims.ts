import type { Redis } from 'ioredis';
import type { EntryRef, StreamEntry } from '../transport.ts';
import { PAYLOAD_FIELD } from './blocking-reader.ts';
import type { RedisKeys } from './keys.ts';
import { asEntries, fieldsToRecord, throwPipelineErrors, type RawEntry } from './replies.ts';
import { idsByStream } from './stream-ids.ts';

/** Pending-entry takeovers: XAUTOCLAIM for dead consumers, XCLAIM for a consumer's own retries. */
export function createClaims(redis: Redis, keys: RedisKeys) {
  /** XAUTOCLAIM/XCLAIM do not report delivery counts; the extended XPENDING does, one id at a time. */
  async function withDeliveries(group: string, stream: string, claimed: RawEntry[]): Promise<StreamEntry[]> {
    const live = claimed.filter(([, fields]) => fields !== null);
    if (live.length === 0) return [];
    const key = keys.stream(stream);
    const pipeline = redis.pipeline();
    for (const [id] of live) pipeline.call('XPENDING', key, group, id, id, 1);
    const counts = throwPipelineErrors(await pipeline.exec());
    return live.map(([id, fields], index) => {
      const row = (counts[index] as Array<[string, string, number, number]>)[0];
      return { stream, id, payload: fieldsToRecord(fields)?.[PAYLOAD_FIELD] ?? '', deliveries: row ? Number(row[3]) : 1 };
    });
  }

  async function claimIdle(group: string, consumer: string, streams: string[], minIdleMs: number, count: number): Promise<StreamEntry[]> {
    const claimed: StreamEntry[] = [];
    for (const stream of streams) {
      const key = keys.stream(stream);
      let cursor = '0-0';
      const fromStream: RawEntry[] = [];
      const deleted: string[] = [];
      do {
        const budget = count - claimed.length - fromStream.length;
        if (budget <= 0) break;
        const [next, entries, deletedIds] = (await redis.call(
          'XAUTOCLAIM', key, group, consumer, Math.max(0, Math.floor(minIdleMs)), cursor, 'COUNT', budget,
        )) as [string, unknown, string[] | undefined];
        fromStream.push(...asEntries(entries));
        deleted.push(...(deletedIds ?? []));
        cursor = next;
      } while (cursor !== '0-0');
      // Redis 7 drops ids of entries deleted from the stream out of the PEL and reports them;
      // the ack makes sure they never linger (and covers servers that only report them).
      if (deleted.length > 0) await redis.call('XACK', key, group, ...deleted);
      claimed.push(...(await withDeliveries(group, stream, fromStream)));
    }
    return claimed;
  }

  async function retry(group: string, consumer: string, entries: EntryRef[]): Promise<StreamEntry[]> {
    const retried = new Map<string, StreamEntry>();
    for (const [stream, ids] of idsByStream(entries)) {
      const claimed = asEntries(await redis.call('XCLAIM', keys.stream(stream), group, consumer, 0, ...ids));
      for (const entry of await withDeliveries(group, stream, claimed)) retried.set(`${stream}\n${entry.id}`, entry);
    }
    // Keep the caller's order; entries no longer pending (acked or deleted) are absent.
    return entries.flatMap(({ stream, id }) => retried.get(`${stream}\n${id}`) ?? []);
  }

  return { claimIdle, retry };
}
