import type { Redis } from 'ioredis';
import type { TrimOptions } from '../transport.ts';
import type { RedisKeys } from './keys.ts';
import { pairsToRecord } from './replies.ts';
import { minStreamId, nextStreamId } from './stream-ids.ts';

// Atomic, so a consumer cannot receive an entry between the check and the deletion
// (XGROUP DELCONSUMER drops the consumer's pending entries with it).
const PRUNE_CONSUMERS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if not ok then return 0 end
local removed = 0
for _, fields in ipairs(consumers) do
  local info = {}
  for i = 1, #fields, 2 do info[fields[i]] = fields[i + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) >= tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
`;

interface GroupInfo {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  lag: number | null;
}

function isMissingKey(error: unknown): boolean {
  return error instanceof Error && /no such key/i.test(error.message);
}

/** Trimming and lag: both start from XINFO GROUPS of each stream. */
export function createRetention(redis: Redis, keys: RedisKeys) {
  async function groupsOf(key: string): Promise<GroupInfo[]> {
    let reply: unknown;
    try {
      reply = await redis.call('XINFO', 'GROUPS', key);
    } catch (error) {
      if (isMissingKey(error)) return [];
      throw error;
    }
    return (reply as unknown[][]).map((pairs) => {
      const info = pairsToRecord(pairs);
      return {
        name: String(info.name),
        consumers: Number(info.consumers),
        pending: Number(info.pending),
        lastDeliveredId: String(info['last-delivered-id']),
        lag: info.lag === null || info.lag === undefined ? null : Number(info.lag),
      };
    });
  }

  /**
   * A group stops holding entries back only when it has consumers and all of them have been
   * idle for liveGroupIdleMs. A group without consumers yet is someone about to start: live.
   */
  async function isLive(key: string, group: GroupInfo, liveGroupIdleMs: number): Promise<boolean> {
    if (group.consumers === 0) return true;
    const consumers = (await redis.call('XINFO', 'CONSUMERS', key, group.name)) as unknown[][];
    if (consumers.length === 0) return true;
    return consumers.some((pairs) => Number(pairsToRecord(pairs).idle) < liveGroupIdleMs);
  }

  /** First id the group still needs: its oldest pending entry, else the one after its last delivery. */
  async function firstNeededId(key: string, group: GroupInfo): Promise<string> {
    if (group.pending > 0) {
      const [count, smallest] = (await redis.call('XPENDING', key, group.name)) as [number, string | null];
      if (Number(count) > 0 && smallest) return smallest;
    }
    return nextStreamId(group.lastDeliveredId);
  }

  /** Stream ids carry the Redis server's clock, so retention is measured on that clock. */
  async function serverNowMs(): Promise<number> {
    const [seconds, micros] = (await redis.call('TIME')) as [string, string];
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async function trimStream(name: string, opts: TrimOptions, nowMs: number): Promise<number> {
    const key = keys.stream(name);
    const bounds = [`${Math.max(0, Math.floor(nowMs - opts.retentionMs))}-0`];
    for (const group of await groupsOf(key)) {
      if (await isLive(key, group, opts.liveGroupIdleMs)) bounds.push(await firstNeededId(key, group));
    }
    // Exact MINID (not ~): an approximate trim could not promise which entries survive.
    return Number(await redis.call('XTRIM', key, 'MINID', minStreamId(bounds)!));
  }

  async function trim(streams: string[], opts: TrimOptions): Promise<number> {
    let removed = 0;
    const nowMs = await serverNowMs();
    for (const stream of streams) removed += await trimStream(stream, opts, nowMs);
    return removed;
  }

  /** Redis reports lag as null when deletions make it unknowable; then count what follows the last delivery. */
  async function countAfter(key: string, id: string): Promise<number> {
    let total = 0;
    let start = `(${id}`;
    for (;;) {
      const page = (await redis.call('XRANGE', key, start, '+', 'COUNT', 1000)) as Array<[string, unknown]>;
      total += page.length;
      if (page.length < 1000) return total;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  async function lag(groupName: string, streams: string[]): Promise<number> {
    let total = 0;
    for (const stream of streams) {
      const key = keys.stream(stream);
      const group = (await groupsOf(key)).find((candidate) => candidate.name === groupName);
      if (!group) continue;
      total += group.pending + (group.lag ?? (await countAfter(key, group.lastDeliveredId)));
    }
    return total;
  }

  async function pruneConsumers(groupName: string, streams: string[], idleMs: number): Promise<number> {
    let removed = 0;
    for (const stream of streams) {
      removed += Number(await redis.eval(PRUNE_CONSUMERS_SCRIPT, 1, keys.stream(stream), groupName, Math.max(0, Math.floor(idleMs))));
    }
    return removed;
  }

  return { trim, lag, pruneConsumers };
}
