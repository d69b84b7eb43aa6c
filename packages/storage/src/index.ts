export type { Database, Dialect, OpenDatabaseOptions } from './database.ts';
export { openDatabase } from './open-database.ts';
export { isPostgresUrl, parseDatabaseTarget, type DatabaseTarget } from './database-target.ts';
export { migrate, type Migration, type MigrationLogger } from './migrate.ts';
export { isUniqueViolation } from './unique-violation.ts';
export {
  createMemoryRateLimiter, createRedisRateLimiter,
  type MemoryRateLimiter, type MemoryRateLimiterOptions, type RateLimiter, type RateLimitResult, type RateLimitRule, type RedisRateLimiterOptions,
} from './rate-limit/index.ts';
export {
  createMemoryRevocationList, createRedisRevocationList,
  type MemoryRevocationListOptions, type RedisRevocationListOptions, type RevocationList,
} from './revocation/index.ts';
export { reusableQuery } from './reusable-query.ts';
export { snapshotCache, type SnapshotCache } from './snapshot-cache.ts';
export {
  createMemoryResponseStreamStore, createRedisResponseStreamStore, isFinal,
  type MemoryResponseStreamStoreOptions, type RedisResponseStreamStoreOptions,
  type ResponseRef, type ResponseStreamEvent, type ResponseStreamStore, type StreamEntry, type Unsubscribe, type UserStreamListener,
} from './response-stream/index.ts';
export { createMemoryPubSub, createRedisPubSub, type PubSub, type PubSubListener, type RedisPubSubOptions } from './pubsub/index.ts';
