import { Redis } from 'ioredis';
import { assertValidTtl, type RevocationList } from './revocation-list.ts';

export interface RedisRevocationListOptions {
  url?: string;
  client?: Redis;
  /** Every key is `<prefix><id>`. */
  prefix: string;
  commandTimeoutMs?: number;
}

const isOne = (count: number): boolean => count === 1;

/** Shared by every gateway replica and by auth, which writes it: a revocation is seen everywhere at once. */
export function createRedisRevocationList(opts: RedisRevocationListOptions): RevocationList {
  if (!opts.client && !opts.url) throw new Error('createRedisRevocationList needs a url or a client');
  const owned = !opts.client;
  const client = opts.client ?? new Redis(opts.url!, {
    connectTimeout: 2_000,
    // Checked on every authenticated request at the edge: a dead Redis must answer fast.
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    maxRetriesPerRequest: 1,
    // Every request at the edge sends a command: those issued in the same tick go out in one
    // write (one syscall) instead of one each, which is most of their cost under load.
    enableAutoPipelining: true,
  });
  if (owned) client.on('error', () => {});

  return {
    async revoke(ids, ttlMs) {
      assertValidTtl(ttlMs);
      if (ids.length === 0) return;
      const pipeline = client.multi();
      // Every caller passes the token lifetime as TTL, so a later SET never shortens an entry in practice.
      for (const id of ids) pipeline.set(`${opts.prefix}${id}`, '1', 'PX', ttlMs);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },
    // A promise chain rather than an async function: the edge asks on every signed-in request.
    isRevoked(id) {
      return client.exists(`${opts.prefix}${id}`).then(isOne);
    },
    // One pipeline of EXISTS (not one multi-key EXISTS, which only counts): one answer per id.
    async areRevoked(ids) {
      if (ids.length === 0) return [];
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.exists(`${opts.prefix}${id}`);
      const results = await pipeline.exec();
      if (!results) throw new Error('Redis pipeline was discarded');
      return results.map(([error, count]) => {
        if (error) throw error;
        return count === 1;
      });
    },
    async close() {
      if (owned) await client.quit().catch(() => client.disconnect());
    },
  };
}
