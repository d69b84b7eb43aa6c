import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedisPrefix, requireService, waitFor } from '@versaai/testing';
import { createMemoryPubSub, createRedisPubSub, type PubSub } from '../src/index.ts';

const hasRedis = await requireService('redis', 'Redis pub/sub');

function describePubSubContract(name: string, open: () => { pubsub: PubSub; peer: PubSub; close(): Promise<void> }, enabled = true): void {
  describe.skipIf(!enabled)(`PubSub contract: ${name}`, () => {
    let harness: ReturnType<typeof open>;
    const channel = () => `ch-${randomBytes(6).toString('hex')}`;
    beforeAll(() => { harness = open(); });
    afterAll(async () => { await harness?.close(); });

    it('delivers a message to every subscriber of the channel, on any holder, in order', async () => {
      const name = channel();
      const first: string[] = [];
      const second: string[] = [];
      await harness.peer.subscribe(name, (message) => first.push(message));
      await harness.peer.subscribe(name, (message) => second.push(message));
      for (const message of ['a', 'b', 'c']) await harness.pubsub.publish(name, message);
      await waitFor(() => (first.length === 3 && second.length === 3) || undefined);
      expect(first).toEqual(['a', 'b', 'c']);
      expect(second).toEqual(['a', 'b', 'c']);
    });

    it('keeps channels apart and stops delivering after unsubscribe', async () => {
      const mine = channel();
      const other = channel();
      const received: string[] = [];
      const stillListening: string[] = [];
      const unsubscribe = await harness.peer.subscribe(mine, (message) => received.push(message));
      await harness.peer.subscribe(mine, (message) => stillListening.push(message));
      await harness.pubsub.publish(other, 'not yours');
      await harness.pubsub.publish(mine, 'one');
      await waitFor(() => (received.length === 1 && stillListening.length === 1) || undefined);
      await unsubscribe();
      await harness.pubsub.publish(mine, 'two');
      await waitFor(() => (stillListening.length === 2) || undefined);
      expect(received).toEqual(['one']);
      expect(stillListening).toEqual(['one', 'two']);
    });

    it('lets concurrent first subscriptions of one channel all be live when they resolve', async () => {
      const name = channel();
      const counts = [0, 0, 0];
      await Promise.all(counts.map((_, index) => harness.peer.subscribe(name, () => { counts[index]! += 1; })));
      await harness.pubsub.publish(name, 'x');
      await waitFor(() => (counts.every((count) => count === 1)) || undefined);
    });

    it('publishing to a channel nobody listens to is not an error', async () => {
      await harness.pubsub.publish(channel(), 'nobody');
    });
  });
}

describePubSubContract('memory', () => {
  const pubsub = createMemoryPubSub();
  return { pubsub, peer: pubsub, close: () => pubsub.close() };
});

describePubSubContract('redis (two processes\' clients, one prefix)', () => {
  const redis = createTestRedisPrefix();
  const pubsub = createRedisPubSub({ url: redis.url, prefix: redis.prefix });
  const peer = createRedisPubSub({ url: redis.url, prefix: redis.prefix });
  return { pubsub, peer, close: async () => { await pubsub.close(); await peer.close(); await redis.cleanup(); } };
}, hasRedis);

describe.skipIf(!hasRedis)('Redis pub/sub: subscriptions while its subscriber connection opens', () => {
  // The first subscription opens the connection; those asked for during its handshake used to
  // be written early, which made ioredis drop the connection as failed: some were refused and
  // some resolved while the reopened connection no longer listened to them.
  it('resolves every subscription, and each resolved one is live', async () => {
    const redis = createTestRedisPrefix();
    const pubsub = createRedisPubSub({ url: redis.url, prefix: redis.prefix });
    const publisher = createRedisPubSub({ url: redis.url, prefix: redis.prefix });
    try {
      const names = Array.from({ length: 200 }, (_, index) => `opening-${index}`);
      const received = new Set<string>();
      const outcomes = await Promise.all(names.map(async (name, index) => {
        // One per turn of the event loop, so that some land in each phase of the connection.
        for (let turn = 0; turn < index; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        return pubsub.subscribe(name, () => received.add(name)).then(() => 'live', (error: Error) => error.message);
      }));
      expect(outcomes.filter((outcome) => outcome !== 'live')).toEqual([]);
      await Promise.all(names.map((name) => publisher.publish(name, 'x')));
      await waitFor(() => received.size === names.length || undefined, { timeoutMs: 3_000 }).catch(() => undefined);
      expect(names.filter((name) => !received.has(name))).toEqual([]);
    } finally {
      await pubsub.close();
      await publisher.close();
      await redis.cleanup();
    }
  });
});

// A subscriber connection that drops loses what is published until ioredis has reconnected and
// resubscribed: the holder is told when the subscriptions are live again, so it can catch up.
describe.skipIf(!hasRedis)('Redis pub/sub after its subscriber connection was lost', () => {
  it('resubscribes, then tells onRestored listeners, once per loss', async () => {
    const prefix = createTestRedisPrefix();
    const pubsub = createRedisPubSub({ url: prefix.url, prefix: `${prefix.prefix}pubsub:` });
    try {
      const received: string[] = [];
      let restored = 0;
      pubsub.onRestored(() => {
        restored += 1;
      });
      await pubsub.subscribe('ch', (message) => received.push(message));
      await pubsub.publish('ch', 'before');
      await waitFor(() => received.length === 1 || undefined);

      expect(await prefix.cutSubscribers()).toBe(1);

      await waitFor(() => restored === 1 || undefined, { timeoutMs: 10_000 });
      await pubsub.publish('ch', 'after');
      await waitFor(() => received.length === 2 || undefined);
      expect(received).toEqual(['before', 'after']);
      expect(restored).toBe(1);
    } finally {
      await pubsub.close();
      await prefix.cleanup();
    }
  });
});
