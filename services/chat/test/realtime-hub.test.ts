import { describe, expect, it } from 'vitest';
import { createLogger } from '@versaai/kernel';
import { createMemoryPubSub, createMemoryResponseStreamStore, type PubSub, type ResponseStreamStore } from '@versaai/storage';
import { createRealtimeHub } from '../src/realtime/realtime-hub.ts';
import { StreamSession } from '../src/realtime/stream-session.ts';

/** The memory store, counting the user subscriptions that are live. */
function countingStreams(): { streams: ResponseStreamStore; live(): number } {
  const store = createMemoryResponseStreamStore({ retentionMs: 60_000 });
  let live = 0;
  const streams: ResponseStreamStore = {
    ...store,
    async subscribeUser(userId, listener) {
      const unsubscribe = await store.subscribeUser(userId, listener);
      live += 1;
      return async () => {
        live -= 1;
        await unsubscribe();
      };
    },
  };
  return { streams, live: () => live };
}

/** Memory pub/sub whose subscriptions fail while `failing` is set, as when Redis refuses them. */
function flakyPubSub(): PubSub & { failing: boolean } {
  const inner = createMemoryPubSub();
  return {
    failing: true,
    publish: (channel, message) => inner.publish(channel, message),
    async subscribe(channel, listener) {
      if (this.failing) throw new Error('subscription refused');
      return inner.subscribe(channel, listener);
    },
    onRestored: (listener) => inner.onRestored(listener),
    close: () => inner.close(),
  };
}

describe('realtime hub', () => {
  it('undoes the stream subscription of a user whose notification subscription failed, and joins them later', async () => {
    const { streams, live } = countingStreams();
    const pubsub = flakyPubSub();
    const hub = createRealtimeHub({ streams, pubsub, logger: createLogger({ service: 'test', level: 'silent' }) });
    const frames: string[] = [];
    const peer = { sendEntries: (frame: string) => frames.push(frame), sendMessage: (frame: string) => frames.push(frame), restored: () => {} };

    await expect(hub.join(new StreamSession('ursula', peer, streams))).rejects.toThrow('subscription refused');
    expect({ users: hub.users(), connections: hub.connections(), liveStreamSubscriptions: live() }).toEqual({ users: 0, connections: 0, liveStreamSubscriptions: 0 });

    pubsub.failing = false;
    const leave = await hub.join(new StreamSession('ursula', peer, streams));
    expect(live()).toBe(1);
    await streams.append({ responseId: 'r1', conversationId: 'c', userId: 'ursula' }, [{ type: 'delta', text: 'hi' }]);
    expect(frames.map((frame) => JSON.parse(frame) as { type: string; responseId: string })).toMatchObject([{ type: 'entries', responseId: 'r1' }]);
    leave();
    await hub.close();
    await pubsub.close();
  });
});
