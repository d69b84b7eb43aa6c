export type { RateLimiter, RateLimitResult, RateLimitRule } from './rate-limiter.ts';
export { createMemoryRateLimiter, type MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.ts';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
