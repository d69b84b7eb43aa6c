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

  // ioredis writes a SUBSCRIBE at once while the connection is still in its handshake ("connect"),
  // and its acknowledgement switches the connection to subscriber mode: the INFO of ioredis's
  // own ready check is then refused, the connection is dropped as failed (rejecting the
  // SUBSCRIBEs in flight) and reopened without the channels already acknowledged, since it
  // never was ready. So a SUBSCRIBE waits out the handshake; before it (connecting) and after
  // (ready, reconnecting) ioredis queues or resubscribes by itself.
  let handshake: Promise<void> | undefined;
  function handshakeOver(client: Redis): Promise<void> | undefined {
    if (client.status !== 'connect') return undefined;
    return (handshake ??= new Promise<void>((resolve) => {
      const settle = () => {
        client.off('ready', settle);
        client.off('close', settle);
        handshake = undefined;
        resolve();
      };
      client.on('ready', settle);
      client.on('close', settle);
    }));
  }

  async function sendSubscribe(key: string): Promise<void> {
    const client = subscriberClient();
    const waiting = handshakeOver(client);
    if (waiting) await waiting;
    await client.subscribe(key);
  }

  const restoredListeners = new Set<() => void>();
  // ioredis resubscribes by itself when it reconnects, but a message published while the
  // connection was down is gone: after a loss, once the resubscription is acknowledged (a PING
  // answers after the SUBSCRIBEs sent before it), the listeners are told to catch up.
  function watchForLosses(client: Redis): void {
    let wasReady = false;
    let lost = false;
    client.on('close', () => {
      // Before the first `ready` nothing was subscribed yet (SUBSCRIBE waits out the handshake).
      lost = wasReady;
    });
    client.on('ready', () => {
      wasReady = true;
      if (!lost) return;
      lost = false;
      client.ping().then(() => {
        for (const listener of [...restoredListeners]) listener();
      }, () => {}); // lost again: the next `ready` tells them
    });
  }

  function subscriberClient(): Redis {
    if (subscriber) return subscriber;
    // Named, so an operator (and a test) can tell it apart in CLIENT LIST.
    subscriber = publisher.duplicate({ enableAutoPipelining: false, connectionName: `${opts.prefix}subscriber`.replace(/[^\w:.-]/g, '_') });
    subscriber.on('error', () => {});
    watchForLosses(subscriber);
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
        const subscribed = sendSubscribe(key);
        subscribing.set(key, subscribed);
        try {
          await subscribed;
        } catch (error) {
          // Forgotten at once (the listeners that joined meanwhile fail with it), so the next
          // subscriber sends SUBSCRIBE again instead of trusting a dead one.
          fresh.delete(listener);
          if (channels.get(key) === fresh) channels.delete(key);
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
    onRestored(listener) {
      restoredListeners.add(listener);
      return () => {
        restoredListeners.delete(listener);
      };
    },
    async close() {
      restoredListeners.clear();
      channels.clear();
      await Promise.all([publisher, subscriber].map((connection) => connection?.quit().catch(() => connection.disconnect())));
    },
  };
}
