import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisTestUrl } from './service-urls.ts';

export interface TestRedisPrefix { prefix: string; url: string; cleanup(): Promise<void> }

/** A key prefix no other test uses; `cleanup()` deletes every key under it. */
export function createTestRedisPrefix(): TestRedisPrefix {
  const prefix = `vtest:${randomBytes(6).toString('hex')}:`;
  const url = redisTestUrl();
  return {
    prefix,
    url,
    async cleanup() {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await client.connect();
      try {
        // The prefix is hex and ':' only, so it holds no glob characters to escape.
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await client.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        await client.quit().catch(() => client.disconnect());
      }
    },
  };
}
