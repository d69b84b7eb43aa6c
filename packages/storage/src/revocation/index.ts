export type { RevocationList } from './revocation-list.ts';
export { createMemoryRevocationList, type MemoryRevocationListOptions } from './memory-revocation-list.ts';
export { createRedisRevocationList, type RedisRevocationListOptions } from './redis-revocation-list.ts';
