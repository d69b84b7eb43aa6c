export type { PubSub, PubSubListener } from './pubsub.ts';
export { createMemoryPubSub } from './memory-pubsub.ts';
export { createRedisPubSub, type RedisPubSubOptions } from './redis-pubsub.ts';
