import type { Logger } from '@versaai/kernel';
import type { PubSub, PubSubListener, ResponseRef, ResponseStreamStore, StreamEntry, Unsubscribe, UserStreamListener } from '@versaai/storage';
import { userNotificationChannel } from './chat-notifier.ts';
import { entriesFrame } from './frames.ts';
import type { StreamSession } from './stream-session.ts';

interface UserChannel {
  sessions: Set<StreamSession>;
  /** Settles once both subscriptions are live. */
  ready: Promise<Unsubscribe[]>;
}

export interface RealtimeHub {
  /** Adds a session of its user; resolves once that user's streams and notifications reach it. */
  join(session: StreamSession): Promise<() => void>;
  connections(): number;
  /** Users with a live subscription here. */
  users(): number;
  close(): Promise<void>;
}

/**
 * One subscription per connected user per process (response entries and chat notifications),
 * fanned out to that user's sessions here; the last session leaving unsubscribes. A frame is
 * serialised once per append, however many devices the user has.
 */
export function createRealtimeHub(deps: { streams: ResponseStreamStore; pubsub: PubSub; logger: Logger }): RealtimeHub {
  const users = new Map<string, UserChannel>();
  let connections = 0;
  // Either subscription may have lost messages: every session here catches up, whichever it was.
  const restoreAll = () => {
    for (const channel of users.values()) for (const session of channel.sessions) session.onRestored();
  };
  const stopWatching = [deps.streams.onRestored(restoreAll), deps.pubsub.onRestored(restoreAll)];

  function open(userId: string): UserChannel {
    const sessions = new Set<StreamSession>();
    const onEntries = (ref: ResponseRef, entries: StreamEntry[]) => {
      // Serialised once for every session (a session resuming this response builds its own).
      const frame = entriesFrame(ref, entries);
      for (const session of sessions) session.onEntries(ref, entries, frame);
    };
    const onNotification = (message: string) => {
      for (const session of sessions) session.onNotification(message);
    };
    return { sessions, ready: subscribeAll(userId, onEntries, onNotification) };
  }

  /** Both subscriptions, or neither: one that succeeded beside a failed one is undone, not left listening for no one. */
  async function subscribeAll(userId: string, onEntries: UserStreamListener, onNotification: PubSubListener): Promise<Unsubscribe[]> {
    const outcomes = await Promise.allSettled([
      deps.streams.subscribeUser(userId, onEntries),
      deps.pubsub.subscribe(userNotificationChannel(userId), onNotification),
    ]);
    const live = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (!failed) return live;
    await Promise.all(live.map((unsubscribe) => unsubscribe().catch(() => {})));
    throw failed.reason;
  }

  function leave(userId: string, channel: UserChannel, session: StreamSession): void {
    if (!channel.sessions.delete(session)) return;
    connections -= 1;
    if (channel.sessions.size > 0 || users.get(userId) !== channel) return;
    users.delete(userId);
    channel.ready
      .then((unsubscribes) => Promise.all(unsubscribes.map((unsubscribe) => unsubscribe())))
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'realtime unsubscribe failed'));
  }

  return {
    async join(session) {
      const { userId } = session;
      let channel = users.get(userId);
      if (!channel) users.set(userId, (channel = open(userId)));
      channel.sessions.add(session);
      connections += 1;
      const joined = channel;
      try {
        await joined.ready;
      } catch (error) {
        leave(userId, joined, session);
        if (users.get(userId) === joined) users.delete(userId);
        throw error;
      }
      return () => leave(userId, joined, session);
    },
    connections: () => connections,
    users: () => users.size,
    async close() {
      for (const stop of stopWatching) stop();
      const channels = [...users.values()];
      users.clear();
      await Promise.all(channels.map((channel) => channel.ready
        .then((unsubscribes) => Promise.all(unsubscribes.map((unsubscribe) => unsubscribe())))
        .catch(() => {})));
    },
  };
}
