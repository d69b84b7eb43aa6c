import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from '@versaai/storage';
import type { PlatformConfig } from './platform-config.ts';

/**
 * The edge's limiter: with REDIS_URL every gateway replica shares one budget per client (per-
 * replica counters would multiply the limit by the replica count); without it, this process
 * is the whole edge and counts in memory.
 */
export function openRateLimiter(config: PlatformConfig): RateLimiter {
  if (!config.redisUrl) return createMemoryRateLimiter();
  return createRedisRateLimiter({ url: config.redisUrl, prefix: `${config.redisPrefix}ratelimit:` });
}

export function describeRateLimiter(config: PlatformConfig): string {
  return config.redisUrl ? 'redis' : 'memory';
}
