import { Redis } from 'ioredis';
import type { BusTransport, EntryRef, TransportLogger } from '../transport.ts';
import { createBlockingReader, PAYLOAD_FIELD } from './blocking-reader.ts';
import { createClaims } from './claims.ts';
import { createDeadLetters } from './dead-letters.ts';
import { redisKeys } from './keys.ts';
import { throwPipelineErrors } from './replies.ts';
import { createRetention } from './retention.ts';
import { idsByStream } from './stream-ids.ts';

export interface RedisTransportOptions {
  url: string;
  /** Namespace of every key; default 'versaai:'. */
  prefix?: string;
  logger?: TransportLogger;
}

/** The bus on Redis Streams with consumer groups (distributed topology). */
export function createRedisTransport(opts: RedisTransportOptions): BusTransport {
  const keys = redisKeys(opts.prefix ?? 'versaai:');
  const onError = (error: Error) => {
    // The URL may hold a password: log the error only.
    opts.logger?.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'redis bus connection error');
  };
  const redis = new Redis(opts.url, { lazyConnect: false });
  redis.on('error', onError);

  const reader = createBlockingReader(redis, keys, onError);
  const claims = createClaims(redis, keys);
  const retention = createRetention(redis, keys);

  async function ensureGroup(group: string, streams: string[]): Promise<void> {
    if (streams.length === 0) return;
    const pipeline = redis.pipeline();
    for (const stream of streams) pipeline.call('XGROUP', 'CREATE', keys.stream(stream), group, '0', 'MKSTREAM');
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) {
      if (error && !error.message.includes('BUSYGROUP')) throw error;
    }
  }

  const deadLetters = createDeadLetters(redis, keys, ensureGroup);

  async function append(items: Array<{ stream: string; payload: string }>): Promise<string[]> {
    if (items.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const item of items) pipeline.xadd(keys.stream(item.stream), '*', PAYLOAD_FIELD, item.payload);
    return throwPipelineErrors(await pipeline.exec()).map(String);
  }

  async function ack(group: string, entries: EntryRef[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = redis.pipeline();
    for (const [stream, ids] of idsByStream(entries)) pipeline.xack(keys.stream(stream), group, ...ids);
    throwPipelineErrors(await pipeline.exec());
  }

  return {
    kind: 'redis',
    append,
    ensureGroup,
    read: reader.read,
    ack,
    claimIdle: claims.claimIdle,
    retry: claims.retry,
    deadLetter: deadLetters.deadLetter,
    listDeadLetters: deadLetters.listDeadLetters,
    replayDeadLetter: deadLetters.replayDeadLetter,
    trim: retention.trim,
    lag: retention.lag,
    pruneConsumers: retention.pruneConsumers,
    async ping() {
      await redis.ping();
    },
    async close() {
      reader.close();
      if (redis.status === 'end') return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
