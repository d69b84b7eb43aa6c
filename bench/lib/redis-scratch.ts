import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix only this bench run uses; `cleanup()` deletes every key under it. */
export function benchRedisPrefix(): string {
  return `vbench:${randomBytes(6).toString('hex')}:`;
}

export function connectRedis(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}

export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const client = connectRedis(url);
  let deleted = 0;
  try {
    // The prefix is hex and ':' only, so it holds no glob characters to escape.
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
  return deleted;
}

export async function redisServerVersion(url: string): Promise<string> {
  const client = connectRedis(url);
  try {
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
