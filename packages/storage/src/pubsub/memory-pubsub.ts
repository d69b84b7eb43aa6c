import type { PubSub, PubSubListener } from './pubsub.ts';

/** The all-in-one pub/sub: every subscriber lives in this process. */
export function createMemoryPubSub(): PubSub {
  const channels = new Map<string, Set<PubSubListener>>();
  return {
    async publish(channel, message) {
      const listeners = channels.get(channel);
      if (!listeners) return;
      // A copy: a listener that unsubscribes while being called must not skip its neighbour.
      for (const listener of [...listeners]) listener(message);
    },
    async subscribe(channel, listener) {
      let listeners = channels.get(channel);
      if (!listeners) channels.set(channel, (listeners = new Set()));
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        if (listeners.size === 0 && channels.get(channel) === listeners) channels.delete(channel);
      };
    },
    onRestored() {
      return () => {}; // nothing between publisher and subscriber can drop a message
    },
    async close() {
      channels.clear();
    },
  };
}
