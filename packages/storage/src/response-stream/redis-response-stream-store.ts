import { Redis } from 'ioredis';
import { createRedisPubSub } from '../pubsub/redis-pubsub.ts';
import { redisScript } from '../redis-script.ts';
import type { ResponseRef, ResponseStreamEvent, ResponseStreamStore, StreamEntry, UserStreamListener } from './response-stream-store.ts';

export interface RedisResponseStreamStoreOptions {
  url: string;
  /** Every key and channel starts with it, e.g. `versaai:`. */
  prefix: string;
  /** How long a response's entries (and a cancel request) are kept after its last append. */
  retentionMs: number;
}

/**
 * Appends, numbers, extends the retention and publishes to the user's channel in one atomic
 * step, so subscribers see entries in exactly the order readers will find them. Entry ids are
 * `<seq>-0`: XRANGE from `<afterSeq + 1>` is the resume read.
 */
const APPEND_SCRIPT = `
local first = redis.call('XLEN', KEYS[1]) + 1
local events = {}
for i = 5, #ARGV do
  local seq = first + i - 5
  redis.call('XADD', KEYS[1], seq .. '-0', 'e', ARGV[i], 't', ARGV[4])
  events[#events + 1] = ARGV[i]
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], '{"ref":' .. ARGV[2] .. ',"first":' .. first .. ',"at":' .. ARGV[4] .. ',"events":[' .. table.concat(events, ',') .. ']}')
return first
`;

// Every delta of every response comes through it: by digest, not the whole script each time.
const append = redisScript(APPEND_SCRIPT);

interface Published {
  ref: ResponseRef;
  first: number;
  at: number;
  events: ResponseStreamEvent[];
}

function toEntries(first: number, at: number, events: readonly ResponseStreamEvent[]): StreamEntry[] {
  return events.map((event, index) => ({ seq: first + index, at, event }));
}

/** The distributed store: a Redis stream per response with a TTL, and pub/sub per user. */
export function createRedisResponseStreamStore(opts: RedisResponseStreamStoreOptions): ResponseStreamStore {
  const client = new Redis(opts.url, { connectTimeout: 2_000, maxRetriesPerRequest: 2, enableAutoPipelining: true });
  client.on('error', () => {});
  // Subscriptions (one Redis channel per user, one for cancels) go through the pub/sub port;
  // the Lua script and requestCancel publish to the same channel names.
  const pubsub = createRedisPubSub({ url: opts.url, prefix: opts.prefix });

  const streamKey = (id: string) => `${opts.prefix}resp:${id}`;
  const refKey = (id: string) => `${opts.prefix}resp-ref:${id}`;
  const cancelKey = (id: string) => `${opts.prefix}resp-cancel:${id}`;
  const userChannel = (userId: string) => `resp-user:${userId}`;
  const cancelChannel = 'resp-cancel';

  return {
    async append(ref, events) {
      if (events.length === 0) return [];
      const at = Date.now();
      const refJson = JSON.stringify({ responseId: ref.responseId, conversationId: ref.conversationId, userId: ref.userId });
      const args = [
        streamKey(ref.responseId), refKey(ref.responseId),
        String(opts.retentionMs), refJson, opts.prefix + userChannel(ref.userId), String(at),
        ...events.map((event) => JSON.stringify(event)),
      ];
      const first = await append(client, 2, ...args) as number;
      return toEntries(first, at, events);
    },
    async read(responseId, afterSeq = 0) {
      const rows = await client.xrange(streamKey(responseId), String(Math.max(0, afterSeq) + 1), '+');
      return rows.map(([id, fields]) => ({
        seq: Number(id.slice(0, id.indexOf('-'))),
        at: Number(fields[fields.indexOf('t') + 1]),
        event: JSON.parse(fields[fields.indexOf('e') + 1]!) as ResponseStreamEvent,
      }));
    },
    async owner(responseId) {
      const json = await client.get(refKey(responseId));
      return json ? JSON.parse(json) as ResponseRef : undefined;
    },
    async subscribeUser(userId, listener: UserStreamListener) {
      return pubsub.subscribe(userChannel(userId), (message) => {
        const published = JSON.parse(message) as Published;
        listener(published.ref, toEntries(published.first, published.at, published.events));
      });
    },
    onRestored(listener) {
      return pubsub.onRestored(listener);
    },
    async requestCancel(responseId) {
      await client.multi().set(cancelKey(responseId), '1', 'PX', opts.retentionMs).publish(opts.prefix + cancelChannel, responseId).exec();
    },
    async isCancelRequested(responseId) {
      return (await client.exists(cancelKey(responseId))) === 1;
    },
    async onCancelRequested(listener) {
      return pubsub.subscribe(cancelChannel, listener);
    },
    async close() {
      await pubsub.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
