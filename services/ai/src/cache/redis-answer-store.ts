import { Redis } from 'ioredis';
import { outageLog, type Logger } from '@versaai/kernel';
import type { CachedAnswer } from './response-cache.ts';
import { parseStoredAnswer, serializeAnswer, type SharedAnswerStore } from './shared-answer-store.ts';

export interface RedisAnswerStoreOptions {
  url: string;
  /** The deployment's key prefix (VERSAAI_REDIS_PREFIX); entries are `<prefix>ai:cache:<key>`. */
  prefix: string;
  /** Bounds every command: a slow Redis costs a cacheable request at most this much. */
  commandTimeoutMs: number;
  /** Entries whose JSON is larger than this are not stored (they stay in the process's LRU). */
  maxAnswerBytes: number;
  logger: Logger;
}

/**
 * Completed answers in Redis, shared by every replica: `SET <prefix>ai:cache:<key> <json> PX <ttl>`.
 * While Redis is not connected nothing waits for it (no offline queue): reads are misses and
 * writes are dropped. An outage is logged once at warn and its end at info, not per request.
 */
export interface RedisAnswerStore extends SharedAnswerStore {
  /** Connected and answering commands (reads and writes are skipped otherwise). */
  readonly connected: boolean;
}

export function createRedisAnswerStore(opts: RedisAnswerStoreOptions): RedisAnswerStore {
  const client = new Redis(opts.url, {
    // Connected by open(), when the service starts, so a pipeline that never starts holds no connection.
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    connectionName: `${opts.prefix}ai-cache`,
  });
  const keyOf = (key: string): string => `${opts.prefix}ai:cache:${key}`;
  const outage = outageLog(opts.logger, {
    down: 'AI response cache: Redis unreachable, shared answers are misses until it answers',
    up: 'AI response cache: Redis answers again, shared answers are read and written again',
  });
  const failed = (error: unknown): void => outage.failed({ err: error });
  const answered = (): void => outage.answered();
  client.on('error', failed);
  client.on('ready', answered);

  return {
    get connected() {
      return client.status === 'ready';
    },
    async get(key) {
      // Not connected (starting, reconnecting): a miss at once rather than a wait per request.
      if (client.status !== 'ready') return undefined;
      let raw: string | null;
      try {
        raw = await client.get(keyOf(key));
      } catch (error) {
        failed(error);
        return undefined;
      }
      answered();
      if (raw === null) return undefined;
      const answer = parseStoredAnswer(raw);
      if (!answer) {
        // Written by something else or an older version: never replayed, and removed so it is not read again.
        client.del(keyOf(key)).catch(failed);
        return undefined;
      }
      return answer;
    },
    put(key: string, answer: CachedAnswer, ttlMs: number) {
      // A TTL of 0 means "no expiry" in the LRU: never written to Redis, where it would live forever.
      if (client.status !== 'ready' || ttlMs < 1) return;
      const json = serializeAnswer(answer);
      if (Buffer.byteLength(json) > opts.maxAnswerBytes) return;
      client.set(keyOf(key), json, 'PX', Math.round(ttlMs)).then(answered, failed);
    },
    open() {
      // Failures are reported by the 'error' event and retried by the client.
      if (client.status === 'wait') client.connect().catch(() => {});
    },
    async close() {
      // Never connected: nothing to say goodbye to (a QUIT would open the connection first).
      if (client.status === 'wait') return client.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
