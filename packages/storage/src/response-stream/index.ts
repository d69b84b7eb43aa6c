export type { ResponseRef, ResponseStreamEvent, ResponseStreamStore, StreamEntry, Unsubscribe, UserStreamListener } from './response-stream-store.ts';
export { isFinal } from './response-stream-store.ts';
export { createMemoryResponseStreamStore, type MemoryResponseStreamStoreOptions } from './memory-response-stream-store.ts';
export { createRedisResponseStreamStore, type RedisResponseStreamStoreOptions } from './redis-response-stream-store.ts';
