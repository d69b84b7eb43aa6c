import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService, type TestRedisPrefix } from '@versaai/testing';
import { createRedisRateLimiter, type RateLimiter } from '../src/index.ts';
import { describeRateLimiterContract } from './rate-limiter-contract.ts';

const hasRedis = await requireService('redis', 'Redis rate limiter');

describeRateLimiterContract('redis (server clock)', async () => {
  const redis = createTestRedisPrefix();
  const limiter = createRedisRateLimiter({ url: redis.url, prefix: redis.prefix });
  return {
    limiter,
    advance: (ms) => sleep(ms),
    close: async () => { await limiter.close(); await redis.cleanup(); },
  };
}, hasRedis);

describe.skipIf(!hasRedis)('createRedisRateLimiter', () => {
  let redis: TestRedisPrefix;
  let client: Redis;
  let limiter: RateLimiter;

  beforeAll(async () => {
    redis = createTestRedisPrefix();
    client = new Redis(redis.url);
    limiter = createRedisRateLimiter({ client, prefix: redis.prefix });
  });

  afterAll(async () => {
    await limiter?.close();
    await redis?.cleanup();
    await client?.quit();
  });

  it('keeps keys under the prefix with an expiry, so idle keys vanish', async () => {
    await limiter.take('idle', { limit: 5, windowMs: 60_000 });
    const ttl = await client.pttl(`${redis.prefix}idle`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('loads the script again when Redis has forgotten it (EVALSHA falls back to EVAL)', async () => {
    await client.script('FLUSH');
    const result = await limiter.take('after-flush', { limit: 1, windowMs: 60_000 });
    expect(result).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.take('after-flush', { limit: 1, windowMs: 60_000 })).allowed).toBe(false);
  });

  it('shares one budget between limiters on separate connections (one per gateway)', async () => {
    const second = createRedisRateLimiter({ url: redis.url, prefix: redis.prefix });
    try {
      const rule = { limit: 4, windowMs: 60_000 };
      const allowed = [];
      for (let i = 0; i < 8; i++) allowed.push((await (i % 2 === 0 ? limiter : second).take('shared', rule)).allowed);
      expect(allowed.filter(Boolean)).toHaveLength(4);
    } finally {
      await second.close();
    }
  });

  it('rejects quickly instead of hanging when Redis cannot be reached', async () => {
    const unreachable = createRedisRateLimiter({ url: 'redis://127.0.0.1:1', prefix: redis.prefix, connectTimeoutMs: 200, commandTimeoutMs: 300 });
    try {
      await expect(unreachable.take('k', { limit: 1, windowMs: 1_000 })).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
  });
});
