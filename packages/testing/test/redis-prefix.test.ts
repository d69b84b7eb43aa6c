import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestRedisPrefix, redisTestUrl, requireService } from '../src/index.ts';

const hasRedis = await requireService('redis', 'createTestRedisPrefix');

describe.skipIf(!hasRedis)('createTestRedisPrefix', () => {
  it('deletes every key under its prefix and none outside it', async () => {
    const mine = createTestRedisPrefix();
    const neighbour = createTestRedisPrefix();
    expect(mine.prefix).toMatch(/^vtest:[0-9a-f]{12}:$/);
    expect(mine.prefix).not.toBe(neighbour.prefix);

    const redis = new Redis(redisTestUrl());
    try {
      // More keys than one SCAN page, so cleanup must follow the cursor.
      const pipeline = redis.pipeline();
      for (let i = 0; i < 1200; i++) pipeline.set(`${mine.prefix}k${i}`, '1');
      pipeline.xadd(`${mine.prefix}stream`, '*', 'f', 'v');
      pipeline.set(`${neighbour.prefix}keep`, '1');
      await pipeline.exec();

      await mine.cleanup();
      expect(await redis.keys(`${mine.prefix}*`)).toEqual([]);
      expect(await redis.get(`${neighbour.prefix}keep`)).toBe('1');
    } finally {
      await neighbour.cleanup();
      await redis.quit();
    }
  });
});
