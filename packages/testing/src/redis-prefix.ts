import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisTestUrl } from './service-urls.ts';

export interface TestRedisPrefix {
  prefix: string;
  url: string;
  /**
   * Kills the pub/sub subscriber connections named under the prefix (VersaAI names each process's
   * subscriber after its prefix), as a Redis restart or a network cut would; returns how many.
   */
  cutSubscribers(): Promise<number>;
  cleanup(): Promise<void>;
}

async function withClient<T>(url: string, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}

/** A key prefix no other test uses; `cleanup()` deletes every key under it. */
export function createTestRedisPrefix(): TestRedisPrefix {
  const prefix = `vtest:${randomBytes(6).toString('hex')}:`;
  const url = redisTestUrl();
  return {
    prefix,
    url,
    cutSubscribers: () => withClient(url, async (client) => {
      const list = String(await client.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      // One client per line, `field=value` pairs separated by spaces.
      const fields = list.split('\n').map((line) => new Map(line.trim().split(' ').map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)] as const;
      })));
      const ids = fields.filter((client) => client.get('name')?.startsWith(prefix)).map((client) => client.get('id')!);
      for (const id of ids) await client.call('CLIENT', 'KILL', 'ID', id);
      return ids.length;
    }),
    cleanup: () => withClient(url, async (client) => {
      // The prefix is hex and ':' only, so it holds no glob characters to escape.
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await client.unlink(...keys);
      } while (cursor !== '0');
    }),
  };
}
