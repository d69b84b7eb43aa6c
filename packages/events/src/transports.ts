// Public API of the two bus transports; src/index.ts re-exports this file.
export type {
  BusTransport, DeadLetter, EntryRef, ReadOptions, StreamEntry, TransportLogger, TrimOptions,
} from './transport.ts';
export { replayStreamFor, streamFor } from './transport.ts';
export { createRedisTransport, type RedisTransportOptions } from './redis/redis-transport.ts';
export { createEmbeddedTransport, type EmbeddedTransportOptions } from './embedded/embedded-transport.ts';
