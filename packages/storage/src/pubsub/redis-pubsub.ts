import { Redis } from 'ioredis';
import type { PubSub, PubSubListener } from './pubsub.ts';

export interface RedisPubSubOptions {
  url: string;
  /** Every channel starts with it, e.g. `versaai:pubsub:`. */
  prefix: string;
}

/**
 * Redis pub/sub with one subscriber connection per process, created on the first subscription
 * (a process that only publishes needs no second connection). Each Redis channel is
 * subscribed once however many local listeners share it.
 */
export function createRedisPubSub(opts: RedisPubSubOptions): PubSub {
  const publisher = new Redis(opts.url, { connectTimeout: 2_000, maxRetriesPerRequest: 2, enableAutoPipelining: true });
  publisher.on('error', () => {});
  let subscriber: Redis | undefined;
  const channels = new Map<string, Set<PubSubListener>>();
  // A second listener of a channel whose SUBSCRIBE is still in flight waits for the same reply.
  const subscribing = new Map<string, Promise<unknown>>();

  function subscriberClient(): Redis {
    if (subscriber) return subscriber;
    subscriber = publisher.duplicate({ enableAutoPipelining: false });
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      const listeners = channels.get(channel);
      if (listeners) for (const listener of [...listeners]) listener(message);
    });
    return subscriber;
  }

  return {
    async publish(channel, message) {
      await publisher.publish(opts.prefix + channel, message);
    },
    async subscribe(channel, listener) {
      const key = opts.prefix + channel;
      let listeners = channels.get(key);
      if (!listeners) {
        const fresh = new Set<PubSubListener>([listener]);
        listeners = fresh;
        channels.set(key, fresh);
        const subscribed = subscriberClient().subscribe(key);
        subscribing.set(key, subscribed);
        try {
          await subscribed;
        } catch (error) {
          // Forgotten, so the next subscriber sends SUBSCRIBE again instead of trusting a dead one.
          fresh.delete(listener);
          if (fresh.size === 0 && channels.get(key) === fresh) channels.delete(key);
          throw error;
        } finally {
          if (subscribing.get(key) === subscribed) subscribing.delete(key);
        }
      } else {
        listeners.add(listener);
        try {
          await subscribing.get(key);
        } catch (error) {
          listeners.delete(listener);
          throw error;
        }
      }
      const joined = listeners;
      return async () => {
        joined.delete(listener);
        if (joined.size === 0 && channels.get(key) === joined) {
          channels.delete(key);
          await subscriber?.unsubscribe(key).catch(() => {});
        }
      };
    },
    async close() {
      channels.clear();
      await Promise.all([publisher, subscriber].map((connection) => connection?.quit().catch(() => connection.disconnect())));
    },
  };
}
